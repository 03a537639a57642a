package dev.trainingrun.trainer.bench;

import dev.trainingrun.trainer.model.MemoryFormat;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One benchmark figure, printed as a JSON line so that hack/benchmark-trainer can put it beside PyTorch's.
 * {@code kind} is "train" (synthetic tensors through a training step) or "data" (decode + augment + batch);
 * {@code partSeconds} is the time spent in named parts of the {@code seconds} (for training: "optimizer", the
 * optimiser step with the clearing of the gradients); {@code memoryFormat} is the network's for training, null for
 * the data pipeline.
 */
public record Measurement(String kind, String model, int size, int batchSize, int steps, double seconds,
        double imagesPerSecond, Map<String, Double> partSeconds, MemoryFormat memoryFormat) {

    /** The JSON line; {@code implementation} names who was measured. */
    public String json(String implementation, int threads) {
        String parts = partSeconds.entrySet().stream()
                .map(part -> String.format(Locale.ROOT, "\"%s\": %.3f", part.getKey(), part.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        return String.format(Locale.ROOT, "{\"implementation\": \"%s\", \"kind\": \"%s\", \"model\": \"%s\", "
                        + "\"size\": %d, \"batch\": %d, \"threads\": %d, \"steps\": %d, \"seconds\": %.3f, "
                        + "\"imagesPerSecond\": %.3f, \"partSeconds\": %s%s}",
                implementation, kind, model, size, batchSize, threads, steps, seconds, imagesPerSecond, parts,
                memoryFormat != null ? ", \"memoryFormat\": \"" + memoryFormat.label() + "\"" : "");
    }
}
