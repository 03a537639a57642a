package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator stopped in the middle of a run and started again later: the training pod never depends on it, so
 * training goes on and the trainer's own status fields keep coming; once back, the operator catches up with what
 * happened meanwhile.
 */
@OnLocalCluster
class OperatorRestartE2EIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static EndToEnd e2e;
    private static KubernetesClient client;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster cluster) {
        client = kubernetes;
        e2e = EndToEnd.prepare(OperatorRestartE2EIT.class, client, cluster, 60);
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void trainingGoesOnWhileTheOperatorIsAwayAndItsStatusCatchesUpAfterwards() {
        e2e.create("unattended", EndToEnd.RESUMABLE_SPEC);
        e2e.await("unattended", "to finish its first epoch", TIMEOUT, run -> run.getStatus().getPhase() == Phase.Running
                && !EndToEnd.statusEpochs(run).isEmpty());
        e2e.operator().stop();
        List<Integer> whenStopped = EndToEnd.statusEpochs(e2e.get("unattended"));

        // Only the trainer writes now: its epochs keep coming, and the Job ends without the operator.
        Await.until("the Job to complete without the operator", TIMEOUT, () -> {
            var job = client.batch().v1().jobs().withName("unattended").get();
            return job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() == 1;
        });
        TrainingRun meanwhile = e2e.get("unattended");
        assertEquals(List.of(1, 2, 3, 4), EndToEnd.statusEpochs(meanwhile), "written by the trainer alone");
        assertTrue(whenStopped.size() < 4, "stopped at epochs " + whenStopped);
        assertEquals(Phase.Running, meanwhile.getStatus().getPhase(), "nobody told the operator's fields yet");

        e2e.startOperator();
        TrainingRun done = e2e.await("unattended", "to be Succeeded", TIMEOUT,
                run -> run.getStatus().getPhase() == Phase.Succeeded);
        assertNotNull(done.getStatus().getCompletionTime());
        assertEquals(List.of(1, 2, 3, 4), EndToEnd.statusEpochs(done));
        assertEquals(1, e2e.pods("unattended").size(), "the one pod trained undisturbed");
        assertEquals(1, done.getStatus().getAttempts());
    }
}
