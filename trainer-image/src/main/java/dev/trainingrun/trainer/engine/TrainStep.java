package dev.trainingrun.trainer.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.trainingrun.trainer.data.ImageBatch;
import java.util.List;

/**
 * One optimiser step: forward, cross-entropy, backward, AdamW (through the parameter store's server). With several
 * devices the batch is split between them and each part's mean loss is weighted by its share, so the summed
 * gradient is that of the whole batch's mean loss. Every array the step creates lives in a scope closed at its end.
 */
public final class TrainStep {
    private final Block network;
    private final ParameterStore store;
    private final List<Device> devices;
    private final NDManager manager;

    public TrainStep(Block network, ParameterStore store, List<Device> devices, NDManager manager) {
        this.network = network;
        this.store = store;
        this.devices = devices;
        this.manager = manager;
    }

    /** Trains on a batch and returns its mean loss. */
    public double run(ImageBatch batch) {
        try (NDManager scope = manager.newSubManager()) {
            BatchArrays arrays = BatchArrays.of(batch, scope);
            int n = batch.size();
            int parts = Math.min(devices.size(), n);
            NDArray[] losses = new NDArray[parts];
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                for (int part = 0; part < parts; part++) {
                    int start = part * n / parts;
                    int end = (part + 1) * n / parts;
                    Device device = devices.get(part);
                    NDArray images = slice(arrays.images(), start, end, n).toDevice(device, false);
                    NDArray labels = slice(arrays.labels(), start, end, n).toDevice(device, false);
                    NDArray logits = network.forward(store, new NDList(images), true).singletonOrThrow();
                    losses[part] = CrossEntropy.perImage(logits, labels).sum().div(n);
                    collector.backward(losses[part]);
                }
            }
            store.updateAllParameters();
            double loss = 0;
            for (NDArray part : losses) {
                loss += part.getFloat();
            }
            return loss;
        }
    }

    private static NDArray slice(NDArray array, int start, int end, int n) {
        return start == 0 && end == n ? array : array.get(new NDIndex("{}:{}", start, end));
    }
}
