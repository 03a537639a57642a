package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.Fixtures.awaitCondition;
import static dev.trainingrun.operator.it.Fixtures.condition;
import static dev.trainingrun.operator.it.Fixtures.endRunningPod;
import static dev.trainingrun.operator.it.Fixtures.fakeNodeRun;
import static dev.trainingrun.operator.it.Fixtures.get;
import static dev.trainingrun.operator.it.Fixtures.patchRunPolicy;
import static dev.trainingrun.operator.it.Fixtures.pods;
import static dev.trainingrun.operator.it.Fixtures.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.kueue.Kueue;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.LocalKueue;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs queued through Kueue itself (v0.19.2, built from source and started on the local cluster with its webhooks
 * and visibility API), on the fake GPU nodes: admission within a ClusterQueue's quota, the place in the queue,
 * suspend and resume through the Workload, preemption by a higher priority, and a MultiKueue queue refused. Each
 * test counts the Jobs and pods Kueue lets exist. docs/kueue.md shows the queues.
 */
@OnLocalCluster
class KueueIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String QUEUE = "team-a";
    private static final String CLUSTER_QUEUE = "kueue-it";

    private static KubernetesClient client;
    private static String namespace;
    private static Cluster cluster;
    private static LocalKueue kueue;
    private static OperatorProcess operator;

    @BeforeAll
    static void startKueueAndOperator(KubernetesClient kubernetes, Cluster localCluster) {
        client = kubernetes;
        cluster = localCluster;
        namespace = cluster.namespace();
        Fixtures.installClusterWide(client);
        Fixtures.createBoundClaims(client, namespace);
        kueue = LocalKueue.start(cluster);
        KueueQueues.create(client, CLUSTER_QUEUE,
                Map.of("cpu", "64", "memory", "256Gi", "nvidia.com/gpu", "2"), namespace, QUEUE);
        operator = OperatorProcess.start(KueueIT.class.getSimpleName(), cluster.kubeconfig(),
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", namespace));
    }

    @AfterEach
    void deleteRuns() {
        // Each test starts with the whole quota free.
        Fixtures.deleteRuns(client, namespace);
    }

    @AfterAll
    static void stopOperatorAndKueue() {
        if (operator != null) {
            operator.close();
        }
        if (kueue != null) {
            kueue.stop();
        }
        Fixtures.deleteBoundClaimVolumes(client, namespace);
    }

    @Test
    void twoOfThreeOneGpuRunsAreAdmittedAndTheThirdWaitsWithItsPlaceUntilOneFinishes() {
        create("first", 1, null);
        create("second", 1, null);
        awaitCondition(client, "first", "Running", "PodRunning", TIMEOUT);
        awaitCondition(client, "second", "Running", "PodRunning", TIMEOUT);
        create("third", 1, null);

        TrainingRun waiting = Await.until("third to wait in its queue with its place", TIMEOUT,
                () -> get(client, "third"), run -> condition(run, "Queued")
                        // Kueue's visibility API may list the Workload a moment before its scheduler says why it
                        // waits: both must reach the message.
                        .filter(queued -> "True".equals(queued.getStatus())
                                && queued.getMessage().contains("at position 1")
                                && queued.getMessage().contains("nvidia.com/gpu")).isPresent());
        assertEquals(Phase.Pending, waiting.getStatus().getPhase());
        String message = condition(waiting, "Queued").orElseThrow().getMessage();
        assertTrue(message.contains("LocalQueue \"" + QUEUE + "\"") && message.contains("nvidia.com/gpu"), message);
        assertEquals("False", condition(waiting, "Admitted").orElseThrow().getStatus());
        String table = cluster.kubectl(Duration.ofSeconds(30), "get", "trainingruns", "third").orThrow().output();
        assertTrue(table.lines().findFirst().orElseThrow().contains("QUEUED")
                && table.lines().skip(1).findFirst().orElseThrow().matches("third\\s+Pending\\s+True\\b.*"), table);
        assertEquals(3, jobs().size());
        assertEquals(List.of(), pods(client, "third"), "Kueue holds its Job suspended");
        assertEquals("Admitted by ClusterQueue " + CLUSTER_QUEUE + ".",
                condition(get(client, "first"), "Admitted").orElseThrow().getMessage());
        assertEquals("False", condition(get(client, "first"), "Queued").orElseThrow().getStatus());

        endRunningPod(client, "first", 0);
        awaitCondition(client, "first", "Succeeded", "Completed", TIMEOUT);
        TrainingRun admitted = awaitCondition(client, "third", "Running", "PodRunning", TIMEOUT);
        assertEquals("True", condition(admitted, "Admitted").orElseThrow().getStatus());
        assertEquals("False", condition(admitted, "Queued").orElseThrow().getStatus());
    }

    @Test
    void suspendingAnAdmittedRunFreesItsQuotaForAWaitingRunAndResumeQueuesItAgain() {
        create("big", 2, null);
        awaitCondition(client, "big", "Running", "PodRunning", TIMEOUT);
        create("small", 1, null);
        awaitCondition(client, "small", "Queued", null, TIMEOUT);

        patchRunPolicy(client, "big", Map.of("suspend", true));
        awaitCondition(client, "big", "Suspended", "SuspendedByUser", TIMEOUT);
        Await.until("the Workload of big to be deactivated", TIMEOUT, () -> workloadOf("big"),
                workload -> workload != null && Boolean.FALSE.equals(workload.get("spec", "active")));
        awaitCondition(client, "small", "Running", "PodRunning", TIMEOUT);
        Await.until("big's pod to be gone", TIMEOUT, () -> pods(client, "big").isEmpty());
        assertTrue(job("big").getSpec().getSuspend(), "Kueue keeps the Job of an inactive Workload suspended");

        patchRunPolicy(client, "big", Map.of("suspend", false));
        TrainingRun queued = awaitCondition(client, "big", "Queued", null, TIMEOUT);
        assertEquals(Phase.Pending, queued.getStatus().getPhase());
        endRunningPod(client, "small", 0);
        TrainingRun resumed = awaitCondition(client, "big", "Running", "PodRunning", TIMEOUT);
        assertEquals(2, resumed.getStatus().getAttempts(), "a new pod, after the suspension");
    }

    @Test
    void aHigherPriorityRunPreemptsALowerOneWhichIsAdmittedAgainWhenTheQuotaIsFree() {
        create("low", 2, CLUSTER_QUEUE + "-low");
        awaitCondition(client, "low", "Running", "PodRunning", TIMEOUT);
        create("high", 2, CLUSTER_QUEUE + "-high");

        TrainingRun preempted = awaitCondition(client, "low", "Preempted", null, TIMEOUT);
        assertTrue(condition(preempted, "Preempted").orElseThrow().getMessage().contains("Preempted"),
                () -> condition(preempted, "Preempted").orElseThrow().getMessage());
        awaitCondition(client, "high", "Running", "PodRunning", TIMEOUT);
        TrainingRun waiting = awaitCondition(client, "low", "Queued", null, TIMEOUT);
        assertEquals(Phase.Pending, waiting.getStatus().getPhase());
        Await.until("low's pod to be gone", TIMEOUT, () -> pods(client, "low").stream()
                .allMatch(pod -> !"Running".equals(pod.getStatus().getPhase())
                        || pod.getMetadata().getDeletionTimestamp() != null));

        endRunningPod(client, "high", 0);
        TrainingRun readmitted = awaitCondition(client, "low", "Running", "PodRunning", TIMEOUT);
        assertEquals("False", condition(readmitted, "Preempted").orElseThrow().getStatus(),
                "Kueue clears its Preempted condition on readmission");
        assertEquals(0, job("low").getStatus().getFailed() == null ? 0 : job("low").getStatus().getFailed(),
                "a preempted pod does not count against the backoff limit");
    }

    @Test
    void aMultiKueueQueueIsRefusedBeforeAnythingIsMade() {
        apply("""
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: AdmissionCheck
                metadata: {name: kueue-it-elsewhere}
                spec: {controllerName: kueue.x-k8s.io/multikueue}
                """);
        apply("""
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: ClusterQueue
                metadata: {name: kueue-it-elsewhere}
                spec:
                  namespaceSelector: {}
                  admissionChecksStrategy: {admissionChecks: [{name: kueue-it-elsewhere}]}
                  resourceGroups:
                  - coveredResources: [nvidia.com/gpu]
                    flavors: [{name: kueue-it, resources: [{name: nvidia.com/gpu, nominalQuota: "8"}]}]
                """);
        apply("""
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: LocalQueue
                metadata: {name: elsewhere, namespace: %s}
                spec: {clusterQueue: kueue-it-elsewhere}
                """.formatted(namespace));
        TrainingRun run = fakeNodeRun("far", 1);
        run.getMetadata().setLabels(Map.of(Kueue.QUEUE_LABEL, "elsewhere"));
        runs(client).resource(run).create();

        TrainingRun refused = awaitCondition(client, "far", "Stuck", "MultiKueueUnsupported", TIMEOUT);
        assertTrue(condition(refused, "Stuck").orElseThrow().getMessage().contains("kueue-it-elsewhere"));
        assertNull(client.batch().v1().jobs().withName("far").get());
    }

    @Test
    void theQueuesOfTheExampleAreAcceptedByKueue() throws IOException {
        String yaml = Files.readString(Path.of("..", "examples", "kueue", "queues.yaml"));
        List<String> kinds = new ArrayList<>();
        for (String document : yaml.split("(?m)^---$")) {
            GenericKubernetesResource object = client.getKubernetesSerialization()
                    .unmarshal(document, GenericKubernetesResource.class);
            if ("LocalQueue".equals(object.getKind())) {
                // The test's own namespace, where a LocalQueue of the test's already has the example's name.
                object.getMetadata().setNamespace(namespace);
                object.getMetadata().setName("example-" + object.getMetadata().getName());
            }
            client.resource(object).dryRun().create();
            kinds.add(object.getKind());
        }
        assertEquals(List.of("ResourceFlavor", "ClusterQueue", "LocalQueue", "WorkloadPriorityClass",
                "WorkloadPriorityClass"), kinds);
    }

    private static void create(String name, int gpus, String priorityClass) {
        TrainingRun run = fakeNodeRun(name, gpus);
        Map<String, String> labels = new HashMap<>(Map.of(Kueue.QUEUE_LABEL, QUEUE));
        if (priorityClass != null) {
            labels.put(Kueue.PRIORITY_CLASS_LABEL, priorityClass);
        }
        run.getMetadata().setLabels(labels);
        runs(client).resource(run).create();
    }

    private static void apply(String yaml) {
        KueueQueues.apply(client, yaml);
    }

    private static List<Job> jobs() {
        return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
    }

    private static Job job(String name) {
        return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    }

    private static GenericKubernetesResource workloadOf(String run) {
        return client.genericKubernetesResources("kueue.x-k8s.io/v1beta2", "Workload").inNamespace(namespace)
                .withLabel("kueue.x-k8s.io/job-uid", job(run).getMetadata().getUid()).list().getItems().stream()
                .findFirst().orElse(null);
    }
}
