package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.testing.ManifestCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every manifest in examples/ is a TrainingRun that survives a trip through the Java types unchanged. */
class ExamplesTest {
    @Test
    void theThreeDocumentedExamplesExist() {
        List<String> names = ManifestCorpus.examples().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(
                List.of("quickstart-cpu.yaml", "resnet50-gpu.yaml", "checkpoint-and-run-policy.yaml")),
                names::toString);
    }

    @ParameterizedTest
    @MethodSource("dev.trainingrun.testing.ManifestCorpus#examples")
    void exampleRoundTripsThroughTheJavaTypes(Path example) throws IOException {
        String original = Files.readString(example);
        TrainingRun run = TrainingRunYaml.read(original, example.toString());

        String written = TrainingRunYaml.write(run);
        TrainingRun reread = TrainingRunYaml.read(written, "rewritten " + example);

        // Nothing the user wrote is lost or changed on the way through the types ...
        List<String> lost = JsonTrees.notContained(JsonTrees.parse(original), JsonTrees.parse(written));
        assertTrue(lost.isEmpty(), () -> example + " lost fields in the Java types: " + lost);
        // ... and reading what was written gives the same run again.
        assertEquals(List.of(), JsonTrees.differences(JsonTrees.toTree(run), JsonTrees.toTree(reread)));
        assertFalse(run.getMetadata().getName().isBlank());
    }

    @Test
    void quickstartTrainsOnTheCpu() throws IOException {
        TrainingRun run = TrainingRunYaml.read(ManifestCorpus.EXAMPLES.resolve("quickstart-cpu.yaml"));
        assertEquals(0, run.getSpec().getResources().getGpus());
        assertEquals(Architecture.ResNet18, run.getSpec().getModel().getArchitecture());
    }

    @Test
    void resnet50ExampleUsesOneGpuAndAnExistingClaim() {
        TrainingRun run = TrainingRunYaml.read(ManifestCorpus.EXAMPLES.resolve("resnet50-gpu.yaml"));
        assertEquals(Architecture.ResNet50, run.getSpec().getModel().getArchitecture());
        assertEquals(1, run.getSpec().getResources().getGpus());
        assertEquals("training-checkpoints", run.getSpec().getCheckpoints().getClaimName());
    }

    @Test
    void policyExampleSetsCheckpointAndRunPolicy() {
        TrainingRun run = TrainingRunYaml.read(ManifestCorpus.EXAMPLES.resolve("checkpoint-and-run-policy.yaml"));
        CheckpointSpec checkpoints = run.getSpec().getCheckpoints();
        assertEquals(0, checkpoints.getSaveAfterEpoch());
        assertEquals(2, checkpoints.getKeep());
        assertEquals(ReclaimPolicy.Delete, checkpoints.getReclaimPolicy());
        assertEquals(86400L, run.getSpec().getRunPolicy().getActiveDeadlineSeconds());
        assertEquals(5, run.getSpec().getRunPolicy().getBackoffLimit());
    }
}
