package dev.trainingrun.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the API server would refuse, the trainer refuses too, naming the field: a manifest on disk was never checked.
 * The rules themselves are the CRD's (TrainingRunValidator reads them from it); here, one of each kind reaches the
 * trainer's messages, whether the manifest is read from YAML or built in Java, and so do the trainer's own checks.
 */
class ManifestValidationTest {
    @TempDir
    Path data;

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
        List<String> problems = problems(spec);
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("test: " + field + ": ")),
                () -> ruleKind + ": " + problems);
    }

    @Test
    void aRunBuiltInJavaIsCheckedByTheSameRules() {
        TrainingRun run = Manifests.withSpec(DATA + "}");
        run.getSpec().getTraining().setEpochs(-1);
        run.getSpec().getData().setTrainDir("../elsewhere");
        List<String> problems = problems(() -> TrainingConfig.from(run, data, data.resolve("out")));
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("spec.training.epochs: ")),
                problems::toString);
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("spec.data.trainDir: ")),
                problems::toString);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "imageSize: 32}|batchSize: 1, validationBatchSize: 1|0|1 gives 1 image per device",
        "imageSize: 32}|batchSize: 3|2|3 gives 1 image per device",
        "imageSize: 32}|batchSize: 2|4|2 gives 1 image per device",
    })
    void refusesBatchesThatLeaveBatchNormASingleValuePerChannel(String data, String training, int gpus,
            String message) {
        assertEquals(List.of("spec.training.batchSize: " + message + ", and at spec.data.imageSize 32 the last "
                + "stage's feature maps are 1 x 1: batch norm would train on a single value per channel, which PyTorch "
                + "refuses; use a batch of at least 2 images per device"), problems(DATA + ", " + data + "\ntraining: {"
                + training + "}\nresources: {gpus: " + gpus + "}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"32|2|0", "33|1|0", "64|1|0", "32|4|2"})
    void acceptsBatchesThatGiveBatchNormMoreThanOneValue(int imageSize, int batchSize, int gpus) {
        assertEquals(List.of(), problems(DATA + ", imageSize: " + imageSize + "}\ntraining: {batchSize: " + batchSize
                + "}\nresources: {gpus: " + gpus + "}"));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        List<String> problems = problems(DATA + "}\ntraining: {epochs: -1, batchSize: -1}");
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("test: spec.training.epochs: ")),
                problems::toString);
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("test: spec.training.batchSize: ")),
                problems::toString);
    }

    @Test
    void aMissingDataSectionIsNamed() {
        assertTrue(problems("model: {numClasses: 3}").contains("test: spec.data: Required value"));
    }

    @ParameterizedTest
    @MethodSource("dev.trainingrun.testing.ManifestCorpus#examples")
    void everyExamplePasses(Path example) {
        assertEquals(List.of(), ManifestValidator.problems(TrainingRunYaml.read(example)));
    }

    @Test
    void theDataRootMustExist() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainingConfig.from(Manifests.withSpec(DATA + "}"), data.resolve("missing"), data.resolve("out")));
        assertEquals(List.of("--data: folder " + data.resolve("missing") + " does not exist"), e.problems());
    }

    @Test
    void aForkSourceThatIsAFileIsNamedAsAFile() throws IOException {
        Path file = Files.writeString(data.resolve("source"), "not a run folder");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TrainingConfig.from(
                Manifests.withSpec(DATA + "}\nmodel: {from: {run: a}}"), data, data.resolve("out"), Optional.of(file)));
        assertEquals(List.of("--from: " + file + " is a file, expected the folder of run a, named by "
                + "spec.model.from.run"), e.problems());
    }

    @Test
    void resolvesFoldersAgainstTheDataRoot() {
        TrainingConfig config = TrainingConfig.from(Manifests.withSpec(DATA + ", trainDir: a/train}"), data, data.resolve("o"));
        assertEquals(data.resolve("a/train"), config.trainDir());
        assertEquals(data.resolve("val"), config.valDir());
        assertEquals(4, config.batchSize());
    }

    @Test
    void threadsFitTheCpusTheContainerMayUseUnlessTheSpecSaysOtherwise() {
        TrainingConfig byDefault = TrainingConfig.from(Manifests.withSpec(DATA + "}"), data, data.resolve("o"), 3);
        assertEquals(List.of(3, 3, 3), List.of(byDefault.cpus(), byDefault.intraOpThreads(),
                byDefault.loaderThreads()), "cpus, intra-op threads, loader threads (4 by default, at most 3 CPUs)");
        TrainingConfig given = TrainingConfig.from(Manifests.withSpec(DATA + ", loaderThreads: 2}\n"
                + "training: {intraOpThreads: 6}"), data, data.resolve("o"), 3);
        assertEquals(List.of(3, 6, 2), List.of(given.cpus(), given.intraOpThreads(), given.loaderThreads()));
        List<String> problems = problems(DATA + "}\ntraining: {intraOpThreads: 0}");
        assertTrue(problems.stream().anyMatch(problem -> problem.startsWith("test: spec.training.intraOpThreads: ")),
                problems::toString);
    }

    /** The problems the trainer reports for a manifest of this spec, read from YAML and taken in by TrainingConfig. */
    private List<String> problems(String specYaml) {
        return problems(() -> TrainingConfig.from(Manifests.withSpec(specYaml), data, data.resolve("out")));
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
