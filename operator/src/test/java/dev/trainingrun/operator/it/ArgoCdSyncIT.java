package dev.trainingrun.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Argo CD itself syncing a TrainingRun from Git ({@link LocalArgoCd}), with the operator as it ships and the run on a
 * fake GPU node. Argo CD's own verdicts are read from the Application's status.
 */
@OnLocalCluster
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the second leaves Git and the cluster agreeing only at its end
class ArgoCdSyncIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String RUN = "synced";
    /** A second run, whose spec is changed and which is then removed from Git. */
    private static final String EDITED = "edited";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KubernetesClient client;
    private static Cluster cluster;
    private static OperatorProcess operator;
    private static LocalArgoCd argoCd;
    private static String application;

    @BeforeAll
    static void startArgoCdAndTheOperator(KubernetesClient kubernetes, Cluster localCluster) {
        client = kubernetes;
        cluster = localCluster;
        argoCd = LocalArgoCd.start(client, cluster);
        Fixtures.installClusterWide(client);
        Fixtures.createBoundClaims(client, cluster.namespace());
        operator = OperatorProcess.start(ArgoCdSyncIT.class.getSimpleName(), cluster.kubeconfig(),
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", cluster.namespace()));
        commitRun(false);
        application = argoCd.createApplication(cluster.namespace());
    }

    @AfterAll
    static void stopEverything() {
        if (argoCd != null) {
            argoCd.close();
        }
        if (operator != null) {
            operator.close();
        }
        if (client != null) {
            Fixtures.deleteRuns(client, cluster.namespace());
            Fixtures.deleteBoundClaimVolumes(client, cluster.namespace());
        }
    }

    @Test
    @Order(1)
    void argoCdSyncsARunFromGitStaysSyncedAndJudgesItWithTheHealthCheck() {
        // Training on a fake GPU node: Argo CD's health is the script's, with the operator's message.
        JsonNode training = argoCd.awaitRunHealth(application, RUN, "Argo CD to see the run train", TIMEOUT,
                "Progressing", message -> message.startsWith("Pod ") && message.contains(" runs on node kwok-gpu-"));
        TrainingRun live = Fixtures.get(client, RUN);
        assertEquals(Fixtures.condition(live, "Running").orElseThrow().getMessage(),
                training.path("health").path("message").asText());
        // The operator has written status and the API server has defaulted the spec: no drift.
        assertEquals("Synced", training.path("status").asText(), training.toString());
        assertEquals("Synced", argoCd.syncStatus(application));

        // runPolicy edited in Git: Argo CD applies it and reports the run Suspended.
        commitRun(true);
        JsonNode suspended = argoCd.awaitRunHealth(application, RUN, "Argo CD to see the run suspended", TIMEOUT,
                "Suspended", message -> message.startsWith("SuspendedByUser: "));
        assertEquals("Synced", suspended.path("status").asText(), suspended.toString());
        assertTrue(Fixtures.get(client, RUN).getSpec().getRunPolicy().isSuspend());
    }

    /**
     * Changing what a run trains in Git fails the sync with the API server's message and leaves the run as it was;
     * a run removed from Git is not deleted (prune: false) but shown as requiring pruning, until a person deletes it.
     * The test leaves Git and the cluster agreeing again.
     */
    @Test
    @Order(2)
    void aSpecChangeInGitFailsTheSyncAndARunRemovedFromGitStaysUntilSomeoneDeletesIt() {
        argoCd.commitRuns("add " + EDITED, Map.of(EDITED, manifest(EDITED, "epochs: 3")));
        argoCd.awaitRunHealth(application, EDITED, "Argo CD to sync the second run", TIMEOUT, "Progressing",
                message -> true);

        argoCd.commitRuns("train longer", Map.of(EDITED, manifest(EDITED, "epochs: 7")));
        // The run's result in the sync: Argo CD retries a failed automated sync, failing the same way each time.
        JsonNode failed = Await.until("Argo CD's sync of the edited spec to fail", TIMEOUT, () -> {
            argoCd.refresh(application);
            for (JsonNode result : JSON.valueToTree(argoCd.application(application).get())
                    .at("/status/operationState/syncResult/resources")) {
                if (EDITED.equals(result.path("name").asText())) {
                    return result;
                }
            }
            return null;
        }, result -> result != null && "SyncFailed".equals(result.path("status").asText()));
        assertTrue(failed.path("message").asText().endsWith(
                "spec.training is immutable once the run exists; create a new TrainingRun instead"), failed.toString());
        assertEquals("OutOfSync", argoCd.runEntry(application, EDITED).path("status").asText());
        assertEquals(3, Fixtures.get(client, EDITED).getSpec().getTraining().getEpochs());
        // Its retries would apply that revision again, and create the run anew once it is deleted below.
        argoCd.cli("app", "terminate-op", application);

        argoCd.removeRuns("remove " + EDITED, EDITED);
        JsonNode removed = argoCd.awaitRunEntry(application, EDITED, "Argo CD to see the run removed from Git",
                TIMEOUT, entry -> entry.path("requiresPruning").asBoolean());
        assertEquals("OutOfSync", removed.path("status").asText(), removed.toString());
        assertNotNull(Fixtures.get(client, EDITED), "not pruned");

        Fixtures.runs(client).withName(EDITED).delete();
        Await.until("the Application to be Synced without the run", TIMEOUT, () -> {
            argoCd.refresh(application);
            return argoCd.runEntry(application, EDITED) == null && "Synced".equals(argoCd.syncStatus(application));
        });
    }

    /** The run's file in Git: what a user writes, every other field left to the CRD's defaults. */
    private static void commitRun(boolean suspend) {
        argoCd.commitRuns("suspend: " + suspend, Map.of(RUN, manifest(RUN, "suspend: " + suspend)));
    }

    /** A run on a fake GPU node, with {@code setting} (a field of runPolicy or training) in its spec. */
    private static String manifest(String run, String setting) {
        String policy = setting.startsWith("suspend") ? setting : "suspend: false";
        String training = setting.startsWith("epochs") ? setting : "epochs: 3";
        return LocalArgoCd.runManifest(run, """
                {data: {volume: {persistentVolumeClaim: {claimName: %s}}},
                 checkpoints: {claimName: %s},
                 training: {%s},
                 resources: {gpus: 1, nodeSelector: {%s: "true"}},
                 runPolicy: {%s}}""".formatted(Fixtures.DATA_CLAIM, Fixtures.CHECKPOINT_CLAIM, training,
                Fixtures.FAKE_NODE_LABEL, policy));
    }
}
