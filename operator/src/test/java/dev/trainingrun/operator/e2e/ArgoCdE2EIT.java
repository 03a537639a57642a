package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.it.Fixtures;
import dev.trainingrun.operator.it.LocalArgoCd;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GitOps on the real node: Argo CD itself ({@link LocalArgoCd}) syncs TrainingRuns from Git with the Application of
 * docs/gitops.md (automated, selfHeal, ServerSideApply), judges them with the documented health check, and suspends
 * and resumes a run through its API server with the documented resource actions, while the runs train for real.
 * Git leaves {@code runPolicy.suspend} out of a run that people suspend with the actions, so the action's value is
 * no difference from Git and the Application stays Synced; a run whose file sets it gets it back by self-heal.
 */
@OnLocalCluster
class ArgoCdE2EIT {
    /** The trained run shares the node's two cores with the operator and Argo CD: generous. */
    private static final Duration TIMEOUT = Duration.ofMinutes(15);
    /** Images per class: epochs of 28 steps, long enough that a suspension lands inside one. */
    private static final int TRAIN_PER_CLASS = 150;
    private static final String TRAINED = "trained";
    private static final String UNPULLABLE = "unpullable";

    private static EndToEnd e2e;
    private static LocalArgoCd argoCd;
    private static String application;
    private static KubernetesClient client;
    private static Cluster cluster;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster localCluster) {
        client = kubernetes;
        cluster = localCluster;
        e2e = EndToEnd.prepare(ArgoCdE2EIT.class, client, cluster, TRAIN_PER_CLASS);
        argoCd = LocalArgoCd.start(client, cluster);
        // The trained run's file leaves runPolicy.suspend out; the unpullable run's sets it.
        String unpullable = """
                {image: "%s/trainingrun-tests/missing:0",
                 data: {volume: {persistentVolumeClaim: {claimName: %s}}},
                 checkpoints: {size: 50Mi, reclaimPolicy: Delete},
                 resources: {gpus: 0, memory: 512Mi},
                 runPolicy: {suspend: false, backoffLimit: 0}}""".formatted(cluster.registry(), ShapesData.CLAIM);
        argoCd.commitRuns("two runs", Map.of(
                TRAINED, LocalArgoCd.runManifest(TRAINED, EndToEnd.RESUMABLE_SPEC),
                UNPULLABLE, LocalArgoCd.runManifest(UNPULLABLE, unpullable)));
        application = argoCd.createApplication(cluster.namespace());
    }

    @AfterAll
    static void stop() {
        if (argoCd != null) {
            argoCd.close();
        }
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void aRunSyncedFromGitIsSuspendedAndResumedByArgoCdActionsAndEndsHealthyWithTheApplicationSynced() {
        // Training on the real node: Progressing, with where the pod runs (and, once reported, the epoch).
        String node = Fixtures.realNode(client);
        JsonNode training = argoCd.awaitRunHealth(application, TRAINED, "Argo CD to see the run train", TIMEOUT,
                "Progressing", message -> message.contains(" runs on node " + node));
        assertSynced(training);
        String where = Fixtures.condition(e2e.get(TRAINED), "Running").orElseThrow().getMessage();
        assertTrue(training.path("health").path("message").asText().endsWith(where), training.toString());

        // Suspended through Argo CD's API server in the middle of an epoch: the pod saves a step checkpoint and goes.
        e2e.await(TRAINED, "to finish its first epoch", TIMEOUT, run -> !EndToEnd.statusEpochs(run).isEmpty());
        argoCd.runAction(application, "suspend", TRAINED);
        JsonNode suspended = argoCd.awaitRunHealth(application, TRAINED, "Argo CD to see the run suspended", TIMEOUT,
                "Suspended", message -> message.startsWith("SuspendedByUser: "));
        TrainingRun paused = e2e.await(TRAINED, "to be suspended with a step checkpoint", TIMEOUT,
                run -> run.getStatus().getPhase() == Phase.Suspended && run.getStatus().getCheckpoints() != null
                        && run.getStatus().getCheckpoints().getStep() != null);
        assertEquals(explained(paused, "Suspended"), suspended.path("health").path("message").asText());
        Await.until("the suspended run's pod to be gone", TIMEOUT, () -> e2e.pods(TRAINED).isEmpty());
        long savedAt = paused.getStatus().getCheckpoints().getStepCheckpointStep();
        // Git leaves runPolicy.suspend out: the action's value is no difference, so self-heal leaves it.
        assertSynced(argoCd.awaitRunHealth(application, TRAINED, "Argo CD to compare the suspended run again",
                TIMEOUT, "Suspended", message -> true));
        assertTrue(e2e.get(TRAINED).getSpec().getRunPolicy().isSuspend(), "still suspended after a refresh");

        // Resumed the same way: the next pod continues at the next step, and the run ends Healthy.
        argoCd.runAction(application, "resume", TRAINED);
        JsonNode healthy = argoCd.awaitRunHealth(application, TRAINED, "Argo CD to see the run succeed", TIMEOUT,
                "Healthy", message -> true);
        TrainingRun finished = e2e.get(TRAINED);
        assertEquals(Phase.Succeeded, finished.getStatus().getPhase(), () -> e2e.logs(TRAINED));
        assertTrue(healthy.path("health").path("message").asText()
                .startsWith(Fixtures.condition(finished, "Succeeded").orElseThrow().getMessage()), healthy.toString());
        assertSynced(healthy);
        e2e.assertContinuedAfterStop(TRAINED, savedAt);
    }

    @Test
    void aRunWhoseImageCannotBePulledIsDegradedWithTheOperatorsMessageAndSelfHealUndoesAnActionGitContradicts() {
        // Argo CD's message is the Stuck condition's "reason: message" at the time it looked; the kubelet alternates
        // ErrImagePull and ImagePullBackOff, so each poll compares with the run as it is then.
        JsonNode degraded = argoCd.awaitRunHealth(application, UNPULLABLE, "Argo CD to see the run Degraded",
                TIMEOUT, "Degraded", message -> message.equals(explained(e2e.get(UNPULLABLE), "Stuck")));
        String message = degraded.path("health").path("message").asText();
        assertTrue(message.startsWith("ErrImagePull: ") || message.startsWith("ImagePullBackOff: "), message);
        assertTrue(message.contains("trainingrun-tests/missing:0"), message);
        assertSynced(degraded);
        assertEquals("Degraded", argoCd.health(application), "the worst of its runs' health");

        // Git sets runPolicy.suspend: false, so the action's true is a difference and selfHeal applies Git again:
        // the action's change (generation 2) and the sync that undoes it (generation 3).
        argoCd.runAction(application, "suspend", UNPULLABLE);
        TrainingRun healed = e2e.await(UNPULLABLE, "to be set back to runPolicy.suspend: false by self-heal", TIMEOUT,
                run -> run.getMetadata().getGeneration() >= 3 && !run.getSpec().getRunPolicy().isSuspend());
        assertEquals(3L, healed.getMetadata().getGeneration());
        assertSynced(argoCd.awaitRunHealth(application, UNPULLABLE, "Argo CD to see the run Degraded again",
                TIMEOUT, "Degraded", text -> !text.startsWith("Waiting for the operator")));
    }

    private static void assertSynced(JsonNode entry) {
        assertEquals("Synced", entry.path("status").asText(), entry.toString());
        assertEquals("Synced", argoCd.syncStatus(application));
    }

    /** "reason: message" of the run's condition, as the health check writes it, or "" without that condition. */
    private static String explained(TrainingRun run, String type) {
        return Fixtures.condition(run, type).map(c -> c.getReason() + ": " + c.getMessage()).orElse("");
    }
}
