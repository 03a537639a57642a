package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.Fixtures.awaitCondition;
import static dev.trainingrun.operator.it.Fixtures.condition;
import static dev.trainingrun.operator.it.Fixtures.endRunningPod;
import static dev.trainingrun.operator.it.Fixtures.fakeNodeRun;
import static dev.trainingrun.operator.it.Fixtures.get;
import static dev.trainingrun.operator.it.Fixtures.pods;
import static dev.trainingrun.operator.it.Fixtures.runs;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.RunSource;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.api.TrainerPod;
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
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
    /** A finalizer of the tests', to keep a pod in sight after its deletion. */
    private static final String HOLD = "trainingrun.dev/test-hold";

    private static KubernetesClient client;
    private static String namespace;
    private static OperatorProcess operator;

    @BeforeAll
    static void startOperator(KubernetesClient kubernetes, Cluster cluster) {
        client = kubernetes;
        namespace = cluster.namespace();
        Fixtures.installClusterWide(client);
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
        run.getMetadata().setLabels(Map.of("kueue.x-k8s.io/priority-class", "research", "team", "vision"));
        String uid = runs(client).resource(run).create().getMetadata().getUid();

        Job job = Await.until("the Job", TIMEOUT, () -> client.batch().v1().jobs().withName("happy").get(),
                j -> j != null);
        assertOwnedBy(job, uid);
        assertEquals("research", job.getMetadata().getLabels().get("kueue.x-k8s.io/priority-class"));
        assertFalse(job.getMetadata().getLabels().containsKey("team"));
        // The namespace's trainer identity belongs to no run; the Job is the only object made for this one.
        for (HasMetadata shared : List.of(client.serviceAccounts().withName(TrainerPod.SERVICE_ACCOUNT).get(),
                client.rbac().roles().withName(TrainerPod.SERVICE_ACCOUNT).get(),
                client.rbac().roleBindings().withName(TrainerPod.SERVICE_ACCOUNT).get())) {
            assertTrue(shared.getMetadata().getOwnerReferences().isEmpty(), shared.getKind());
        }
        assertTrue(client.configMaps().list().getItems().stream()
                .noneMatch(config -> config.getMetadata().getName().startsWith("happy")), "no ConfigMap of the run");

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
                "--output", "/checkpoints/happy-" + uid.substring(0, 8), "--termination-message",
                "/dev/termination-log"), container.getArgs());
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(new Quantity("1"), container.getResources().getLimits().get("nvidia.com/gpu"));
        assertEquals(TrainerPod.SERVICE_ACCOUNT, pod.getSpec().getServiceAccountName());
        assertTrue(pod.getMetadata().getName().matches("happy-[a-z0-9]{5}"), "what the trainer's admission policy "
                + "relies on: " + pod.getMetadata().getName());
        // The trainer reads the run from the pod's annotation, which the kubelet writes as the config volume's file.
        TrainingRun manifest = TrainingRunYaml.read(pod.getMetadata().getAnnotations()
                .get(TrainerPod.MANIFEST_ANNOTATION), "run.yaml");
        assertEquals(uid, manifest.getMetadata().getUid());
        assertEquals(5, manifest.getSpec().getTraining().getEpochs(), "the spec as the API server defaulted it");

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

    /**
     * The namespace's trainer objects belong to no run, so nothing would bring one back once removed: the operator
     * watches their deletion and makes them again for the runs of the namespace, whose trainers need them to start
     * and to report.
     */
    @Test
    void theNamespacesTrainerObjectsAreMadeAgainWhenRemoved() {
        runs(client).resource(fakeNodeRun("identity", 1)).create();
        awaitCondition(client, "identity", "Running", "PodRunning", TIMEOUT);
        String role = client.rbac().roles().withName(TrainerPod.SERVICE_ACCOUNT).get().getMetadata().getUid();
        String binding = client.rbac().roleBindings().withName(TrainerPod.SERVICE_ACCOUNT).get().getMetadata()
                .getUid();
        String account = client.serviceAccounts().withName(TrainerPod.SERVICE_ACCOUNT).get().getMetadata().getUid();
        client.rbac().roles().withName(TrainerPod.SERVICE_ACCOUNT).delete();
        client.rbac().roleBindings().withName(TrainerPod.SERVICE_ACCOUNT).delete();
        client.serviceAccounts().withName(TrainerPod.SERVICE_ACCOUNT).delete();
        Await.until("the trainer's Role, RoleBinding and ServiceAccount to be made again", TIMEOUT, () -> List.of(
                Optional.ofNullable(client.rbac().roles().withName(TrainerPod.SERVICE_ACCOUNT).get()),
                Optional.ofNullable(client.rbac().roleBindings().withName(TrainerPod.SERVICE_ACCOUNT).get()),
                Optional.ofNullable(client.serviceAccounts().withName(TrainerPod.SERVICE_ACCOUNT).get())),
                made -> made.get(0).filter(o -> !o.getMetadata().getUid().equals(role)).isPresent()
                        && made.get(1).filter(o -> !o.getMetadata().getUid().equals(binding)).isPresent()
                        && made.get(2).filter(o -> !o.getMetadata().getUid().equals(account)).isPresent());
    }

    @Test
    void aKueueQueueOnAClusterWithoutKueueIsStuckWithAConditionThatSaysSoAndMakesNothing() {
        TrainingRun run = fakeNodeRun("unqueued", 1);
        run.getMetadata().setLabels(Map.of("kueue.x-k8s.io/queue-name", "research"));
        runs(client).resource(run).create();

        TrainingRun stuck = awaitCondition(client, "unqueued", "Stuck", "KueueNotInstalled", TIMEOUT);
        assertEquals(Phase.Pending, stuck.getStatus().getPhase());
        String message = condition(stuck, "Stuck").orElseThrow().getMessage();
        assertTrue(message.contains("\"research\"") && message.contains("kueue.x-k8s.io/queue-name"), message);
        assertEquals("KueueNotInstalled", condition(stuck, "Ready").orElseThrow().getReason());
        assertNull(client.batch().v1().jobs().withName("unqueued").get(), "no Job that would wait forever");
    }

    @Test
    void aFailedPodIsRetriedAndTheBackoffLimitFailsTheRunWithTheExitCode() {
        TrainingRun run = fakeNodeRun("flaky", 1);
        run.getSpec().getRunPolicy().setBackoffLimit(1);
        runs(client).resource(run).create();

        Pod first = endRunningPod(client, "flaky", TrainerExitCode.FAILED.code());
        Pod second = Await.until("a second pod", TIMEOUT, () -> pods(client, "flaky").stream()
                .filter(p -> !p.getMetadata().getName().equals(first.getMetadata().getName())
                        && "Running".equals(p.getStatus().getPhase())).findFirst(), o -> o.isPresent()).get();
        Await.until("two attempts", TIMEOUT, () -> get(client, "flaky").getStatus().getAttempts(), a -> a == 2);
        // The new pod counts from when it is made; the run is Running once the operator has seen it run.
        Await.until("the run to be Running again", TIMEOUT, () -> get(client, "flaky").getStatus().getPhase(),
                phase -> phase == Phase.Running);

        // Exit 1: a failure the Job counts (exit 2 would fail the Job at once, exit 3 is a stop it ignores).
        endRunningPod(client, "flaky", TrainerExitCode.FAILED.code());
        TrainingRun failed = awaitCondition(client, "flaky", "Failed", "BackoffLimitExceeded", TIMEOUT);
        assertEquals(Phase.Failed, failed.getStatus().getPhase());
        String message = condition(failed, "Failed").orElseThrow().getMessage();
        assertTrue(message.contains("Last pod " + second.getMetadata().getName() + ": exited with code 1"), message);
        assertEquals(2, failed.getStatus().getAttempts());
        assertNotNull(failed.getStatus().getCompletionTime());
        awaitEvent("flaky", "Failed");
    }

    /**
     * kubernetes/kubernetes#130683: now and then the Job controller makes a second pod beside the one it meant to,
     * and then removes one of the two; the pair is one attempt. Here the second pod is made by hand, owned by the
     * Job, whose controller counts two active pods and removes one, as it does with its own. A finalizer of the
     * test's on both keeps the removed one in sight until the operator has reconciled the run with both pods.
     */
    @Test
    void aSecondPodTheJobControllerRemovesAsSurplusIsNoAttempt() {
        TrainingRun run = fakeNodeRun("doubled", 1);
        run.getSpec().getRunPolicy().setBackoffLimit(1);
        runs(client).resource(run).create();
        awaitCondition(client, "doubled", "Running", "PodRunning", TIMEOUT);
        Pod own = client.pods().resource(pods(client, "doubled").get(0))
                .edit(pod -> new PodBuilder(pod).editMetadata().addToFinalizers(HOLD).endMetadata().build());
        try {
            Pod extra = client.pods().resource(new PodBuilder()
                    .withNewMetadata().withGenerateName("doubled-extra-")
                        .withLabels(own.getMetadata().getLabels())
                        .withAnnotations(own.getMetadata().getAnnotations())
                        .withOwnerReferences(own.getMetadata().getOwnerReferences())
                        .withFinalizers(HOLD).endMetadata()
                    .withSpec(own.getSpec()).build()).create();
            List<String> pair = List.of(own.getMetadata().getName(), extra.getMetadata().getName());
            String removed = Await.until("the Job controller to remove one of " + pair, TIMEOUT,
                    () -> pair.stream().filter(name -> client.pods().withName(name).get().getMetadata()
                            .getDeletionTimestamp() != null).findFirst(), Optional::isPresent).get();
            // A change of the spec, so that the observed generation says when the operator has reconciled since.
            long generation = Fixtures.patchRunPolicy(client, "doubled", Map.of("activeDeadlineSeconds", 86400))
                    .getMetadata().getGeneration();
            TrainingRun seen = Await.until("the operator to reconcile generation " + generation, TIMEOUT,
                    () -> get(client, "doubled"), r -> r.getStatus().getObservedGeneration() == generation);
            assertEquals(1, seen.getStatus().getAttempts());
            assertEquals(pair.get(1 - pair.indexOf(removed)), seen.getStatus().getPod().getName(),
                    "the pod the Job controller keeps");
        } finally {
            pods(client, "doubled").stream().filter(pod -> pod.getMetadata().getFinalizers().contains(HOLD))
                    .forEach(held -> client.pods().resource(held).edit(pod -> new PodBuilder(pod).editMetadata()
                            .removeFromFinalizers(HOLD).endMetadata().build()));
        }
        Await.until("one pod left of the two", TIMEOUT, () -> pods(client, "doubled").size(), n -> n == 1);
        Pod ended = endRunningPod(client, "doubled", TrainerExitCode.FAILED.code());
        Pod retry = Await.until("a retry", TIMEOUT, () -> pods(client, "doubled").stream()
                .filter(p -> !p.getMetadata().getName().equals(ended.getMetadata().getName())).findFirst(),
                Optional::isPresent).get();
        TrainingRun retried = Await.until("the retry to be named", TIMEOUT, () -> get(client, "doubled"),
                r -> r.getStatus().getPod().getName().equals(retry.getMetadata().getName()));
        assertEquals(2, retried.getStatus().getAttempts());
    }

    @Test
    void anActiveDeadlineSetWhileRunningFailsTheRun() {
        runs(client).resource(fakeNodeRun("slow", 1)).create();
        awaitCondition(client, "slow", "Running", null, TIMEOUT);
        Fixtures.patchRunPolicy(client, "slow", Map.of("activeDeadlineSeconds", 2));
        TrainingRun failed = awaitCondition(client, "slow", "Failed", "DeadlineExceeded", TIMEOUT);
        assertTrue(condition(failed, "Failed").orElseThrow().getMessage().contains("its whole budget of 2 s"));
        assertEquals(2L, job("slow").getSpec().getActiveDeadlineSeconds());
        assertEquals(failed.getMetadata().getGeneration(), failed.getStatus().getObservedGeneration());
    }

    /**
     * kubernetes/kubernetes#98727: a Job's deadline restarts when the Job is resumed. The run's must not: after a
     * suspension its Job gets only what is left, whoever resumes it, and the run fails once its active periods
     * together reach the budget.
     */
    @Test
    void theDeadlineIsABudgetOfActiveTimeThatASuspensionNeitherSpendsNorRestarts() {
        long budget = 20;
        TrainingRun run = fakeNodeRun("budgeted", 1);
        run.getSpec().getRunPolicy().setActiveDeadlineSeconds(budget);
        runs(client).resource(run).create();
        awaitCondition(client, "budgeted", "Running", "PodRunning", TIMEOUT);
        // Long enough that a deadline restarted by the resumption would end the run clearly later than the budget.
        Instant firstStart = activeFor("budgeted", Duration.ofSeconds(8));

        setSuspend("budgeted", true);
        TrainingRun suspended = awaitPeriodCounted("budgeted");
        Job held = job("budgeted");
        long used = Duration.between(firstStart, jobConditionTime(held, "Suspended")).toSeconds();
        assertEquals(used, suspended.getStatus().getActiveSeconds(), "the first period, as the Job's status has it");
        assertEquals(budget - used, held.getSpec().getActiveDeadlineSeconds(),
                "what is left, on the Job before anyone resumes it");

        setSuspend("budgeted", false);
        awaitCondition(client, "budgeted", "Running", "PodRunning", TIMEOUT);
        TrainingRun failed = awaitCondition(client, "budgeted", "Failed", "DeadlineExceeded", TIMEOUT);
        Job done = job("budgeted");
        // FailureTarget: when the Job controller decided the Job failed, a moment before its Failed condition.
        long active = used + Duration.between(Instant.parse(done.getStatus().getStartTime()),
                jobConditionTime(done, "FailureTarget")).toSeconds();
        assertEquals(active, failed.getStatus().getActiveSeconds());
        assertTrue(active >= budget && active < budget + used, active + " s active in all, for a budget of " + budget
                + " s of which " + used + " s were used before the suspension");
        assertTrue(condition(failed, "Failed").orElseThrow().getMessage().contains("its whole budget of 20 s"));
    }

    @Test
    void aBudgetLoweredBelowTheTimeUsedFailsASuspendedRunAtOnceWithoutResumingIt() {
        TrainingRun run = fakeNodeRun("overspent", 1);
        run.getSpec().getRunPolicy().setActiveDeadlineSeconds(600L);
        runs(client).resource(run).create();
        awaitCondition(client, "overspent", "Running", "PodRunning", TIMEOUT);
        activeFor("overspent", Duration.ofSeconds(2));
        setSuspend("overspent", true);
        awaitPeriodCounted("overspent");

        Fixtures.patchRunPolicy(client, "overspent", Map.of("activeDeadlineSeconds", 1, "suspend", false));
        TrainingRun failed = awaitCondition(client, "overspent", "Failed", "DeadlineExceeded", TIMEOUT);
        assertTrue(condition(failed, "Failed").orElseThrow().getMessage().contains("its whole budget of 1 s"));
        assertTrue(job("overspent").getSpec().getSuspend(), "a run whose budget is spent is not resumed");
    }

    /** Waits until the run's Job has been active for {@code time}; returns when its current period began. */
    private static Instant activeFor(String name, Duration time) {
        Job job = Await.until("Job " + name + " to be active for " + time.toSeconds() + " s", TIMEOUT,
                () -> job(name), j -> j.getStatus() != null && j.getStatus().getStartTime() != null
                        && Instant.parse(j.getStatus().getStartTime()).plus(time).isBefore(Instant.now()));
        return Instant.parse(job.getStatus().getStartTime());
    }

    /** Waits until the suspended run's status counts the active period that the suspension ended. */
    private static TrainingRun awaitPeriodCounted(String name) {
        return Await.until("the suspended run " + name + " to count its active period", TIMEOUT,
                () -> get(client, name), r -> r.getStatus().getPhase() == Phase.Suspended
                        && r.getStatus().getActiveSince() == null && r.getStatus().getActiveSeconds() != null
                        && r.getStatus().getActiveSeconds() > 0);
    }

    private static Instant jobConditionTime(Job job, String type) {
        return Instant.parse(job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst().orElseThrow(() -> new AssertionError("Job without " + type + ": " + job.getStatus()))
                .getLastTransitionTime());
    }

    private static Job job(String name) {
        return client.batch().v1().jobs().withName(name).get();
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
    void aForkWaitsForItsSourceRunReadsItsClaimReadOnlyAndRefusesAnotherNetwork() {
        TrainingRun fork = fakeNodeRun("fork-b", 1);
        fork.getSpec().getModel().setFrom(new RunSource());
        fork.getSpec().getModel().getFrom().setRun("fork-a");
        runs(client).resource(fork).create();
        TrainingRun waiting = awaitCondition(client, "fork-b", "Stuck", "SourceRunNotFound", TIMEOUT);
        assertEquals(Phase.Pending, waiting.getStatus().getPhase());
        assertEquals("TrainingRun fork-a in namespace " + namespace + ", named by spec.model.from.run, does not "
                + "exist; the run starts as soon as it does.", condition(waiting, "Ready").orElseThrow().getMessage());
        awaitEvent("fork-b", "SourceRunNotFound");
        assertNull(client.batch().v1().jobs().withName("fork-b").get(), "nothing is made");

        // The source's creation is another run's event: the fork looks again by itself, and waits for the
        // checkpoint it starts from (the fake node trains nothing: the test reports it as the source's trainer would).
        String sourceUid = runs(client).resource(fakeNodeRun("fork-a", 1)).create().getMetadata().getUid();
        TrainingRun pending = awaitCondition(client, "fork-b", "Stuck", "SourceCheckpointPending", TIMEOUT);
        assertEquals("TrainingRun fork-a, named by spec.model.from.run, has not saved a best checkpoint "
                + "(spec.model.from.checkpoint) yet; the run starts as soon as it has.",
                condition(pending, "Ready").orElseThrow().getMessage());
        assertNull(client.batch().v1().jobs().withName("fork-b").get(), "nothing is made");
        runs(client).withName("fork-a").subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\": {\"checkpoints\": {\"best\": \"checkpoints/best.safetensors\"}}}");
        awaitCondition(client, "fork-b", "Running", "PodRunning", TIMEOUT);
        Pod pod = pods(client, "fork-b").get(0);
        List<String> args = pod.getSpec().getContainers().get(0).getArgs();
        assertEquals(List.of("--from", "/source/fork-a-" + sourceUid.substring(0, 8)),
                args.subList(args.size() - 2, args.size()));
        // Both write to the same claim: its one volume is mounted again at /source, read-only, which the API server
        // and the namespace's restricted Pod Security admission accepted.
        var source = pod.getSpec().getContainers().get(0).getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals("/source")).findFirst().orElseThrow();
        assertEquals("checkpoints", source.getName());
        assertTrue(source.getReadOnly());

        TrainingRun other = fakeNodeRun("fork-c", 1);
        other.getSpec().getModel().setNumClasses(4);
        other.getSpec().getModel().setFrom(new RunSource());
        other.getSpec().getModel().getFrom().setRun("fork-a");
        runs(client).resource(other).create();
        TrainingRun failed = awaitCondition(client, "fork-c", "Failed", "SourceRunMismatch", TIMEOUT);
        assertEquals(Phase.Failed, failed.getStatus().getPhase());
        assertTrue(condition(failed, "Failed").orElseThrow().getMessage().contains("trains ResNet18 with 2 classes, "
                + "and this run ResNet18 with 4"), condition(failed, "Failed").orElseThrow().getMessage());
        assertNull(client.batch().v1().jobs().withName("fork-c").get(), "nothing is made");
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

        client.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("later").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce")
                    .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
                .endSpec().build()).create();
        awaitCondition(client, "waiting", "Ready", "JobCreated", TIMEOUT);
        assertNotNull(client.batch().v1().jobs().withName("waiting").get());
    }

    @Test
    void aClaimThatCannotBindIsStuckNamingTheClaimAndWhatItsEventsSay() {
        String missing = "missing-" + namespace;
        String noProvisioner = "no-provisioner-" + namespace;
        String nobody = "nobody-" + namespace;
        // Cluster-wide objects, named after the namespace so that no other test class meets them.
        storageClass(noProvisioner, "kubernetes.io/no-provisioner", "Immediate");
        storageClass(nobody, "example.com/nobody-runs-this", "Immediate");
        try {
            Map<String, String> classes = Map.of("no-class", missing, "no-provisioner", noProvisioner, "nobody", nobody);
            for (var entry : classes.entrySet()) {
                runs(client).resource(Fixtures.run(entry.getKey(), """
                        {data: {volume: {persistentVolumeClaim: {claimName: data}}},
                         checkpoints: {storageClassName: %s, size: 1Gi, reclaimPolicy: Delete},
                         resources: {gpus: 1, nodeSelector: {trainingrun.dev/fake-node: "true"}}}"""
                        .formatted(entry.getValue()))).create();
            }
            TrainingRun noClass = awaitCondition(client, "no-class", "Stuck", "ClaimNotBound", TIMEOUT);
            assertEquals(Phase.Pending, noClass.getStatus().getPhase());
            assertEquals("PersistentVolumeClaim \"no-class-checkpoints\" (the checkpoint claim the operator makes for "
                    + "spec.checkpoints) is not bound: ProvisioningFailed: storageclass.storage.k8s.io \"" + missing
                    + "\" not found", condition(noClass, "Stuck").orElseThrow().getMessage());
            awaitEvent("no-class", "ClaimNotBound");
            TrainingRun unprovisioned = awaitCondition(client, "no-provisioner", "Stuck", "ClaimNotBound", TIMEOUT);
            String message = condition(unprovisioned, "Stuck").orElseThrow().getMessage();
            assertTrue(message.contains("\"no-provisioner-checkpoints\"") && message.contains("ProvisioningFailed")
                    && message.contains("kubernetes.io/no-provisioner"), message);

            // The missing class appears (as a copy of the cluster's own): the claim binds, the run starts.
            StorageClass local = client.storage().v1().storageClasses().withName("local-path").get();
            storageClass(missing, local.getProvisioner(), local.getVolumeBindingMode());
            awaitCondition(client, "no-class", "Running", "PodRunning", Duration.ofMinutes(2));

            // An external provisioner that is not running is named once it has been silent for a minute.
            TrainingRun waiting = awaitCondition(client, "nobody", "Stuck", "ClaimNotBound", Duration.ofMinutes(2));
            assertTrue(condition(waiting, "Stuck").orElseThrow().getMessage().contains(
                    "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner "
                            + "'example.com/nobody-runs-this'"), condition(waiting, "Stuck").orElseThrow()::getMessage);
        } finally {
            for (String name : List.of(missing, noProvisioner, nobody)) {
                client.storage().v1().storageClasses().withName(name).delete();
            }
        }
    }

    private static void storageClass(String name, String provisioner, String bindingMode) {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withProvisioner(provisioner)
                .withVolumeBindingMode(bindingMode)
                .withReclaimPolicy("Delete")
                .build()).create();
    }

    @Test
    void anObjectTheApiServerRefusesIsStuckQuotingItAndTheRunGoesOnOnceTheCauseIsGone() {
        Fixtures.refuseJobs(client);
        try {
            runs(client).resource(fakeNodeRun("refused", 1)).create();
            TrainingRun stuck = awaitCondition(client, "refused", "Stuck", "CreateRefused", TIMEOUT);
            assertEquals(Phase.Pending, stuck.getStatus().getPhase());
            assertTrue(Fixtures.hasCondition(stuck, "Ready", "False", "CreateRefused"));
            String message = condition(stuck, "Stuck").orElseThrow().getMessage();
            assertTrue(message.startsWith("The API server refused to create the run's Job: ")
                    && message.contains("refused") && message.contains(Fixtures.NO_JOBS), message);
            assertNull(job("refused"));
            awaitEvent("refused", "CreateRefused");
        } finally {
            Fixtures.allowJobs(client);
        }
        // The SDK retries with back-off (at most a minute apart); nobody tells the operator that the quota is gone.
        awaitCondition(client, "refused", "Running", "PodRunning", Duration.ofMinutes(2));
        assertNotNull(job("refused"));
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

        setSuspend("pausable", false);
        awaitCondition(client, "pausable", "Running", "PodRunning", TIMEOUT);
        Pod second = pods(client, "pausable").stream().filter(p -> "Running".equals(p.getStatus().getPhase()))
                .findFirst().orElseThrow();
        assertNotEquals(first.getMetadata().getName(), second.getMetadata().getName());
        assertEquals(jobUid, client.batch().v1().jobs().withName("pausable").get().getMetadata().getUid());
        awaitEvent("pausable", "Suspended");
    }

    /**
     * Bursts of spec changes, each sent as soon as the API server has taken the one before. Each change makes the
     * operator write the run's status (its {@code observedGeneration}), so the burst's changes keep landing while it
     * writes: the window in which the SDK drops a change's event ({@code TrainingRunReconciler#specChangedMeanwhile}).
     * After each burst the status must describe its last change; a change the operator never sees leaves it on an
     * older generation, and the test fails there. The field changed, {@code ttlSecondsAfterFinished}, touches no
     * other object, so a burst costs milliseconds and many fit in the test.
     */
    @Test
    void aSpecChangeMadeWhileTheOperatorWritesTheStatusIsActedOn() {
        runs(client).resource(fakeNodeRun("edited", 1)).create();
        awaitCondition(client, "edited", "Running", null, TIMEOUT);
        int bursts = 100;
        int changesPerBurst = 5;
        for (int burst = 1; burst <= bursts; burst++) {
            long generation = 0;
            for (int change = 1; change <= changesPerBurst; change++) {
                generation = Fixtures.patchRunPolicy(client, "edited", Map.of("ttlSecondsAfterFinished", 600 + change))
                        .getMetadata().getGeneration();
            }
            long last = generation;
            int made = burst;
            // A watch, not polling: the next burst should come at once.
            assertDoesNotThrow(() -> runs(client).withName("edited").waitUntilCondition(
                    run -> Long.valueOf(last).equals(run.getStatus().getObservedGeneration()), TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS), () -> "the operator never acted on generation " + last + " (burst " + made
                    + " of " + bursts + ")");
        }
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
                    client.batch().v1().jobs().withName(name).get())
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
        Fixtures.patchRunPolicy(client, name, Map.of("suspend", suspend));
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
