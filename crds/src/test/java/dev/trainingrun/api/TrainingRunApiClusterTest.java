package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.Command;
import dev.trainingrun.testing.Crds;
import dev.trainingrun.testing.ManifestCorpus;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD on a real API server: it installs, accepts the examples, rejects each bad manifest of the corpus in
 * {@code invalid-manifests/} with a message naming the field, documents itself through {@code kubectl explain},
 * shows its printer columns, and lets two status writers share the status through server-side apply.
 */
@OnLocalCluster
class TrainingRunApiClusterTest {
    private static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(60);

    private static Cluster cluster;

    @BeforeAll
    static void installCrd(Cluster testCluster, KubernetesClient client) {
        cluster = testCluster;
        Crds.install(client, CrdDriftTest.COMMITTED_CRD);
    }

    private static Command.Result kubectl(String... arguments) {
        return cluster.kubectl(KUBECTL_TIMEOUT, arguments);
    }

    /** Applies a manifest as {@code kubectl apply --server-side} does (strict field validation). */
    private static Command.Result apply(String manifest) throws IOException {
        Path file = Files.createTempFile("trainingrun", ".yaml");
        try {
            Files.writeString(file, manifest);
            return kubectl("apply", "--server-side", "-f", file.toString());
        } finally {
            Files.delete(file);
        }
    }

    private static void assertRejected(Command.Result result, ManifestCorpus.Refused refused) {
        assertFalse(result.succeeded(), () -> refused + " was accepted: " + result.output());
        assertFalse(refused.expectations().isEmpty(), () -> refused + " has no '# expect:' line");
        for (String fragment : refused.expectations()) {
            assertTrue(result.output().contains(fragment),
                    () -> refused + ": the API server's message lacks '" + fragment + "':\n" + result.output());
        }
    }

    @Test
    void theCorpusHasAtLeast25Cases() {
        assertTrue(ManifestCorpus.refusedOnCreate().size() + ManifestCorpus.refusedOnUpdate().size() >= 25);
    }

    @ParameterizedTest
    @MethodSource("dev.trainingrun.testing.ManifestCorpus#examples")
    void everyExampleIsAccepted(Path example) throws IOException {
        Command.Result result = apply(Files.readString(example));
        assertTrue(result.succeeded(), () -> example + " was refused:\n" + result.output());
    }

    @ParameterizedTest
    @MethodSource("dev.trainingrun.testing.ManifestCorpus#refusedOnCreate")
    void badManifestIsRejectedNamingTheField(ManifestCorpus.Refused refused) throws IOException {
        assertRejected(apply(refused.manifest()), refused);
    }

    @ParameterizedTest
    @MethodSource("dev.trainingrun.testing.ManifestCorpus#refusedOnUpdate")
    void changeToAnImmutableFieldIsRejected(ManifestCorpus.Refused refused) throws IOException {
        String[] documents = refused.manifest().split("(?m)^---$");
        Command.Result created = apply(documents[0]);
        assertTrue(created.succeeded(), () -> refused + ": the first document was refused:\n" + created.output());
        assertRejected(apply(documents[1]), refused);
    }

    /** The other side of the corpus: what an empty string or a quantity legitimately says is still accepted. */
    @Test
    void emptyValuesThatMeanSomethingAndQuantitiesInEveryFormAreAccepted() throws IOException {
        Command.Result result = apply("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata:
                  name: meaningful-empties
                spec:
                  data:
                    volume:
                      csi: {driver: csi.example.com, fsType: "", volumeAttributes: {prefix: ""}}
                  checkpoints: {storageClassName: "", size: 512Mi}
                  resources:
                    cpu: 2
                    memory: 1.5e9
                    nodeSelector: {example.com/pool: ""}
                    tolerations: [{operator: Exists}]
                """);
        assertTrue(result.succeeded(), result::output);
    }

    @Test
    void runPolicyStaysEditable() throws IOException {
        String run = """
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata:
                  name: editable
                spec:
                  data:
                    volume:
                      persistentVolumeClaim:
                        claimName: images
                  runPolicy:
                    suspend: %s
                    backoffLimit: %d
                """;
        assertTrue(apply(run.formatted(false, 3)).succeeded());
        Command.Result edited = apply(run.formatted(true, 5));
        assertTrue(edited.succeeded(), edited::output);
        assertEquals("true", kubectl("get", "tr", "editable", "-o", "jsonpath={.spec.runPolicy.suspend}").orThrow().output());
    }

    @Test
    void theApiServerFillsInTheSeedDefaults(KubernetesClient client) throws IOException {
        assertTrue(apply("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata:
                  name: defaults
                spec:
                  data:
                    volume:
                      nfs: {server: nfs.example, path: /images}
                """).succeeded());
        TrainingRunSpec spec = client.resources(TrainingRun.class).withName("defaults").get().getSpec();
        assertEquals(Architecture.ResNet18, spec.getModel().getArchitecture());
        assertEquals(5, spec.getTraining().getEpochs());
        assertEquals(0.001, spec.getTraining().getLearningRate());
        assertEquals(List.of(0.5, 0.5, 0.5), spec.getData().getNormalize().getStd());
        assertEquals(256, spec.getData().getImageSize());
        assertEquals(1, spec.getCheckpoints().getSaveAfterEpoch());
        assertEquals("nvidia.com/gpu", spec.getResources().getGpuResourceName());
    }

    @Test
    void kubectlExplainTeachesTheTrainingFields() {
        String explained = kubectl("explain", "trainingrun.spec.training").orThrow().output();
        assertTrue(explained.contains("Epochs, batch sizes, learning rate, warm-up, weight decay and seed."), explained);
        assertTrue(explained.contains("warmupEpochs"), explained);
        assertTrue(explained.contains("Epochs over which the learning rate rises linearly"), explained);
        String kind = kubectl("explain", "trainingrun").orThrow().output();
        assertTrue(kind.contains("An image-classification training run"), kind);
    }

    @Test
    void kubectlGetShowsThePrinterColumnsFromStatus(KubernetesClient client) throws IOException {
        assertTrue(apply("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata:
                  name: columns
                spec:
                  data:
                    volume:
                      persistentVolumeClaim: {claimName: images}
                """).succeeded());
        applyStatus(client, "columns", "test-operator", Map.of("phase", "Running"));
        applyStatus(client, "columns", "test-trainer", Map.of(
                "progress", Map.of("epoch", 3, "totalEpochs", 5, "valAccuracy", 0.875),
                "best", Map.of("epoch", 2, "valAccuracy", 0.9)));

        List<String> lines = kubectl("get", "tr", "columns").orThrow().output().lines().toList();
        assertEquals(List.of("NAME", "PHASE", "QUEUED", "EPOCH", "VAL-ACC", "BEST", "AGE"),
                List.of(lines.get(0).split("\\s+")));
        // QUEUED is empty for a run without a Kueue queue
        assertEquals(List.of("columns", "Running", "3", "0.875", "0.9"),
                List.of(lines.get(1).split("\\s+")).subList(0, 5));
    }

    @Test
    void twoFieldManagersShareTheStatusAndEpochsMergeByKey(KubernetesClient client) throws IOException {
        assertTrue(apply("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata:
                  name: shared-status
                spec:
                  data:
                    volume:
                      persistentVolumeClaim: {claimName: images}
                """).succeeded());
        applyStatus(client, "shared-status", "test-operator", Map.of("phase", "Running", "attempts", 1));
        applyStatus(client, "shared-status", "test-trainer", Map.of("epochs", List.of(
                Map.of("epoch", 1, "valAccuracy", 0.5), Map.of("epoch", 2, "valAccuracy", 0.6))));
        // A second pod of the same run, under another manager, reports epoch 3 only.
        applyStatus(client, "shared-status", "test-trainer-retry", Map.of("epochs", List.of(
                Map.of("epoch", 3, "valAccuracy", 0.7))));
        // The operator's next apply carries only its own fields and must not remove the trainers' ones.
        applyStatus(client, "shared-status", "test-operator", Map.of("phase", "Succeeded", "attempts", 2));

        TrainingRunStatus status = client.resources(TrainingRun.class).withName("shared-status").get().getStatus();
        assertEquals(Phase.Succeeded, status.getPhase());
        assertEquals(2, status.getAttempts());
        assertEquals(List.of(1, 2, 3), status.getEpochs().stream().map(EpochResult::getEpoch).toList());
        assertEquals(List.of(0.5, 0.6, 0.7), status.getEpochs().stream().map(EpochResult::getValAccuracy).toList());
    }

    /** Server-side apply of the given status fields, as the operator and the trainer write them. */
    private static void applyStatus(KubernetesClient client, String name, String fieldManager, Map<String, Object> status) {
        GenericKubernetesResource patch = new GenericKubernetesResource();
        patch.setApiVersion(TrainingRun.GROUP + "/" + TrainingRun.VERSION);
        patch.setKind("TrainingRun");
        patch.setMetadata(new ObjectMetaBuilder().withName(name).build());
        patch.setAdditionalProperty("status", status);
        PatchContext apply = PatchContext.of(PatchType.SERVER_SIDE_APPLY);
        apply.setFieldManager(fieldManager);
        apply.setForce(true);
        client.genericKubernetesResources(patch.getApiVersion(), patch.getKind())
                .resource(patch)
                .subresource("status")
                .patch(apply);
    }
}
