package dev.trainingrun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Kueue, started by {@link LocalKueue}, queues plain Jobs by quota on the local cluster: with one GPU of quota, the first
 * of two one-GPU Jobs is admitted (its Workload Admitted, the Job unsuspended with the flavor's node labels as its
 * node selector, its pod Running on a kwok GPU node) and the second waits suspended without pods, its Workload saying
 * why and Kueue's visibility API giving its position, until the first has finished. {@link LocalKueue#stop()} then
 * leaves the cluster without Kueue.
 */
@OnLocalCluster
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalKueueTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String GPU = "nvidia.com/gpu";
    /** The label of the cluster's kwok nodes (hack/local-cluster), and the annotation that ends a pod there. */
    private static final String FAKE_NODE_LABEL = "trainingrun.dev/fake-node";
    private static final String KWOK_EXIT_ANNOTATION = "kwok.trainingrun.dev/exit";
    /** Kueue labels a Job's Workload with the Job's uid (Kueue's {@code constants.JobUIDLabel}). */
    private static final String JOB_UID_LABEL = "kueue.x-k8s.io/job-uid";
    private static final String QUEUE = "gpus";
    /** Kueue v0.19's storage version (v1beta1 is still served, deprecated), and the label that names a queue. */
    private static final String KUEUE_API_VERSION = "kueue.x-k8s.io/v1beta2";
    private static final String QUEUE_NAME_LABEL = "kueue.x-k8s.io/queue-name";

    private static LocalKueue kueue;

    @BeforeAll
    static void startKueue(Cluster cluster) {
        kueue = LocalKueue.start(cluster);
    }

    @AfterAll
    static void stopKueue() {
        if (kueue != null) {
            kueue.stop();
        }
    }

    @Test
    @Order(1)
    void secondJobWaitsForTheQuotaOfTheFirst(KubernetesClient client, Cluster cluster) {
        assertTrue(kueue.isUp(), "Kueue answers after start");
        String ns = cluster.namespace();
        createQueues(client, ns);

        Job first = client.batch().v1().jobs().resource(oneGpuJob("first", cluster)).create();
        GenericKubernetesResource firstWorkload = awaitCondition(client, first, "Admitted", "True");
        assertEquals(ns, firstWorkload.get("status", "admission", "clusterQueue"), "the ClusterQueue that admitted it");
        Job admitted = awaitUnsuspended(client, "first");
        assertEquals("true", admitted.getSpec().getTemplate().getSpec().getNodeSelector().get(FAKE_NODE_LABEL),
                "Kueue writes the flavor's node labels into the admitted Job's pod template");
        Pod firstPod = awaitRunningPod(client, "first");
        assertTrue(firstPod.getSpec().getNodeName().startsWith("kwok-gpu-"), firstPod.getSpec().getNodeName());

        Job second = client.batch().v1().jobs().resource(oneGpuJob("second", cluster)).create();
        assertEquals(Boolean.TRUE, second.getSpec().getSuspend(), "Kueue's webhook suspends a queued Job at creation");
        GenericKubernetesResource waiting = awaitCondition(client, second, "QuotaReserved", "False");
        String why = String.valueOf(condition(waiting, "QuotaReserved").orElseThrow().get("message"));
        assertTrue(why.contains("insufficient unused quota for " + GPU), why);
        assertEquals(Boolean.TRUE, client.batch().v1().jobs().withName("second").get().getSpec().getSuspend());
        assertEquals(List.of(), client.pods().withLabel("job-name", "second").list().getItems());
        String pending = client.raw("/apis/visibility.kueue.x-k8s.io/v1beta2/namespaces/" + ns + "/localqueues/"
                + QUEUE + "/pendingworkloads");
        assertTrue(pending.contains("\"name\":\"" + waiting.getMetadata().getName() + "\"")
                && pending.contains("\"positionInLocalQueue\":0"), pending);

        finish(client, firstPod);
        awaitCondition(client, first, "Finished", "True");
        awaitCondition(client, second, "Admitted", "True");
        awaitUnsuspended(client, "second");
        finish(client, awaitRunningPod(client, "second"));
        awaitCondition(client, second, "Finished", "True");
    }

    @Test
    @Order(2)
    void stopLeavesTheClusterWithoutKueue(KubernetesClient client, Cluster cluster) {
        kueue.stop();
        kueue.stop();

        assertFalse(kueue.isUp());
        assertEquals(List.of(), client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                .map(crd -> crd.getMetadata().getName()).filter(name -> name.endsWith(".kueue.x-k8s.io")).toList());
        assertEquals(List.of(), client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems()
                .stream().map(c -> c.getMetadata().getName()).filter(name -> name.contains("kueue")).toList());
        assertEquals(List.of(), client.admissionRegistration().v1().validatingWebhookConfigurations().list()
                .getItems().stream().map(c -> c.getMetadata().getName()).filter(name -> name.contains("kueue"))
                .toList());
        assertFalse(client.raw("/apis/apiregistration.k8s.io/v1/apiservices").contains("visibility.kueue"),
                "the visibility APIServices are gone");
        assertNull(client.namespaces().withName("kueue-system").get());
        Job created = client.batch().v1().jobs().resource(oneGpuJob("unqueued", cluster)).dryRun().create();
        assertNotEquals(Boolean.TRUE, created.getSpec().getSuspend(), "nothing suspends a Job with a queue label");
    }

    /** A ResourceFlavor for the kwok GPU nodes, a ClusterQueue for this namespace with one GPU, a LocalQueue. */
    private static void createQueues(KubernetesClient client, String ns) {
        client.resource(kueueObject("ResourceFlavor", ns, null, Map.of(
                "nodeLabels", Map.of(FAKE_NODE_LABEL, "true")))).create();
        client.resource(kueueObject("ClusterQueue", ns, null, Map.of(
                "namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", ns)),
                "resourceGroups", List.of(Map.of(
                        "coveredResources", List.of(GPU),
                        "flavors", List.of(Map.of("name", ns, "resources", List.of(
                                Map.of("name", GPU, "nominalQuota", 1))))))))).create();
        client.resource(kueueObject("LocalQueue", QUEUE, ns, Map.of("clusterQueue", ns))).create();
    }

    private static GenericKubernetesResource kueueObject(String kind, String name, String ns, Map<String, Object> spec) {
        GenericKubernetesResource object = new GenericKubernetesResource();
        object.setApiVersion(KUEUE_API_VERSION);
        object.setKind(kind);
        object.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
                .build());
        object.setAdditionalProperty("spec", spec);
        return object;
    }

    /** A Job of one pod asking for one GPU in the queue; kwok runs it until {@link #finish} ends its pod. */
    private static Job oneGpuJob(String name, Cluster cluster) {
        return new JobBuilder()
                .withNewMetadata().withName(name).withLabels(Map.of(QUEUE_NAME_LABEL, QUEUE)).endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec()
                    .withRestartPolicy("Never")
                    .addNewContainer().withName("main").withImage(cluster.busyboxImage())
                        .withNewResources().withLimits(Map.of(GPU, new Quantity("1"))).endResources()
                        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L)
                            .withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
                            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .endSecurityContext()
                    .endContainer()
                .endSpec().endTemplate().endSpec()
                .build();
    }

    /**
     * Waits until Kueue has unsuspended the Job it admitted: it does so in an update of its own after it marks the
     * Workload admitted, so a Job read right after the condition may still be suspended.
     */
    private static Job awaitUnsuspended(KubernetesClient client, String name) {
        return Await.until("Kueue to unsuspend the Job " + name + " it admitted", TIMEOUT,
                () -> client.batch().v1().jobs().withName(name).get(),
                job -> job != null && Boolean.FALSE.equals(job.getSpec().getSuspend()));
    }

    /** Waits until the Job's Workload (found by Kueue's job-uid label) has the condition with the status. */
    private static GenericKubernetesResource awaitCondition(KubernetesClient client, Job job, String type,
            String status) {
        return Await.until("the Workload of Job " + job.getMetadata().getName() + " to have " + type + "=" + status,
                TIMEOUT, () -> client.genericKubernetesResources(KUEUE_API_VERSION, "Workload")
                        .withLabel(JOB_UID_LABEL, job.getMetadata().getUid()).list().getItems().stream().findFirst()
                        .orElse(null),
                workload -> workload != null && condition(workload, type)
                        .map(c -> status.equals(c.get("status"))).orElse(false));
    }

    private static Optional<Map<String, Object>> condition(GenericKubernetesResource workload, String type) {
        List<Map<String, Object>> conditions = workload.get("status", "conditions");
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst();
    }

    private static Pod awaitRunningPod(KubernetesClient client, String job) {
        return Await.until("a Running pod of Job " + job, TIMEOUT,
                () -> client.pods().withLabel("job-name", job).list().getItems().stream()
                        .filter(p -> "Running".equals(p.getStatus().getPhase())).findFirst().orElse(null),
                pod -> pod != null);
    }

    /** kwok ends the pod with exit code 0 (hack/local-cluster's stage), as if its container had finished. */
    private static void finish(KubernetesClient client, Pod pod) {
        client.pods().withName(pod.getMetadata().getName())
                .edit(p -> new PodBuilder(p).editMetadata()
                        .addToAnnotations(KWOK_EXIT_ANNOTATION, "0").endMetadata().build());
    }
}
