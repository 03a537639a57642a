package dev.trainingrun.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Argo CD itself syncing a TrainingRun from Git ({@link LocalArgoCd}), with the operator as it ships and the run on a
 * fake GPU node. Argo CD's own verdicts are read from the Application's status.
 */
@OnLocalCluster
class ArgoCdSyncIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String RUN = "synced";

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
        Fixtures.installCrd(client);
        Fixtures.createBoundClaims(client, cluster.namespace());
        operator = OperatorProcess.start(ArgoCdSyncIT.class.getSimpleName(), cluster.kubeconfig(),
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", cluster.namespace()));
        commitRun(false);
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
    void argoCdSyncsARunFromGitStaysSyncedAndJudgesItWithTheHealthCheck() {
        application = argoCd.createApplication(cluster.namespace());

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

    /** The run's file in Git: what a user writes, every other field left to the CRD's defaults. */
    private static void commitRun(boolean suspend) {
        argoCd.commitRuns("suspend: " + suspend, Map.of(RUN, LocalArgoCd.runManifest(RUN, """
                {data: {volume: {persistentVolumeClaim: {claimName: %s}}},
                 checkpoints: {claimName: %s},
                 resources: {gpus: 1, nodeSelector: {%s: "true"}},
                 runPolicy: {suspend: %s}}""".formatted(Fixtures.DATA_CLAIM, Fixtures.CHECKPOINT_CLAIM,
                Fixtures.FAKE_NODE_LABEL, suspend))));
    }
}
