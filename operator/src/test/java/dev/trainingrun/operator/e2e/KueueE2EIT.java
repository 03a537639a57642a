package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Interruptions;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.it.Fixtures;
import dev.trainingrun.operator.it.KueueQueues;
import dev.trainingrun.operator.kueue.Kueue;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.LocalKueue;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kueue preempts a training run on the real node for a run of higher priority, and admits it again once that one has
 * finished: the preempted pod saves a step checkpoint, the next pod continues at the next step, and the run ends with
 * the weights of a run that was never interrupted; and the same through a user suspend, which frees the quota for
 * another run. The ClusterQueue's quota is memory: room for one run's 2 GiB.
 */
@OnLocalCluster
class KueueE2EIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(15);
    /** Images per class: epochs of 28 steps, long enough that the preemption lands inside one. */
    private static final int TRAIN_PER_CLASS = 150;
    private static final String QUEUE = "training";

    private static EndToEnd e2e;
    private static LocalKueue kueue;
    private static KubernetesClient client;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster cluster) {
        client = kubernetes;
        kueue = LocalKueue.start(cluster);
        // The quota is memory: room for one run's 2 GiB.
        KueueQueues.create(client, "kueue-e2e", Map.of("cpu", "8", "memory", "3Gi"),
                cluster.namespace(), QUEUE);
        e2e = EndToEnd.prepare(KueueE2EIT.class, client, cluster, TRAIN_PER_CLASS);
        e2e.create("steady", EndToEnd.RESUMABLE_SPEC);
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
        if (kueue != null) {
            kueue.stop();
        }
    }

    @Test
    void aPreemptedRunIsAdmittedAgainAndContinuesAtTheNextStepWithNothingRedone() throws IOException {
        create("low", EndToEnd.RESUMABLE_SPEC, "kueue-e2e-low");
        e2e.await("low", "to finish its first epoch", TIMEOUT, run -> !EndToEnd.statusEpochs(run).isEmpty());
        create("high", EndToEnd.RESUMABLE_SPEC.replace("epochs: 4,", "epochs: 1,"), "kueue-e2e-high");

        TrainingRun preempted = e2e.await("low", "to be preempted", TIMEOUT,
                run -> Fixtures.hasCondition(run, "Preempted", "True", null));
        assertTrue(Fixtures.condition(preempted, "Preempted").orElseThrow().getMessage().contains("Preempted"));
        TrainingRun queued = e2e.await("low", "to wait in its queue with a step checkpoint", TIMEOUT,
                run -> Fixtures.hasCondition(run, "Queued", "True", null)
                        && run.getStatus().getCheckpoints().getStep() != null);
        assertEquals(Phase.Pending, queued.getStatus().getPhase());
        Await.until("low's pod to be gone", TIMEOUT, () -> e2e.pods("low").isEmpty());
        long savedAt = queued.getStatus().getCheckpoints().getStepCheckpointStep();

        TrainingRun high = e2e.awaitFinished("high", TIMEOUT);
        assertEquals(Phase.Succeeded, high.getStatus().getPhase(), () -> e2e.logs("high"));
        TrainingRun low = e2e.awaitFinished("low", TIMEOUT);
        assertEquals(Phase.Succeeded, low.getStatus().getPhase(), () -> e2e.logs("low"));
        assertEquals("False", Fixtures.condition(low, "Preempted").orElseThrow().getStatus(),
                "Kueue clears its Preempted condition when it admits the run again");
        assertEquals(2, low.getStatus().getAttempts());
        e2e.assertContinuedAfterStop("low", savedAt);
        Interruptions interruptions = low.getStatus().getInterruptions();
        assertEquals(List.of(1, 0L, "Stopped"), List.of(interruptions.getCount(), interruptions.getStepsRedone(),
                interruptions.getLastCause()));
        assertEquals(0, e2e.job("low").getStatus().getFailed() == null ? 0 : e2e.job("low").getStatus().getFailed(),
                "a preempted pod does not count against the backoff limit");
        e2e.assertEndsAs("steady", low, TIMEOUT);
    }

    @Test
    void aRunSuspendedUnderKueueFreesItsQuotaAndContinuesAtTheNextStepWhenResumed() throws IOException {
        create("paused", EndToEnd.RESUMABLE_SPEC, "kueue-e2e-low");
        e2e.await("paused", "to finish its first epoch", TIMEOUT, run -> !EndToEnd.statusEpochs(run).isEmpty());
        create("waiting", EndToEnd.RESUMABLE_SPEC.replace("epochs: 4,", "epochs: 1,"), "kueue-e2e-low");
        e2e.await("waiting", "to wait for paused's quota", TIMEOUT,
                run -> Fixtures.hasCondition(run, "Queued", "True", null));

        Fixtures.patchRunPolicy(client, "paused", Map.of("suspend", true));
        TrainingRun suspended = e2e.await("paused", "to be suspended with a step checkpoint", TIMEOUT,
                run -> run.getStatus().getPhase() == Phase.Suspended
                        && run.getStatus().getCheckpoints().getStep() != null);
        long savedAt = suspended.getStatus().getCheckpoints().getStepCheckpointStep();
        e2e.await("waiting", "to be admitted in the quota paused freed", TIMEOUT,
                run -> Fixtures.hasCondition(run, "Admitted", "True", null));

        Fixtures.patchRunPolicy(client, "paused", Map.of("suspend", false));
        TrainingRun waiting = e2e.awaitFinished("waiting", TIMEOUT);
        assertEquals(Phase.Succeeded, waiting.getStatus().getPhase(), () -> e2e.logs("waiting"));
        TrainingRun paused = e2e.awaitFinished("paused", TIMEOUT);
        assertEquals(Phase.Succeeded, paused.getStatus().getPhase(), () -> e2e.logs("paused"));
        e2e.assertContinuedAfterStop("paused", savedAt);
        assertEquals(0L, paused.getStatus().getInterruptions().getStepsRedone());
        e2e.assertEndsAs("steady", paused, TIMEOUT);
    }

    private static void create(String name, String spec, String priorityClass) {
        TrainingRun run = Fixtures.run(name, spec);
        run.getMetadata().setLabels(Map.of(Kueue.QUEUE_LABEL, QUEUE, Kueue.PRIORITY_CLASS_LABEL, priorityClass));
        Fixtures.runs(client).resource(run).create();
    }
}
