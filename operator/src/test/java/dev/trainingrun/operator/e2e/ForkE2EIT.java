package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.StartedFrom;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fork on the real node: run A trains to Succeeded, run B starts from A's best checkpoint (A's claim mounted
 * read-only into B's pod), succeeds, names A's checkpoint in its status, and its first validation loss is A's best
 * epoch's rather than a fresh network's.
 */
@OnLocalCluster
class ForkE2EIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** One epoch at a learning rate too small to move the weights: what it validates is what it started from. */
    private static final String STILL = EndToEnd.RESUMABLE_SPEC
            .replace("epochs: 4", "epochs: 1")
            .replace("learningRate: 0.001, warmupEpochs: 1", "learningRate: 1.0e-7, warmupEpochs: 0");

    private static EndToEnd e2e;

    @BeforeAll
    static void prepare(KubernetesClient client, Cluster cluster) {
        e2e = EndToEnd.prepare(ForkE2EIT.class, client, cluster, 100);
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void aForkOfAFinishedRunsBestCheckpointContinuesFromItsWeightsAndRecordsItsLineage() {
        // The quickstart's data (100 images a class) and four epochs: the source learns, so that its best epoch's
        // validation loss is far from a fresh network's.
        TrainingRun source = e2e.create("source", EndToEnd.RESUMABLE_SPEC);
        TrainingRun trained = e2e.awaitFinished("source", TIMEOUT);
        assertEquals(Phase.Succeeded, trained.getStatus().getPhase(), () -> e2e.logs("source"));

        e2e.create("fork", STILL.replace("numClasses: 3}", "numClasses: 3, from: {run: source}}"));
        e2e.create("scratch", STILL);
        TrainingRun fork = e2e.awaitFinished("fork", TIMEOUT);
        assertEquals(Phase.Succeeded, fork.getStatus().getPhase(), () -> e2e.logs("fork"));
        TrainingRun scratch = e2e.awaitFinished("scratch", TIMEOUT);
        assertEquals(Phase.Succeeded, scratch.getStatus().getPhase(), () -> e2e.logs("scratch"));

        StartedFrom from = fork.getStatus().getStartedFrom();
        assertEquals("source", from.getRun());
        assertEquals(source.getMetadata().getUid(), from.getUid());
        assertEquals(trained.getStatus().getBest().getCheckpoint(), from.getCheckpoint());
        assertEquals(trained.getStatus().getBest().getEpoch(), from.getEpoch());
        assertEquals("Weights", from.getInclude());
        assertTrue(e2e.logs("fork").contains("forked from run source (uid " + source.getMetadata().getUid() + "): "
                + from.getCheckpoint()), () -> e2e.logs("fork"));

        double best = e2e.metrics(trained).get(trained.getStatus().getBest().getEpoch() - 1).get("valLoss").asDouble();
        double forked = e2e.metrics(fork).get(0).get("valLoss").asDouble();
        double fresh = e2e.metrics(scratch).get(0).get("valLoss").asDouble();
        System.out.printf(Locale.ROOT, "[e2e] fork: validation loss of the source's best epoch %.6f, the fork's "
                + "first %.6f, a fresh run's first %.6f%n", best, forked, fresh);
        assertTrue(Math.abs(forked - best) < 0.25 * Math.abs(fresh - best),
                "the fork starts where the source's best epoch was, far from a fresh network");
    }
}
