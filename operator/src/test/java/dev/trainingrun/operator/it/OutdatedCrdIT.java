package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.Fixtures.awaitCondition;
import static dev.trainingrun.operator.it.Fixtures.condition;
import static dev.trainingrun.operator.it.Fixtures.fakeNodeRun;
import static dev.trainingrun.operator.it.Fixtures.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator started against the CRD of an older release, as Helm leaves it behind (it never upgrades CRDs): it
 * keeps working, and says what the CRD lacks in its log, as an Event on the CRD, in its readiness and on every run,
 * until the current CRD is applied, which clears all of it without a restart.
 */
@OnLocalCluster
class OutdatedCrdIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String LACKS = "lacks status.activeSeconds, status.activeSince, which the operator and the "
            + "trainer write";

    private static KubernetesClient client;
    private static String namespace;
    private static OperatorProcess operator;

    @BeforeAll
    static void startOperatorOnAnOlderCrd(KubernetesClient kubernetes, Cluster cluster) {
        client = kubernetes;
        namespace = cluster.namespace();
        Fixtures.installClusterWide(client);
        Fixtures.installCrdWithout(client, "status.activeSeconds", "status.activeSince");
        Fixtures.createBoundClaims(client, namespace);
        operator = OperatorProcess.startAlive(OutdatedCrdIT.class.getSimpleName(), cluster.kubeconfig(),
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", namespace));
    }

    @AfterAll
    static void stopOperatorAndRestoreTheCrd() {
        if (operator != null) {
            operator.close();
        }
        Fixtures.installCrd(client);
        Fixtures.deleteRuns(client, namespace);
        Fixtures.deleteBoundClaimVolumes(client, namespace);
    }

    @Test
    void theOperatorSaysWhatTheCrdLacksEverywhereUntilTheCrdIsUpgraded() {
        HttpResponse<String> readiness = Await.until("readiness to report the CRD", TIMEOUT,
                () -> operator.get("/q/health/ready"), response -> response.body().contains(LACKS));
        assertEquals(503, readiness.statusCode(), readiness.body());
        assertTrue(readiness.body().contains("\"TrainingRun CRD\""), readiness.body());
        assertTrue(operator.logLines().stream().anyMatch(line -> line.contains("WARN") && line.contains(LACKS)),
                "a warning in the log");
        Event event = Await.until("a Warning Event on the CRD", TIMEOUT, () -> client.events().v1().events()
                .inNamespace("default").list().getItems().stream()
                .filter(e -> e.getRegarding() != null && "CustomResourceDefinition".equals(e.getRegarding().getKind())
                        && TrainingRun.CRD_NAME.equals(e.getRegarding().getName())
                        && "CrdOutdated".equals(e.getReason()))
                .findFirst().orElse(null), found -> found != null);
        assertEquals("Warning", event.getType());
        assertTrue(event.getNote().contains(LACKS), event.getNote());

        // The operator keeps working; every run says why its status is incomplete.
        runs(client).resource(fakeNodeRun("meanwhile", 1)).create();
        TrainingRun running = awaitCondition(client, "meanwhile", "Running", "PodRunning", TIMEOUT);
        assertEquals(Phase.Running, running.getStatus().getPhase());
        assertTrue(Fixtures.hasCondition(running, "Ready", "False", "CrdOutdated"));
        String message = condition(running, "Ready").orElseThrow().getMessage();
        assertTrue(message.contains(LACKS) && message.contains("kubectl apply --server-side"), message);

        Fixtures.installCrd(client);
        Await.until("readiness once the CRD is current", TIMEOUT,
                () -> operator.get("/q/health/ready").statusCode() == 200);
        TrainingRun ready = awaitCondition(client, "meanwhile", "Ready", "JobCreated", TIMEOUT);
        assertEquals(0L, ready.getStatus().getActiveSeconds(), "the field the old CRD dropped is written now");
        assertTrue(ready.getStatus().getActiveSince() != null);
    }
}
