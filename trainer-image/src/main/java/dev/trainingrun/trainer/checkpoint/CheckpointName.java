package dev.trainingrun.trainer.checkpoint;

import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.events.EpochMetrics;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoint file names as the seed names its saves, {@code ResNet18-epochs-3-model-val-acc-91.200-loss-0.250100}
 * (validation accuracy in percent, validation loss), plus the file type; and the epoch back from such a name.
 */
public final class CheckpointName {
    static final String EXTENSION = ".safetensors";
    private static final Pattern NAME = Pattern.compile(
            "[A-Za-z0-9]+-epochs-(\\d{1,9})-model-val-acc-[^-]+-loss-[^-]+" + Pattern.quote(EXTENSION));

    private CheckpointName() {}

    /** The file name of the checkpoint saved after an epoch. */
    public static String of(Architecture architecture, EpochMetrics metrics) {
        return String.format(Locale.ROOT, "%s-epochs-%d-model-val-acc-%.3f-loss-%.6f%s", architecture,
                metrics.epoch(), 100 * metrics.valAccuracy(), metrics.valLoss(), EXTENSION);
    }

    /** The epoch of a checkpoint file, or empty when the file is not named as a checkpoint. */
    public static OptionalInt epoch(Path file) {
        Matcher matcher = NAME.matcher(file.getFileName().toString());
        return matcher.matches() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }
}
