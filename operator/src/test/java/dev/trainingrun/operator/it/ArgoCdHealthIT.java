package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.Fixtures.awaitCondition;
import static dev.trainingrun.operator.it.Fixtures.endRunningPod;
import static dev.trainingrun.operator.it.Fixtures.fakeNodeRun;
import static dev.trainingrun.operator.it.Fixtures.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainingrun.api.BestResult;
import dev.trainingrun.api.CheckpointLocations;
import dev.trainingrun.api.EpochResult;
import dev.trainingrun.api.Progress;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.operator.argocd.HealthCheck.Health;
import dev.trainingrun.operator.argocd.HealthCheck;
import dev.trainingrun.operator.argocd.HealthTests;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD health check on the status documents of real runs: the operator, as it ships, drives runs into each
 * state (fake GPU nodes, and the real node for an image pull), and the Lua script, on a real Lua 5.1 interpreter,
 * must label each live object as docs/gitops.md says. With {@code -Dupdate-health-testdata} the documents and
 * their verdicts are written to the script's testdata and health_test.yaml, which the cluster-free
 * {@code ArgoCdHealthCheckTest} replays.
 */
@OnLocalCluster
class ArgoCdHealthIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REAL_NODE_TIMEOUT = Duration.ofSeconds(120);
    private static final boolean UPDATE = System.getProperty("update-health-testdata") != null;
    /** Stands in for the cluster's own registry address in captured documents, which must not name hosts. */
    private static final String REGISTRY_PLACEHOLDER = "registry.example";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KubernetesClient client;
    private static Cluster cluster;
    private static OperatorProcess operator;
    /** Captured document and the verdict the test asserted for it, by testdata name. */
    private static final Map<String, HealthTests.Case> CAPTURED = new LinkedHashMap<>();

    @BeforeAll
    static void startOperator(KubernetesClient kubernetes, Cluster localCluster) {
        HealthCheck.requireLua();
        client = kubernetes;
        cluster = localCluster;
        Fixtures.installClusterWide(client);
        Fixtures.createBoundClaims(client, cluster.namespace());
        // The policy allows the hostPath run's directory, so that the namespace's Pod Security admission is what
        // refuses its pod (FailedCreate).
        operator = OperatorProcess.start(ArgoCdHealthIT.class.getSimpleName(), cluster.kubeconfig(),
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", cluster.namespace(),
                        "TRAININGRUN_OPERATOR_POLICY_HOST_PATH_PREFIXES", "/srv/images"));
    }

    @AfterAll
    static void stopOperatorAndWriteTestdata() throws IOException {
        if (operator != null) {
            operator.close();
        }
        if (client != null) {
            Fixtures.deleteRuns(client, cluster.namespace());
            Fixtures.deleteBoundClaimVolumes(client, cluster.namespace());
        }
        if (UPDATE && !CAPTURED.isEmpty()) {
            HealthTests.write(CAPTURED);
        }
    }

    @Test
    void aNewRunWaitsForTheOperatorThenTrainsWithProgressAndIsSuspended() {
        TrainingRun created = runs(client).resource(fakeNodeRun("training", 1)).create();
        check("created", created, "Progressing", "Waiting for the operator to report on this run.");

        TrainingRun started = awaitCondition(client, "training", "Running", "PodRunning", TIMEOUT);
        check("running-started", started, "Progressing",
                condition(document(started), "Running").path("message").asText());

        writeTrainerStatus("training", 3, 2, 0.8667);
        TrainingRun training = Await.until("the trainer's progress", TIMEOUT, () -> Fixtures.get(client, "training"),
                run -> run.getStatus().getProgress() != null);
        check("running", training, "Progressing", "Epoch 3/5, val-acc 0.8667. "
                + condition(document(training), "Running").path("message").asText());

        TrainingRun edited = Fixtures.patchRunPolicy(client, "training", Map.of("suspend", true));
        check("suspend-requested", edited, "Progressing", "Waiting for the operator to act on generation 2 of the "
                + "spec (the status describes generation 1).");

        TrainingRun suspended = awaitCondition(client, "training", "Suspended", "SuspendedByUser", TIMEOUT);
        check("suspended", suspended, "Suspended", explained(suspended, "Suspended"));
    }

    @Test
    void aRunHeldByAQueueIsProgressing() {
        runs(client).resource(fakeNodeRun("queued", 1)).create();
        Await.until("the Job of queued", TIMEOUT, () -> client.batch().v1().jobs().withName("queued").get() != null);
        // What Kueue does to a Job it has not admitted yet; the operator leaves a suspension it did not ask for.
        client.batch().v1().jobs().withName("queued").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"suspend\":true}}");
        TrainingRun queued = Await.until("queued to be held by its Job's suspension", TIMEOUT,
                () -> Fixtures.get(client, "queued"),
                run -> Fixtures.hasCondition(run, "Running", "False", "JobSuspended"));
        check("pending-queued", queued, "Progressing", explained(queued, "Running"));
    }

    @Test
    void aSucceededRunIsHealthyWithItsBestAccuracy() {
        runs(client).resource(fakeNodeRun("finished", 1)).create();
        awaitCondition(client, "finished", "Running", "PodRunning", TIMEOUT);
        writeTrainerStatus("finished", 5, 5, 0.9333);
        Await.until("the trainer's progress", TIMEOUT, () -> Fixtures.get(client, "finished"),
                run -> run.getStatus().getBest() != null);
        endRunningPod(client, "finished", 0);
        TrainingRun done = awaitCondition(client, "finished", "Succeeded", "Completed", TIMEOUT);
        check("succeeded", done, "Healthy", condition(document(done), "Succeeded").path("message").asText()
                + " Best val-acc 0.9333 at epoch 5.");
    }

    @Test
    void aRunThatFailsIsDegradedWithTheReason() {
        TrainingRun crashing = fakeNodeRun("crashed", 1);
        crashing.getSpec().getRunPolicy().setBackoffLimit(0);
        runs(client).resource(crashing).create();
        TrainingRun overdue = fakeNodeRun("overdue", 1);
        overdue.getSpec().getRunPolicy().setActiveDeadlineSeconds(1L);
        runs(client).resource(overdue).create();

        endRunningPod(client, "crashed", TrainerExitCode.FAILED.code());
        TrainingRun crashed = awaitCondition(client, "crashed", "Failed", "BackoffLimitExceeded", TIMEOUT);
        check("failed-backoff-limit", crashed, "Degraded", explained(crashed, "Failed"));
        TrainingRun late = awaitCondition(client, "overdue", "Failed", "DeadlineExceeded", TIMEOUT);
        check("failed-deadline", late, "Degraded", explained(late, "Failed"));
    }

    @Test
    void aRunWaitingForGpusIsProgressingButOtherStuckRunsAreDegraded() {
        runs(client).resource(fakeNodeRun("huge", moreGpusThanAnyNodeHas())).create();
        runs(client).resource(Fixtures.run("unclaimed", """
                {data: {volume: {persistentVolumeClaim: {claimName: data}}},
                 checkpoints: {claimName: later},
                 resources: {gpus: 1, nodeSelector: {trainingrun.dev/fake-node: "true"}}}""")).create();
        runs(client).resource(Fixtures.run("hostpath", """
                {data: {volume: {hostPath: {path: /srv/images}}},
                 checkpoints: {claimName: checkpoints},
                 resources: {gpus: 1, nodeSelector: {trainingrun.dev/fake-node: "true"}}}""")).create();

        TrainingRun huge = awaitCondition(client, "huge", "Stuck", "Unschedulable", TIMEOUT);
        assertTrue(explained(huge, "Stuck").contains("Insufficient nvidia.com/gpu"), explained(huge, "Stuck"));
        check("stuck-unschedulable", huge, "Progressing", explained(huge, "Stuck"));
        TrainingRun unclaimed = awaitCondition(client, "unclaimed", "Stuck", "ClaimNotFound", TIMEOUT);
        check("stuck-claim-not-found", unclaimed, "Degraded", explained(unclaimed, "Stuck"));
        // Admission's refusal, which the operator learns from the Job controller's FailedCreate Events.
        TrainingRun rejected = awaitCondition(client, "hostpath", "Stuck", "FailedCreate", TIMEOUT);
        assertTrue(explained(rejected, "Stuck").contains("hostPath"), explained(rejected, "Stuck"));
        check("stuck-pod-rejected", rejected, "Degraded", explained(rejected, "Stuck"));
    }

    @Test
    void aClaimThatCannotBindAndAnObjectTheApiServerRefusesAreDegraded() {
        runs(client).resource(Fixtures.run("unbound", """
                {data: {volume: {persistentVolumeClaim: {claimName: data}}},
                 checkpoints: {storageClassName: no-such-class, size: 1Gi, reclaimPolicy: Delete},
                 resources: {gpus: 1, nodeSelector: {trainingrun.dev/fake-node: "true"}}}""")).create();
        TrainingRun unbound = awaitCondition(client, "unbound", "Stuck", "ClaimNotBound", TIMEOUT);
        check("stuck-claim-not-bound", unbound, "Degraded", explained(unbound, "Stuck"));

        Fixtures.refuseJobs(client);
        try {
            runs(client).resource(fakeNodeRun("refused", 1)).create();
            TrainingRun refused = awaitCondition(client, "refused", "Stuck", "CreateRefused", TIMEOUT);
            check("stuck-create-refused", refused, "Degraded", explained(refused, "Stuck"));
        } finally {
            Fixtures.allowJobs(client);
        }
    }

    @Test
    void aRunUnderAnOlderCrdIsDegraded() {
        runs(client).resource(fakeNodeRun("outdated", 1)).create();
        awaitCondition(client, "outdated", "Running", "PodRunning", TIMEOUT);
        Fixtures.installCrdWithout(client, "status.activeSeconds", "status.activeSince");
        try {
            TrainingRun outdated = Await.until("the run to report the older CRD", TIMEOUT,
                    () -> Fixtures.get(client, "outdated"),
                    run -> Fixtures.hasCondition(run, "Ready", "False", "CrdOutdated"));
            check("degraded-crd-outdated", outdated, "Degraded", explained(outdated, "Ready"));
        } finally {
            Fixtures.installCrd(client);
            // The operator has taken the current CRD back (its watches were restarted with it) before the next test
            // edits a run and waits for the operator to act on it.
            Await.until("the run to leave CrdOutdated once the current CRD is back", TIMEOUT,
                    () -> Fixtures.get(client, "outdated"),
                    run -> !Fixtures.hasCondition(run, "Ready", "False", "CrdOutdated"));
        }
    }

    @Test
    void anImageTheKubeletCannotPullIsDegraded() {
        client.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("images").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce")
                    .withNewResources().addToRequests("storage", new Quantity("100Mi")).endResources()
                .endSpec().build()).create();
        runs(client).resource(Fixtures.run("unpullable", """
                {image: "%s/trainingrun-tests/missing:0",
                 data: {volume: {persistentVolumeClaim: {claimName: images}}},
                 checkpoints: {size: 100Mi, reclaimPolicy: Delete},
                 resources: {gpus: 0, nodeSelector: {kubernetes.io/hostname: %s}},
                 runPolicy: {backoffLimit: 0}}""".formatted(cluster.registry(), Fixtures.realNode(client))))
                .create();
        TrainingRun stuck = Await.until("an image pull error", REAL_NODE_TIMEOUT,
                () -> Fixtures.get(client, "unpullable"),
                run -> Fixtures.hasCondition(run, "Stuck", "True", "ErrImagePull")
                        || Fixtures.hasCondition(run, "Stuck", "True", "ImagePullBackOff"));
        check("stuck-image-pull", stuck, "Degraded", explained(stuck, "Stuck"));
    }

    /** Other tests may add bigger fake nodes to the shared cluster: ask for one GPU more than the biggest has. */
    private static int moreGpusThanAnyNodeHas() {
        int most = client.nodes().list().getItems().stream()
                .map(node -> node.getStatus().getAllocatable())
                .filter(allocatable -> allocatable != null && allocatable.containsKey("nvidia.com/gpu"))
                .mapToInt(allocatable -> allocatable.get("nvidia.com/gpu").getNumericalAmount().intValue())
                .max().orElse(0);
        return most + 1;
    }

    /**
     * Runs the health check on the run as the API server returned it and asserts the verdict; keeps the trimmed
     * document, the one {@code ArgoCdHealthCheckTest} replays, and checks that it gets the same verdict.
     */
    private static void check(String name, TrainingRun run, String status, String message) {
        JsonNode live = document(run);
        Health health = HealthCheck.evaluate(live);
        assertEquals(new Health(status, message), health, () -> name + ": " + live.path("status"));
        JsonNode trimmed = trim(live);
        Health replayed = HealthCheck.evaluate(trimmed);
        CAPTURED.put(name, new HealthTests.Case(name, replayed, trimmed));
        assertEquals(status, replayed.status(), name + ": the trimmed document");
    }

    /** The run as Argo CD sees it: the API server's JSON. */
    private static JsonNode document(HasMetadata run) {
        try {
            return JSON.readTree(client.getKubernetesSerialization().asJson(run));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the health check reads, and no more: name and generation, the spec and the whole status; no uid,
     * resourceVersion, managedFields or namespace (each run's own), and the cluster's registry address replaced.
     */
    private static JsonNode trim(JsonNode live) {
        ObjectNode trimmed = JSON.createObjectNode();
        trimmed.set("apiVersion", live.get("apiVersion"));
        trimmed.set("kind", live.get("kind"));
        ObjectNode metadata = trimmed.putObject("metadata");
        metadata.set("name", live.path("metadata").get("name"));
        metadata.set("generation", live.path("metadata").get("generation"));
        trimmed.set("spec", live.get("spec"));
        if (live.has("status")) {
            trimmed.set("status", live.get("status"));
        }
        return replaceInStrings(trimmed.deepCopy(), cluster.registry(), REGISTRY_PLACEHOLDER);
    }

    private static JsonNode replaceInStrings(JsonNode node, String from, String to) {
        if (node.isTextual()) {
            return TextNode.valueOf(node.asText().replace(from, to));
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                object.set(field, replaceInStrings(object.get(field), from, to));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((ArrayNode) node).set(i, replaceInStrings(node.get(i), from, to));
            }
        }
        return node;
    }

    private static JsonNode condition(JsonNode run, String type) {
        for (JsonNode condition : run.path("status").path("conditions")) {
            if (type.equals(condition.path("type").asText())) {
                return condition;
            }
        }
        throw new AssertionError("no condition " + type + " in " + run.path("status"));
    }

    /** "Reason: message" of the run's condition, the form the health check quotes. */
    private static String explained(TrainingRun run, String type) {
        JsonNode condition = condition(document(run), type);
        return condition.path("reason").asText() + ": " + condition.path("message").asText();
    }

    /**
     * Writes the trainer's status fields as the trainer in the pod does (server-side apply on the status under its
     * own field manager), since fake nodes run no trainer: it trains {@code epoch} of the default 5 epochs, and
     * {@code finished}, the newest finished epoch, reached validation accuracy {@code accuracy}, the best so far.
     */
    private static void writeTrainerStatus(String name, int epoch, int finished, double accuracy) {
        Progress progress = new Progress();
        progress.setEpoch(epoch);
        progress.setTotalEpochs(5);
        progress.setStep(epoch * 100L - 60);
        progress.setTotalSteps(500L);
        progress.setImagesPerSecond(41.5);
        progress.setSecondsRemaining(120L);
        progress.setValAccuracy(accuracy);
        progress.setUpdatedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        EpochResult newest = new EpochResult();
        newest.setEpoch(finished);
        newest.setTrainLoss(0.41);
        newest.setValLoss(0.38);
        newest.setValAccuracy(accuracy);
        newest.setLearningRate(0.00085);
        newest.setSeconds(24.5);
        newest.setCheckpoint("checkpoints/epoch-" + finished);
        BestResult best = new BestResult();
        best.setEpoch(finished);
        best.setValAccuracy(accuracy);
        best.setCheckpoint(newest.getCheckpoint());
        CheckpointLocations checkpoints = new CheckpointLocations();
        checkpoints.setClaimName(Fixtures.CHECKPOINT_CLAIM);
        checkpoints.setDirectory(name);
        checkpoints.setLatest(newest.getCheckpoint());
        checkpoints.setBest(best.getCheckpoint());
        TrainingRunStatus status = new TrainingRunStatus();
        status.setProgress(progress);
        status.setEpochs(List.of(newest));
        status.setBest(best);
        status.setCheckpoints(checkpoints);
        Map<String, Object> apply = Map.of("apiVersion", "trainingrun.dev/v1alpha1", "kind", "TrainingRun",
                "metadata", Map.of("name", name), "status", status);
        runs(client).withName(name).subresource("status").patch(new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager("trainingrun-trainer")
                .withForce(true)
                .build(), client.getKubernetesSerialization().asJson(apply));
    }
}
