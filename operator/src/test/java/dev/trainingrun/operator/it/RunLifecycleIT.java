package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.Fixtures.awaitCondition;
import static dev.trainingrun.operator.it.Fixtures.condition;
import static dev.trainingrun.operator.it.Fixtures.endRunningPod;
import static dev.trainingrun.operator.it.Fixtures.fakeNodeRun;
import static dev.trainingrun.operator.it.Fixtures.get;
import static dev.trainingrun.operator.it.Fixtures.pods;
import static dev.trainingrun.operator.it.Fixtures.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunYaml;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run's whole life on the fake GPU nodes, with the operator running as it ships: the objects it makes, the phases
 * and conditions, retries, the deadline, suspension, stuck states, deletion, and no writes to the spec.
 */
@OnLocalCluster
class RunLifecycleIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static KubernetesClient client;
    private static String namespace;
    private static OperatorProcess operator;

    @BeforeAll
    static void startOperator(KubernetesClient kubernetes, Cluster cluster) {
        client = kubernetes;
        namespace = cluster.namespace();
        Fixtures.installCrd(client);
        Fixtures.createBoundClaims(client, namespace);
        // The policy allows the hostPath run's directory, so that the namespace's Pod Security admission is what
        // refuses its pod (FailedCreate).
        operator = OperatorProcess.start(RunLifecycleIT.class.getSimpleName(), cluster.kubeconfig(),
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", namespace,
                        "TRAININGRUN_OPERATOR_POLICY_HOST_PATH_PREFIXES", "/srv/images"));
    }

    @AfterAll
    static void stopOperator() {
        if (operator != null) {
            operator.close();
        }
        Fixtures.deleteRuns(client, namespace);
        Fixtures.deleteBoundClaimVolumes(client, namespace);
    }

    @Test
    void aRunGoesFromPendingThroughRunningToSucceededInASecurePod() {
        TrainingRun run = fakeNodeRun("happy", 1);
        run.getMetadata().setLabels(Map.of("kueue.x-k8s.io/queue-name", "research", "team", "vision"));
        String uid = runs(client).resource(run).create().getMetadata().getUid();

        Job job = Await.until("the Job", TIMEOUT, () -> client.batch().v1().jobs().withName("happy").get(),
                j -> j != null);
        assertOwnedBy(job, uid);
        assertEquals("research", job.getMetadata().getLabels().get("kueue.x-k8s.io/queue-name"));
        assertFalse(job.getMetadata().getLabels().containsKey("team"));
        assertOwnedBy(client.serviceAccounts().withName("happy-trainer").get(), uid);
        assertOwnedBy(client.rbac().roles().withName("happy-trainer").get(), uid);
        assertOwnedBy(client.rbac().roleBindings().withName("happy-trainer").get(), uid);
        ConfigMap config = client.configMaps().withName("happy-config").get();
        assertOwnedBy(config, uid);
        TrainingRun manifest = TrainingRunYaml.read(config.getData().get("run.yaml"), "run.yaml");
        assertEquals(uid, manifest.getMetadata().getUid());
        assertEquals(5, manifest.getSpec().getTraining().getEpochs(), "the spec as the API server defaulted it");

        TrainingRun running = awaitCondition(client, "happy", "Running", "PodRunning", TIMEOUT);
        assertEquals(Phase.Running, running.getStatus().getPhase());
        assertEquals("happy", running.getStatus().getJobName());
        assertEquals(1, running.getStatus().getAttempts());
        assertNotNull(running.getStatus().getStartTime());
        assertEquals(running.getMetadata().getGeneration(), running.getStatus().getObservedGeneration());

        // The namespace enforces the restricted profile: that the pod exists means the API server admitted it.
        Pod pod = pods(client, "happy").get(0);
        var container = pod.getSpec().getContainers().get(0);
        assertEquals(List.of("train", "--run", "/etc/trainingrun/run.yaml", "--data", "/data",
                "--output", "/checkpoints/happy-" + uid.substring(0, 8)), container.getArgs());
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(new Quantity("1"), container.getResources().getLimits().get("nvidia.com/gpu"));
        assertEquals("happy-trainer", pod.getSpec().getServiceAccountName());

        endRunningPod(client, "happy", 0);
        TrainingRun done = awaitCondition(client, "happy", "Succeeded", "Completed", TIMEOUT);
        assertEquals(Phase.Succeeded, done.getStatus().getPhase());
        assertNotNull(done.getStatus().getCompletionTime());
        assertEquals("False", condition(done, "Running").orElseThrow().getStatus());
        assertEquals("False", condition(done, "Failed").orElseThrow().getStatus());

        // kwok starts a pod at once, so the operator may see this run Running before it ever wrote Pending: the
        // Pending Event is checked where Pending lasts (sixteenGpus...).
        Set<String> reasons = Await.until("an Event per phase", TIMEOUT,
                () -> Fixtures.eventReasons(client, "happy"),
                seen -> seen.containsAll(Set.of("Running", "Succeeded")));
        assertTrue(reasons.containsAll(Set.of("Running", "Succeeded")), reasons.toString());
    }

    @Test
    void aFailedPodIsRetriedAndTheBackoffLimitFailsTheRunWithTheExitCode() {
        TrainingRun run = fakeNodeRun("flaky", 1);
        run.getSpec().getRunPolicy().setBackoffLimit(1);
        runs(client).resource(run).create();

        Pod first = endRunningPod(client, "flaky", 1);
        Pod second = Await.until("a second pod", TIMEOUT, () -> pods(client, "flaky").stream()
                .filter(p -> !p.getMetadata().getName().equals(first.getMetadata().getName())
                        && "Running".equals(p.getStatus().getPhase())).findFirst(), o -> o.isPresent()).get();
        Await.until("two attempts", TIMEOUT, () -> get(client, "flaky").getStatus().getAttempts(), a -> a == 2);
        assertEquals(Phase.Running, get(client, "flaky").getStatus().getPhase());

        endRunningPod(client, "flaky", 3);
        TrainingRun failed = awaitCondition(client, "flaky", "Failed", "BackoffLimitExceeded", TIMEOUT);
        assertEquals(Phase.Failed, failed.getStatus().getPhase());
        String message = condition(failed, "Failed").orElseThrow().getMessage();
        assertTrue(message.contains("Last pod " + second.getMetadata().getName() + ": exited with code 3"), message);
        assertEquals(2, failed.getStatus().getAttempts());
        assertNotNull(failed.getStatus().getCompletionTime());
        awaitEvent("flaky", "Failed");
    }

    @Test
    void anActiveDeadlineSetWhileRunningFailsTheRun() {
        runs(client).resource(fakeNodeRun("slow", 1)).create();
        awaitCondition(client, "slow", "Running", null, TIMEOUT);
        runs(client).withName("slow").edit(run -> {
            run.getSpec().getRunPolicy().setActiveDeadlineSeconds(2L);
            return run;
        });
        TrainingRun failed = awaitCondition(client, "slow", "Failed", "DeadlineExceeded", TIMEOUT);
        assertTrue(condition(failed, "Failed").orElseThrow().getMessage().contains("deadline"));
        assertEquals(2L, client.batch().v1().jobs().withName("slow").get().getSpec().getActiveDeadlineSeconds());
        assertEquals(failed.getMetadata().getGeneration(), failed.getStatus().getObservedGeneration());
    }

    @Test
    void sixteenGpusOnEightGpuNodesAreStuckWithTheSchedulersMessage() {
        runs(client).resource(fakeNodeRun("huge", 16)).create();
        TrainingRun stuck = awaitCondition(client, "huge", "Stuck", "Unschedulable", TIMEOUT);
        assertEquals(Phase.Pending, stuck.getStatus().getPhase());
        String message = condition(stuck, "Stuck").orElseThrow().getMessage();
        assertTrue(message.contains("Insufficient nvidia.com/gpu"), message);
        awaitEvent("huge", "Pending");
        awaitEvent("huge", "Unschedulable");
    }

    @Test
    void aMissingClaimMakesNothingUntilTheClaimExists() {
        TrainingRun run = Fixtures.run("waiting", """
                {data: {volume: {persistentVolumeClaim: {claimName: data}}},
                 checkpoints: {claimName: later},
                 resources: {gpus: 1, nodeSelector: {trainingrun.dev/fake-node: "true"}}}""");
        runs(client).resource(run).create();
        TrainingRun stuck = awaitCondition(client, "waiting", "Stuck", "ClaimNotFound", TIMEOUT);
        assertEquals(Phase.Pending, stuck.getStatus().getPhase());
        assertTrue(Fixtures.hasCondition(stuck, "Ready", "False", "ClaimNotFound"));
        assertTrue(condition(stuck, "Ready").orElseThrow().getMessage()
                .contains("\"later\" (spec.checkpoints.claimName)"));
        awaitEvent("waiting", "ClaimNotFound");
        assertNull(client.batch().v1().jobs().withName("waiting").get());
        assertNull(client.configMaps().withName("waiting-config").get());
        assertNull(client.serviceAccounts().withName("waiting-trainer").get());

        client.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("later").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce")
                    .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
                .endSpec().build()).create();
        awaitCondition(client, "waiting", "Ready", "JobCreated", TIMEOUT);
        assertNotNull(client.batch().v1().jobs().withName("waiting").get());
    }

    @Test
    void aPodTheNamespaceRefusesIsStuckWithTheAdmissionMessage() {
        runs(client).resource(Fixtures.run("hostpath", """
                {data: {volume: {hostPath: {path: /srv/images}}},
                 checkpoints: {claimName: checkpoints},
                 resources: {gpus: 1, nodeSelector: {trainingrun.dev/fake-node: "true"}}}""")).create();
        TrainingRun stuck = awaitCondition(client, "hostpath", "Stuck", "FailedCreate", TIMEOUT);
        assertEquals(Phase.Pending, stuck.getStatus().getPhase());
        String message = condition(stuck, "Stuck").orElseThrow().getMessage();
        assertTrue(message.contains("violates PodSecurity \"restricted:latest\"") && message.contains("hostPath"),
                message);
        assertTrue(pods(client, "hostpath").isEmpty());
        awaitEvent("hostpath", "FailedCreate");
    }

    @Test
    void suspendRemovesThePodAndKeepsTheRestAndResumeStartsANewOne() {
        runs(client).resource(fakeNodeRun("pausable", 1)).create();
        awaitCondition(client, "pausable", "Running", null, TIMEOUT);
        Pod first = pods(client, "pausable").get(0);
        String jobUid = client.batch().v1().jobs().withName("pausable").get().getMetadata().getUid();

        setSuspend("pausable", true);
        TrainingRun suspended = awaitCondition(client, "pausable", "Suspended", "SuspendedByUser", TIMEOUT);
        assertEquals(Phase.Suspended, suspended.getStatus().getPhase());
        Await.until("the pod to be removed", TIMEOUT, () -> pods(client, "pausable").isEmpty());
        assertEquals(jobUid, client.batch().v1().jobs().withName("pausable").get().getMetadata().getUid());
        assertNotNull(client.configMaps().withName("pausable-config").get());

        setSuspend("pausable", false);
        awaitCondition(client, "pausable", "Running", "PodRunning", TIMEOUT);
        Pod second = pods(client, "pausable").stream().filter(p -> "Running".equals(p.getStatus().getPhase()))
                .findFirst().orElseThrow();
        assertNotEquals(first.getMetadata().getName(), second.getMetadata().getName());
        assertEquals(jobUid, client.batch().v1().jobs().withName("pausable").get().getMetadata().getUid());
        awaitEvent("pausable", "Suspended");
    }

    @Test
    void deletingARunRemovesWhatItOwnsAndTheClaimFollowsTheReclaimPolicy() {
        for (String policy : List.of("Retain", "Delete")) {
            runs(client).resource(Fixtures.run(policy.toLowerCase(), """
                    {data: {volume: {persistentVolumeClaim: {claimName: data}}},
                     checkpoints: {size: 1Gi, reclaimPolicy: %s},
                     resources: {gpus: 1, nodeSelector: {trainingrun.dev/fake-node: "true"}}}""".formatted(policy)))
                    .create();
        }
        for (String name : List.of("retain", "delete")) {
            Await.until("the Job and claim of " + name, TIMEOUT, () -> client.batch().v1().jobs().withName(name)
                    .get() != null && client.persistentVolumeClaims().withName(name + "-checkpoints").get() != null);
        }
        runs(client).withName("retain").delete();
        runs(client).withName("delete").delete();
        for (String name : List.of("retain", "delete")) {
            Await.until("everything " + name + " owned to be collected", Duration.ofSeconds(90), () -> Stream.of(
                    client.batch().v1().jobs().withName(name).get(),
                    client.configMaps().withName(name + "-config").get(),
                    client.serviceAccounts().withName(name + "-trainer").get(),
                    client.rbac().roles().withName(name + "-trainer").get(),
                    client.rbac().roleBindings().withName(name + "-trainer").get())
                    .allMatch(Objects::isNull));
        }
        Await.until("the Delete claim to go", Duration.ofSeconds(90),
                () -> client.persistentVolumeClaims().withName("delete-checkpoints").get() == null);
        var kept = client.persistentVolumeClaims().withName("retain-checkpoints").get();
        assertNotNull(kept, "Retain keeps the checkpoints");
        assertNull(kept.getMetadata().getDeletionTimestamp());
        assertTrue(kept.getMetadata().getOwnerReferences().isEmpty());
    }

    @Test
    void applyingTheSameManifestTwiceShowsNoChangeByTheOperator() {
        String manifest = """
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: gitops, namespace: %s}
                spec:
                  data: {volume: {persistentVolumeClaim: {claimName: data}}}
                  checkpoints: {claimName: checkpoints}
                  resources: {gpus: 1, nodeSelector: {trainingrun.dev/fake-node: "true"}}
                """.formatted(namespace);
        Supplier<GenericKubernetesResource> apply = () -> client.resource(client.getKubernetesSerialization()
                .unmarshal(manifest, GenericKubernetesResource.class)).fieldManager("argocd").serverSideApply();
        GenericKubernetesResource first = apply.get();
        TrainingRun reconciled = awaitCondition(client, "gitops", "Running", null, TIMEOUT);

        GenericKubernetesResource second = apply.get();
        assertEquals(reconciled.getMetadata().getResourceVersion(), second.getMetadata().getResourceVersion(),
                "the second apply changed nothing");
        assertEquals(1L, second.getMetadata().getGeneration());
        assertEquals(first.getAdditionalProperties().get("spec"), second.getAdditionalProperties().get("spec"));
        List<ManagedFieldsEntry> operatorFields = second.getMetadata().getManagedFields().stream()
                .filter(entry -> "trainingrun-operator".equals(entry.getManager())).toList();
        assertFalse(operatorFields.isEmpty());
        assertTrue(operatorFields.stream().allMatch(entry -> "status".equals(entry.getSubresource())),
                "the operator only ever writes the status: " + operatorFields);
    }

    @Test
    void theOperatorReportsHealthMetricsAndStructuredLogs() {
        runs(client).resource(fakeNodeRun("observed", 1)).create();
        awaitCondition(client, "observed", "Running", null, TIMEOUT);
        assertEquals(200, operator.get("/q/health/live").statusCode());
        assertEquals(200, operator.get("/q/health/ready").statusCode());
        String metrics = Await.until("metrics to count the running run", TIMEOUT, operator::metrics,
                text -> text.lines().anyMatch(l -> l.startsWith("trainingrun_runs{") && l.contains("Running")
                        && !l.endsWith(" 0.0")));
        assertTrue(metrics.contains("trainingrun_status_writes_total"), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("reconciliations_success_total{")), metrics);
        assertTrue(metrics.contains("reconciliations_execution_duration_seconds_bucket{"), metrics);
        assertTrue(operator.logLines().stream().anyMatch(line -> line.startsWith("{")
                && line.contains("\"resource.name\":\"observed\"") && line.contains("is Running")),
                "a JSON log line naming the run");
    }

    private static void setSuspend(String name, boolean suspend) {
        runs(client).withName(name).edit(run -> {
            run.getSpec().getRunPolicy().setSuspend(suspend);
            return run;
        });
    }

    private static void awaitEvent(String run, String reason) {
        Fixtures.awaitEvent(client, run, reason, TIMEOUT);
    }

    private static void assertOwnedBy(HasMetadata object, String uid) {
        assertNotNull(object);
        assertTrue(object.getMetadata().getOwnerReferences().stream().anyMatch(ref -> uid.equals(ref.getUid())),
                object.getKind() + " " + object.getMetadata().getName() + " is owned by the run");
        assertEquals("trainingrun-operator", object.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    }
}
