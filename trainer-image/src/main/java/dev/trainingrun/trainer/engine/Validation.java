package dev.trainingrun.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.trainingrun.trainer.data.ImageBatch;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** The seed's validation pass: batch norm in inference mode, summed per-image loss and correct predictions. */
final class Validation {
    private final Block network;
    private final ParameterStore store;
    private final NDManager manager;

    Validation(Block network, ParameterStore store, NDManager manager) {
        this.network = network;
        this.store = store;
        this.manager = manager;
    }

    /** Loss summed over images, correct predictions and images seen. */
    record Totals(double lossSum, long correct, long total) {}

    /** The totals over every batch; empty when {@code stopRequested} turned true before the last one. */
    Optional<Totals> run(Iterator<ImageBatch> batches, BooleanSupplier stopRequested) {
        double lossSum = 0;
        long correct = 0;
        long total = 0;
        while (batches.hasNext()) {
            if (stopRequested.getAsBoolean()) {
                return Optional.empty();
            }
            ImageBatch batch = batches.next();
            if (batch.size() == 0) {
                continue;
            }
            try (NDManager scope = manager.newSubManager()) {
                BatchArrays arrays = BatchArrays.of(batch, scope);
                NDArray logits = network.forward(store, new NDList(arrays.images()), false).singletonOrThrow();
                lossSum += CrossEntropy.perImage(logits, arrays.labels()).sum().getFloat();
                correct += logits.argMax(1).eq(arrays.labels()).sum().getLong();
                total += batch.size();
            }
        }
        return Optional.of(new Totals(lossSum, correct, total));
    }
}
