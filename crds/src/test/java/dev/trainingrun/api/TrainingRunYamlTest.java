package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainingRunYaml.InvalidManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a manifest outside the API server takes it as the API server would, or fails naming every field. */
class TrainingRunYamlTest {
    private static final String HEADER = """
            apiVersion: trainingrun.dev/v1alpha1
            kind: TrainingRun
            metadata: {name: t}
            """;

    private static String messageFor(String yaml) {
        return assertThrows(InvalidManifestException.class, () -> TrainingRunYaml.read(yaml, "run.yaml")).getMessage();
    }

    @Test
    void aMinimalManifestGetsTheSeedDefaults() {
        TrainingRun run = TrainingRunYaml.read(HEADER + "spec: {data: {volume: {nfs: {server: s, path: /d}}}}", "m");
        TrainingSpec training = run.getSpec().getTraining();
        assertEquals(5, training.getEpochs());
        assertEquals(4, training.getBatchSize());
        assertEquals(0.001, training.getLearningRate());
        assertEquals(1, training.getWarmupEpochs());
        assertEquals(2, run.getSpec().getModel().getNumClasses());
        assertEquals(256, run.getSpec().getData().getImageSize());
        assertEquals("train", run.getSpec().getData().getTrainDir());
    }

    @Test
    void anUnknownFieldIsNamedWithItsPath() {
        String message = messageFor(HEADER + "spec: {training: {epoch: 3}}");
        assertTrue(message.startsWith("run.yaml: spec.training.epoch: unknown field"), message);
        assertTrue(message.contains("epochs"), message);
    }

    @Test
    void aWrongEnumValueListsTheAllowedOnes() {
        String message = messageFor(HEADER + "spec: {model: {architecture: ResNet101}}");
        assertTrue(message.contains("spec.model.architecture: Unsupported value: \"ResNet101\": supported values: "),
                message);
        for (Architecture architecture : Architecture.values()) {
            assertTrue(message.contains("\"" + architecture + "\""), message);
        }
    }

    @Test
    void aWrongTypeSaysWhatWasExpected() {
        String message = messageFor(HEADER + "spec: {training: {epochs: many}}");
        assertTrue(message.contains("spec.training.epochs: Invalid value: \"many\": must be of type integer"), message);
    }

    @Test
    void aQuotedNumberIsAStringAsForTheApiServer() {
        String message = messageFor(HEADER
                + "spec: {data: {volume: {nfs: {server: s, path: /d}}}, training: {epochs: '5'}}");
        assertTrue(message.contains("spec.training.epochs: Invalid value: \"5\": must be of type integer"), message);
    }

    @Test
    void everyProblemIsOneLineNamingTheSource() {
        List<String> problems = assertThrows(InvalidManifestException.class, () -> TrainingRunYaml.read(HEADER
                + "spec: {data: {volume: {nfs: {server: s, path: /d}}}, training: {epochs: 0, batchSize: 0}}",
                "run.yaml")).problems();
        assertTrue(problems.size() >= 2, problems::toString);
        assertTrue(problems.stream().allMatch(problem -> problem.startsWith("run.yaml: ") && !problem.contains("\n")),
                problems::toString);
    }

    @Test
    void nullIsLeftOutAndGetsTheDefault() {
        TrainingRun run = TrainingRunYaml.read(HEADER + "spec: {data: {volume: {nfs: {server: s, path: /d}}}, "
                + "model: null, image: null}", "m");
        assertEquals(new ModelSpec().getNumClasses(), run.getSpec().getModel().getNumClasses());
        assertNull(run.getSpec().getImage());
    }

    @Test
    void anotherKindIsRefused() {
        String message = messageFor("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
        assertTrue(message.contains("expected kind TrainingRun"), message);
    }

    @Test
    void brokenYamlIsReportedAsSuch() {
        String message = messageFor(HEADER + "spec: {training: [unclosed");
        assertTrue(message.startsWith("run.yaml: spec.training[0]: line 4: not valid YAML"), message);
    }

    @Test
    void aFileWithoutKindOrApiVersionSaysWhichIsMissing() {
        assertEquals("run.yaml: expected kind TrainingRun of apiVersion trainingrun.dev/v1alpha1, found no kind and no"
                + " apiVersion", messageFor("metadata: {name: t}\n"));
        assertTrue(messageFor("kind: TrainingRun\n").endsWith("found kind TrainingRun and no apiVersion"));
    }

    @Test
    void anEmptyFileOrAScalarIsNotAManifest() {
        assertEquals("run.yaml: expected a TrainingRun manifest, found an empty file", messageFor(""));
        assertEquals("run.yaml: expected a TrainingRun manifest, found an empty file", messageFor("# only a comment\n"));
        assertTrue(messageFor("just words").contains("found a YAML string"), messageFor("just words"));
    }

    @Test
    void aFileOfSeveralDocumentsIsRefusedNamingThem() {
        String message = messageFor("apiVersion: v1\nkind: PersistentVolumeClaim\n---\n" + HEADER
                + "spec: {data: {volume: {persistentVolumeClaim: {claimName: d}}}}\n");
        assertEquals("run.yaml: holds 2 YAML documents (kind PersistentVolumeClaim of v1, kind TrainingRun of"
                + " trainingrun.dev/v1alpha1); the trainer reads a file with one TrainingRun", message);
    }

    /** kubectl's YAML reader refuses a key given twice, and the API server a JSON field given twice. */
    @Test
    void aFieldGivenTwiceIsRefusedNamingItAndItsLine() {
        String message = messageFor(HEADER + "spec:\n  data: {volume: {nfs: {server: s, path: /d}}}\n  training:\n"
                + "    epochs: 1\n    epochs: 2\n");
        assertTrue(message.startsWith("run.yaml: spec.training.epochs: line 8: not valid YAML: Duplicate field "
                + "'epochs'"), message);
    }

    @Test
    void aValueJsonCannotCarryIsRefusedNamingItsField() {
        String message = messageFor(HEADER + "spec:\n  data: {volume: {nfs: {server: s, path: /d}}}\n  training:\n"
                + "    learningRate: .nan\n");
        assertTrue(message.startsWith("run.yaml: spec.training.learningRate: line 7: not valid YAML"), message);
    }

    @Test
    void aTopLevelListIsOneDocumentThatIsNoManifest() {
        assertTrue(messageFor("- a\n- b\n").startsWith("run.yaml: expected a TrainingRun manifest, found a YAML "
                + "array"), messageFor("- a\n- b\n"));
    }

    @Test
    void anEmptyDocumentAfterTheManifestIsNothing() {
        String manifest = HEADER + "spec: {data: {volume: {nfs: {server: s, path: /d}}}}\n";
        assertEquals("t", TrainingRunYaml.read(manifest + "---\n", "run.yaml").getMetadata().getName());
        assertEquals("t", TrainingRunYaml.read("---\n" + manifest + "---\n---\n", "run.yaml").getMetadata()
                .getName());
    }

    @Test
    void aFolderOrABinaryFileIsNamedNotThrownAsAnIoError(@TempDir Path dir) throws Exception {
        InvalidManifestException folder = assertThrows(InvalidManifestException.class,
                () -> TrainingRunYaml.read(dir));
        assertEquals(dir + ": is a folder, expected a manifest file", folder.getMessage());
        Path binary = Files.write(dir.resolve("weights.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x89});
        InvalidManifestException notText = assertThrows(InvalidManifestException.class,
                () -> TrainingRunYaml.read(binary));
        assertEquals(binary + ": not a text file (UTF-8), expected a YAML manifest", notText.getMessage());
    }
}
