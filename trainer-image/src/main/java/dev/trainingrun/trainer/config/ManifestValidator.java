package dev.trainingrun.trainer.config;

import dev.trainingrun.api.FieldProblem;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunSpec;
import dev.trainingrun.api.TrainingRunValidator;
import java.util.List;

/**
 * What the trainer refuses in a manifest before it trains: everything the API server would refuse on create, checked
 * by the API's own validator against the CRD (a manifest read from disk never went through an API server, and one
 * built in Java may not have either), then what only the trainer knows to refuse.
 */
public final class ManifestValidator {
    private ManifestValidator() {}

    /** Every problem found, each naming its field; empty when the trainer can run the manifest. */
    public static List<String> problems(TrainingRun run) {
        List<String> problems = TrainingRunValidator.bundled().validateCreate(run).stream()
                .map(FieldProblem::toString).toList();
        if (!problems.isEmpty()) {
            return problems;
        }
        return batchNormSamples(run.getSpec());
    }

    /**
     * Batch norm in training needs more than one value per channel: the last stage's feature maps are
     * {@code ceil(imageSize / 32)} pixels square (five stride-2 steps: the stem's convolution and pooling, layers
     * 2-4), and a batch is split between the GPUs, so one image per device at 32 px gives batch norm a single value,
     * where PyTorch stops ("Expected more than 1 value per channel when training"). Refused here, before anything runs.
     */
    private static List<String> batchNormSamples(TrainingRunSpec spec) {
        int batch = spec.getTraining().getBatchSize();
        int perDevice = batch / Math.min(Math.max(1, spec.getResources().getGpus()), batch);
        int side = (spec.getData().getImageSize() + 31) / 32;
        if ((long) perDevice * side * side < 2) {
            return List.of("spec.training.batchSize: " + batch + " gives " + perDevice + " image per device, and at "
                    + "spec.data.imageSize " + spec.getData().getImageSize() + " the last stage's feature maps are "
                    + side + " x " + side + ": batch norm would train on a single value per channel, which PyTorch "
                    + "refuses; use a batch of at least 2 images per device");
        }
        return List.of();
    }
}
