package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Await;
import dev.trainingrun.operator.it.Fixtures;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run that loses its pod, by deletion (as eviction or preemption would) or by suspension, continues from its
 * newest checkpoint in the next pod: no finished epoch is trained again, and it ends where an uninterrupted run
 * of the same spec ends.
 */
@OnLocalCluster
class ResumeE2EIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final List<Integer> ALL_EPOCHS = List.of(1, 2, 3, 4);

    private static EndToEnd e2e;
    private static KubernetesClient client;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster cluster) {
        client = kubernetes;
        e2e = EndToEnd.prepare(ResumeE2EIT.class, client, cluster, 100);
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void aPodDeletedInTheMiddleOfAnEpochIsReplacedByOneThatResumesAndTheRunEndsAsIfUninterrupted() {
        e2e.create("steady", EndToEnd.RESUMABLE_SPEC);
        e2e.create("interrupted", EndToEnd.RESUMABLE_SPEC);
        // Epoch 1's report (and checkpoint) has just been written: the pod is early in epoch 2.
        TrainingRun atDeletion = e2e.await("interrupted", "to finish its first epoch", TIMEOUT,
                run -> !EndToEnd.statusEpochs(run).isEmpty());
        Pod first = e2e.pods("interrupted").get(0);
        client.pods().resource(first).delete();
        assertEquals(List.of(1), EndToEnd.statusEpochs(atDeletion), "deleted before epoch 2 ended");

        TrainingRun interrupted = e2e.awaitFinished("interrupted", TIMEOUT);
        TrainingRun steady = e2e.awaitFinished("steady", TIMEOUT);
        assertEquals(Phase.Succeeded, interrupted.getStatus().getPhase(), () -> e2e.logs("interrupted"));
        assertEquals(Phase.Succeeded, steady.getStatus().getPhase(), () -> e2e.logs("steady"));
        assertEquals(2, interrupted.getStatus().getAttempts());

        List<Pod> pods = e2e.pods("interrupted");
        assertFalse(pods.stream().anyMatch(p -> p.getMetadata().getUid().equals(first.getMetadata().getUid())));
        String resumedLog = e2e.logs("interrupted");
        String checkpoint = atDeletion.getStatus().getEpochs().get(0).getCheckpoint();
        assertTrue(resumedLog.contains("resuming from " + checkpoint + ": "), resumedLog);
        assertTrue(resumedLog.contains("continuing with epoch 2"), resumedLog);
        assertFalse(resumedLog.contains("epoch 1 done"), "epoch 1 was not trained again:\n" + resumedLog);

        assertEquals(ALL_EPOCHS, EndToEnd.statusEpochs(interrupted));
        assertSameEpochs(e2e.metrics(steady), e2e.metrics(interrupted));
        assertEquals(steady.getStatus().getBest().getEpoch(), interrupted.getStatus().getBest().getEpoch());
    }

    @Test
    void aSuspendedRunKeepsItsCheckpointsAndContinuesFromThemWhenResumed() throws Exception {
        e2e.create("paused", EndToEnd.RESUMABLE_SPEC);
        e2e.await("paused", "to finish its first epoch", TIMEOUT, run -> !EndToEnd.statusEpochs(run).isEmpty());
        suspend("paused", true);
        TrainingRun suspended = e2e.await("paused", "to be suspended", TIMEOUT,
                run -> run.getStatus().getPhase() == Phase.Suspended);
        Await.until("the paused run's pod to be gone", TIMEOUT, () -> e2e.pods("paused").isEmpty());
        List<Integer> done = EndToEnd.statusEpochs(e2e.get("paused"));
        assertTrue(done.size() < ALL_EPOCHS.size(), "suspended after epochs " + done);
        String latest = e2e.get("paused").getStatus().getCheckpoints().getLatest();
        assertTrue(Files.isRegularFile(e2e.runDirectory(suspended).resolve(latest)), "the checkpoint stays");

        suspend("paused", false);
        TrainingRun finished = e2e.awaitFinished("paused", TIMEOUT);
        assertEquals(Phase.Succeeded, finished.getStatus().getPhase(), () -> e2e.logs("paused"));
        String resumedLog = e2e.logs("paused");
        assertTrue(resumedLog.contains("resuming from " + latest + ": "), resumedLog);
        assertTrue(resumedLog.contains("continuing with epoch " + (done.size() + 1)), resumedLog);
        assertEquals(ALL_EPOCHS, EndToEnd.statusEpochs(finished));
        assertEquals(ALL_EPOCHS, e2e.metrics(finished).stream().map(m -> m.get("epoch").asInt()).toList());
    }

    private static void suspend(String run, boolean suspend) {
        Fixtures.runs(client).withName(run).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\": {\"runPolicy\": {\"suspend\": " + suspend + "}}}");
    }

    /** The same epochs, each once, with the same metrics to 1e-4 (what exact resume promises across pods). */
    private static void assertSameEpochs(List<JsonNode> expected, List<JsonNode> actual) {
        assertEquals(ALL_EPOCHS, actual.stream().map(m -> m.get("epoch").asInt()).toList(), "each epoch once");
        for (int i = 0; i < expected.size(); i++) {
            for (String metric : List.of("trainLoss", "valLoss", "valAccuracy")) {
                assertEquals(expected.get(i).get(metric).asDouble(), actual.get(i).get(metric).asDouble(), 1e-4,
                        metric + " of epoch " + (i + 1));
            }
        }
    }
}
