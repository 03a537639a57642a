package dev.trainingrun.trainer.config;

import dev.trainingrun.api.CheckpointSpec;
import dev.trainingrun.api.DataSpec;
import dev.trainingrun.api.Durations;
import dev.trainingrun.api.ModelSpec;
import dev.trainingrun.api.Normalization;
import dev.trainingrun.api.ResourceSpec;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunSpec;
import dev.trainingrun.api.TrainingSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The checks the API server applies to a TrainingRun (bounds, enums, CEL rules) for the fields the trainer relies
 * on: a manifest read from disk never went through an API server, so the trainer repeats them before it trains.
 */
final class ManifestValidator {
    /** The same rule as the CRD's: relative, no ".." segment. */
    private static final Pattern RELATIVE_PATH = Pattern.compile("^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$");

    private final List<String> problems = new ArrayList<>();

    private ManifestValidator() {}

    /** Every problem found, each naming its field; empty when the trainer can run the manifest. */
    static List<String> problems(TrainingRun run) {
        ManifestValidator validator = new ManifestValidator();
        validator.check(run.getSpec());
        return validator.problems;
    }

    private void check(TrainingRunSpec spec) {
        if (spec == null) {
            problems.add("spec: required");
            return;
        }
        if (present("spec.model", spec.getModel())) {
            model(spec.getModel());
        }
        if (spec.getData() == null) {
            problems.add("spec.data: required");
        } else {
            data(spec.getData());
        }
        if (present("spec.training", spec.getTraining())) {
            training(spec.getTraining());
        }
        if (present("spec.checkpoints", spec.getCheckpoints())) {
            checkpoints(spec.getCheckpoints());
        }
        if (present("spec.resources", spec.getResources())) {
            resources(spec.getResources());
        }
        if (problems.isEmpty()) {
            batchNormSamples(spec);
        }
    }

    /**
     * Batch norm in training needs more than one value per channel: the last stage's feature maps are
     * {@code ceil(imageSize / 32)} pixels square (five stride-2 steps: the stem's convolution and pooling, layers
     * 2-4), and a batch is split between the GPUs, so one image per device at 32 px gives batch norm a single value,
     * where PyTorch stops ("Expected more than 1 value per channel when training"). Refused here, before anything runs.
     */
    private void batchNormSamples(TrainingRunSpec spec) {
        int batch = spec.getTraining().getBatchSize();
        int perDevice = batch / Math.min(Math.max(1, spec.getResources().getGpus()), batch);
        int side = (spec.getData().getImageSize() + 31) / 32;
        if ((long) perDevice * side * side < 2) {
            problems.add("spec.training.batchSize: " + batch + " gives " + perDevice + " image per device, and at "
                    + "spec.data.imageSize " + spec.getData().getImageSize() + " the last stage's feature maps are "
                    + side + " x " + side + ": batch norm would train on a single value per channel, which PyTorch "
                    + "refuses; use a batch of at least 2 images per device");
        }
    }

    private void model(ModelSpec model) {
        if (model.getArchitecture() == null) {
            problems.add("spec.model.architecture: required");
        }
        range("spec.model.numClasses", model.getNumClasses(), 2, 100000);
    }

    private void data(DataSpec data) {
        relativePath("spec.data.trainDir", data.getTrainDir());
        relativePath("spec.data.valDir", data.getValDir());
        range("spec.data.imageSize", data.getImageSize(), 32, 1024);
        range("spec.data.loaderThreads", data.getLoaderThreads(), 1, 64);
        if (present("spec.data.normalize", data.getNormalize())) {
            normalization(data.getNormalize());
        }
    }

    private void normalization(Normalization normalize) {
        List<Double> mean = normalize.getMean();
        List<Double> std = normalize.getStd();
        if (mean == null || mean.size() != 3 || mean.stream().anyMatch(Objects::isNull)) {
            problems.add("spec.data.normalize.mean: needs exactly three numbers, one per RGB channel, got " + mean);
        }
        if (std == null || std.size() != 3 || std.stream().anyMatch(Objects::isNull)) {
            problems.add("spec.data.normalize.std: needs exactly three numbers, one per RGB channel, got " + std);
        } else if (std.stream().anyMatch(s -> !(s > 0))) {
            problems.add("spec.data.normalize.std: every value must be greater than 0, got " + std);
        }
    }

    private void training(TrainingSpec training) {
        range("spec.training.epochs", training.getEpochs(), 1, 100000);
        range("spec.training.batchSize", training.getBatchSize(), 1, 65536);
        range("spec.training.validationBatchSize", training.getValidationBatchSize(), 1, 65536);
        double lr = training.getLearningRate();
        if (!(lr > 0 && lr <= 10)) {
            problems.add("spec.training.learningRate: must be greater than 0 and at most 10, got " + lr);
        }
        if (training.getWarmupEpochs() < 0) {
            problems.add("spec.training.warmupEpochs: must be at least 0, got " + training.getWarmupEpochs());
        } else if (training.getEpochs() >= 1 && training.getWarmupEpochs() > training.getEpochs()) {
            problems.add("spec.training.warmupEpochs: must not be greater than epochs (" + training.getEpochs()
                    + "), got " + training.getWarmupEpochs());
        }
        double decay = training.getWeightDecay();
        if (!(decay >= 0 && decay <= 1)) {
            problems.add("spec.training.weightDecay: must be between 0 and 1, got " + decay);
        }
        if (training.getSeed() < 0) {
            problems.add("spec.training.seed: must be at least 0, got " + training.getSeed());
        }
    }

    private void checkpoints(CheckpointSpec checkpoints) {
        if (checkpoints.getSaveAfterEpoch() < 0) {
            problems.add("spec.checkpoints.saveAfterEpoch: must be at least 0, got " + checkpoints.getSaveAfterEpoch());
        }
        range("spec.checkpoints.keep", checkpoints.getKeep(), 1, 1000);
        try {
            Duration interval = Durations.parse(checkpoints.getInterval());
            if (!interval.isZero() && interval.compareTo(Durations.parse(CheckpointSpec.MIN_INTERVAL)) < 0) {
                problems.add("spec.checkpoints.interval: must be 0s (save only when asked to stop) or at least "
                        + CheckpointSpec.MIN_INTERVAL + ", got " + checkpoints.getInterval());
            }
        } catch (IllegalArgumentException e) {
            problems.add("spec.checkpoints.interval: " + e.getMessage());
        }
    }

    private void resources(ResourceSpec resources) {
        range("spec.resources.gpus", resources.getGpus(), 0, 64);
    }

    private boolean present(String field, Object value) {
        if (value == null) {
            problems.add(field + ": must be an object, got null");
        }
        return value != null;
    }

    private void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            problems.add(field + ": must be between " + min + " and " + max + ", got " + value);
        }
    }

    private void relativePath(String field, String path) {
        if (path == null || !RELATIVE_PATH.matcher(path).matches()) {
            problems.add(field + ": must be a path relative to the data volume's root without \"..\", got "
                    + (path == null ? "nothing" : "\"" + path + "\""));
        }
    }
}
