package dev.trainingrun.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunYaml;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the API server would refuse, the trainer refuses too, naming the field: a manifest on disk was never checked.
 * The rules themselves are the CRD's (TrainingRunValidator reads them from it); here, one of each kind reaches the
 * trainer's messages, whether the manifest is read from YAML or built in Java.
 */
class ManifestValidationTest {
    @TempDir
    Path data;

    static TrainingRun manifest(String specYaml) {
        return TrainingRunYaml.read(yaml(specYaml), "test");
    }

    private static String yaml(String specYaml) {
        return """
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: t}
                spec:
                """ + specYaml.indent(2);
    }

    private static final String DATA = "data: {volume: {persistentVolumeClaim: {claimName: d}}";

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "minimum|training: {epochs: -1}|spec.training.epochs",
        "maximum|data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 1000000}|spec.data.imageSize",
        "exclusive minimum|training: {learningRate: 0}|spec.training.learningRate",
        "enum|model: {architecture: ResNet101}|spec.model.architecture",
        "pattern|image: a b|spec.image",
        "minimum length|data: {volume: {nfs: {server: '', path: /d}}}|spec.data.volume.nfs.server",
        "maximum items|data: {volume: {persistentVolumeClaim: {claimName: d}}, normalize: {std: [1, 1, 1, 1]}}"
                + "|spec.data.normalize.std",
        "required|data: {trainDir: t}|spec.data.volume",
        "type|training: {epochs: many}|spec.training.epochs",
        "unknown field|training: {epoch: 3}|spec.training.epoch",
        "rule on an object|data: {volume: {}}|spec.data.volume",
        "rule with a field path|training: {epochs: 3, warmupEpochs: 4}|spec.training.warmupEpochs",
        "rule on a string|data: {volume: {persistentVolumeClaim: {claimName: d}}, trainDir: /etc}|spec.data.trainDir",
        "rule on a duration|checkpoints: {interval: 1s}|spec.checkpoints.interval",
    })
    void aManifestReadFromYamlIsRefusedNamingTheField(String ruleKind, String specYaml, String field) {
        String spec = specYaml.startsWith("data:") ? specYaml : DATA + "}\n" + specYaml;
        assertTrue(problems(() -> TrainingConfig.from(manifest(spec), data, data.resolve("out"))).stream()
                .anyMatch(problem -> problem.startsWith("test: " + field + ": ")), ruleKind);
    }

    @Test
    void aRunBuiltInJavaIsCheckedByTheSameRules() {
        TrainingRun run = manifest(DATA + "}");
        run.getSpec().getTraining().setEpochs(-1);
        run.getSpec().getData().setTrainDir("../elsewhere");
        List<String> problems = problems(() -> TrainingConfig.from(run, data, data.resolve("out")));
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("spec.training.epochs: ")),
                problems::toString);
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("spec.data.trainDir: ")),
                problems::toString);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        List<String> problems = problems(() -> manifest(DATA + "}\ntraining: {epochs: -1, batchSize: -1}"));
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("test: spec.training.epochs: ")),
                problems::toString);
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("test: spec.training.batchSize: ")),
                problems::toString);
    }

    @Test
    void aMissingDataSectionIsNamed() {
        assertTrue(problems(() -> manifest("model: {numClasses: 3}")).contains("test: spec.data: Required value"));
    }

    @ParameterizedTest
    @MethodSource("dev.trainingrun.testing.ManifestCorpus#examples")
    void everyExamplePasses(Path example) {
        assertEquals(List.of(), ManifestValidator.problems(TrainingRunYaml.read(example)));
    }

    @Test
    void theDataRootMustExist() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainingConfig.from(manifest(DATA + "}"), data.resolve("missing"), data.resolve("out")));
        assertEquals(List.of("--data: folder " + data.resolve("missing") + " does not exist"), e.problems());
    }

    @Test
    void resolvesFoldersAgainstTheDataRoot() {
        TrainingConfig config = TrainingConfig.from(manifest(DATA + ", trainDir: a/train}"), data, data.resolve("o"));
        assertEquals(data.resolve("a/train"), config.trainDir());
        assertEquals(data.resolve("val"), config.valDir());
        assertEquals(4, config.batchSize());
    }

    /** The problems the trainer reports while it reads a manifest (YAML) or takes it in (TrainingConfig). */
    private static List<String> problems(Runnable readOrResolve) {
        try {
            readOrResolve.run();
            return List.of();
        } catch (TrainingRunYaml.InvalidManifestException e) {
            return e.problems();
        } catch (InvalidInputException e) {
            return e.problems();
        }
    }
}
