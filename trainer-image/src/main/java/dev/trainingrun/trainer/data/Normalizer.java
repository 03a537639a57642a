package dev.trainingrun.trainer.data;

import dev.trainingrun.api.Normalization;
import java.util.List;

/**
 * torchvision's {@code ToTensor} + {@code Normalize(mean, std)} as one multiply-add per value:
 * {@code (p / 255 - mean) / std = p * (1 / (255 std)) - mean / std}.
 */
public record Normalizer(float[] scale, float[] shift) {

    /** The spec's {@code data.normalize}: its mean and std when enabled, {@link #none()} when not. */
    public static Normalizer of(Normalization normalization) {
        return normalization.isEnabled() ? of(normalization.getMean(), normalization.getStd()) : none();
    }

    /** Per-channel mean and standard deviation of pixels scaled to [0, 1]. */
    public static Normalizer of(List<Double> mean, List<Double> std) {
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = (float) (1.0 / (255.0 * std.get(c)));
            shift[c] = (float) (-mean.get(c) / std.get(c));
        }
        return new Normalizer(scale, shift);
    }

    /** Pixels scaled to [0, 1] and nothing else (normalisation switched off). */
    public static Normalizer none() {
        return of(List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));
    }
}
