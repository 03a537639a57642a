package dev.trainingrun.trainer.bench;

import java.util.Locale;

/**
 * One benchmark figure, printed as a JSON line so that hack/benchmark-trainer can put it beside PyTorch's.
 * {@code kind} is "train" (synthetic tensors through a training step) or "data" (decode + augment + batch).
 */
public record Measurement(String kind, String model, int size, int batchSize, int steps, double seconds,
        double imagesPerSecond) {

    /** The JSON line; {@code implementation} names who was measured. */
    public String json(String implementation, int threads) {
        return String.format(Locale.ROOT, "{\"implementation\": \"%s\", \"kind\": \"%s\", \"model\": \"%s\", "
                        + "\"size\": %d, \"batch\": %d, \"threads\": %d, \"steps\": %d, \"seconds\": %.3f, "
                        + "\"imagesPerSecond\": %.3f}",
                implementation, kind, model, size, batchSize, threads, steps, seconds, imagesPerSecond);
    }
}
