package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Job counts a pod's end as Kubernetes and the trainer mean it: an eviction is not the run's failure (it
 * continues, even with no retries allowed), and input the trainer refuses fails the run at once, with the trainer's
 * reason, instead of being retried until the backoff limit.
 */
@OnLocalCluster
class FailurePolicyE2EIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(6);

    private static EndToEnd e2e;
    private static KubernetesClient client;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster cluster) {
        client = kubernetes;
        e2e = EndToEnd.prepare(FailurePolicyE2EIT.class, client, cluster, 100);
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void aPodEvictedThroughTheEvictionApiIsReplacedThoughNoRetryIsAllowed() {
        e2e.create("evicted", EndToEnd.RESUMABLE_SPEC.replace("backoffLimit: 2", "backoffLimit: 0"));
        e2e.await("evicted", "to finish its first epoch", TIMEOUT, run -> !EndToEnd.statusEpochs(run).isEmpty());
        assertTrue(client.pods().resource(e2e.pods("evicted").get(0)).evict(), "the eviction was refused");

        TrainingRun finished = e2e.awaitFinished("evicted", TIMEOUT);
        assertEquals(Phase.Succeeded, finished.getStatus().getPhase(), () -> e2e.logs("evicted"));
        assertEquals(2, finished.getStatus().getAttempts());
        assertEquals(1, finished.getStatus().getInterruptions().getCount());
        assertEquals(0L, finished.getStatus().getInterruptions().getStepsRedone());
    }

    @Test
    void inputTheTrainerRefusesFailsTheRunAfterOnePodWithTheTrainersReason() {
        e2e.create("refused", EndToEnd.RESUMABLE_SPEC.replace("numClasses: 3", "numClasses: 5"));
        TrainingRun failed = e2e.awaitFinished("refused", TIMEOUT);

        assertEquals(Phase.Failed, failed.getStatus().getPhase());
        Condition condition = failed.getStatus().getConditions().stream()
                .filter(c -> "Failed".equals(c.getType())).findFirst().orElseThrow();
        assertEquals("InvalidInput", condition.getReason());
        assertTrue(condition.getMessage().contains("spec.model.numClasses: is 5 but spec.data.trainDir "),
                condition::getMessage);
        assertEquals(1, e2e.pods("refused").size(), "one pod, no retry");
        assertEquals(1, failed.getStatus().getAttempts());
    }
}
