package dev.trainingrun.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the API server would refuse, the trainer refuses too, naming the field: a manifest on disk was never checked. */
class ManifestValidationTest {
    @TempDir
    Path data;

    private static final String DATA = "data: {volume: {persistentVolumeClaim: {claimName: d}}";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "training: {epochs: 3, warmupEpochs: 4}|spec.training.warmupEpochs: must not be greater than epochs (3), got 4",
        "training: {epochs: 0}|spec.training.epochs: must be between 1 and 100000, got 0",
        "training: {learningRate: 0}|spec.training.learningRate: must be greater than 0 and at most 10, got 0.0",
        "training: {batchSize: 0}|spec.training.batchSize: must be between 1 and 65536, got 0",
        "training: {weightDecay: 2}|spec.training.weightDecay: must be between 0 and 1, got 2.0",
        "model: {numClasses: 1}|spec.model.numClasses: must be between 2 and 100000, got 1",
        "resources: {gpus: 65}|spec.resources.gpus: must be between 0 and 64, got 65",
        "checkpoints: {keep: 0}|spec.checkpoints.keep: must be between 1 and 1000, got 0",
    })
    void refusesOutOfRangeSettings(String yaml, String message) {
        assertEquals(List.of(message), problems(DATA + "}\n" + yaml));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "imageSize: 16|spec.data.imageSize: must be between 32 and 1024, got 16",
        "loaderThreads: 0|spec.data.loaderThreads: must be between 1 and 64, got 0",
        "trainDir: ../elsewhere|spec.data.trainDir: must be a path relative to the data volume's root without \"..\", got \"../elsewhere\"",
        "valDir: /abs|spec.data.valDir: must be a path relative to the data volume's root without \"..\", got \"/abs\"",
        "normalize: {mean: [0.5, 0.5]}|spec.data.normalize.mean: needs exactly three numbers, one per RGB channel, got [0.5, 0.5]",
        "normalize: {std: [0.5, 0, 0.5]}|spec.data.normalize.std: every value must be greater than 0, got [0.5, 0.0, 0.5]",
    })
    void refusesBadDataSettings(String yaml, String message) {
        assertEquals(List.of(message), problems(DATA + ", " + yaml + "}"));
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
        assertEquals(2, problems(DATA + "}\ntraining: {epochs: 0, batchSize: 0}").size());
    }

    @Test
    void aMissingDataSectionIsNamed() {
        assertEquals(List.of("spec.data: required"), problems("model: {numClasses: 3}"));
    }

    @Test
    void theDataRootMustExist() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainingConfig.from(Manifests.withSpec(DATA + "}"), data.resolve("missing"), data.resolve("out")));
        assertEquals(List.of("--data: folder " + data.resolve("missing") + " does not exist"), e.problems());
    }

    @Test
    void resolvesFoldersAgainstTheDataRoot() {
        TrainingConfig config = TrainingConfig.from(Manifests.withSpec(DATA + ", trainDir: a/train}"), data, data.resolve("o"));
        assertEquals(data.resolve("a/train"), config.trainDir());
        assertEquals(data.resolve("val"), config.valDir());
        assertEquals(4, config.batchSize());
    }

    private List<String> problems(String specYaml) {
        try {
            TrainingConfig.from(Manifests.withSpec(specYaml), data, data.resolve("out"));
            return List.of();
        } catch (InvalidInputException e) {
            return e.problems();
        }
    }
}
