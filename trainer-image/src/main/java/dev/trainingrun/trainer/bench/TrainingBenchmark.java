package dev.trainingrun.trainer.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterServer;
import ai.djl.training.ParameterStore;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.data.ImageBatch;
import dev.trainingrun.trainer.engine.TrainStep;
import dev.trainingrun.trainer.model.MemoryFormat;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.optim.AdamWParameterServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.SplittableRandom;

/**
 * Steady-state training throughput on synthetic tensors: the trainer's own step (forward, cross-entropy, backward,
 * AdamW, gradients dropped) on a 1,000-class torchvision ResNet, after warm-up steps, as PyTorch eager is measured.
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {}

    /**
     * Images per second of {@code architecture} at {@code side} px, batch {@code batchSize}, with the network in
     * {@code memoryFormat}, or when empty in the format training would choose ({@link MemoryFormat#forTraining}).
     *
     * @throws MeasurementStopped when {@code stopRequested} turns true, checked between steps
     */
    public static Measurement measure(Architecture architecture, int side, int batchSize, int warmupSteps,
            int minSteps, double minSeconds, Optional<MemoryFormat> memoryFormat, BooleanSupplier stopRequested) {
        ImageBatch batch = syntheticBatch(side, batchSize);
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                NDManager optimiserScope = manager.newSubManager()) {
            Network network = Network.create(architecture, 1000, 0, manager);
            MemoryFormat format = memoryFormat.orElseGet(() -> MemoryFormat.forTraining(side, List.of(Device.cpu())));
            network.layOut(format);
            ParameterStore store = new ParameterStore(manager, false);
            TimedParameterServer optimizer = new TimedParameterServer(new AdamWParameterServer(
                    FusedAdamW.withWeightDecay(0.01, step -> 1e-3, optimiserScope), network.parameters()));
            store.setParameterServer(optimizer, new Device[] {Device.cpu()});
            TrainStep step = new TrainStep(network.block(), store, List.of(Device.cpu()), manager);
            for (int i = 0; i < warmupSteps; i++) {
                MeasurementStopped.ifRequested(stopRequested);
                step.run(batch);
            }
            optimizer.nanos = 0;
            long start = System.nanoTime();
            int steps = 0;
            while (steps < minSteps || (System.nanoTime() - start) / 1e9 < minSeconds) {
                MeasurementStopped.ifRequested(stopRequested);
                step.run(batch);
                steps++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measurement("train", architecture.name(), side, batchSize, steps, seconds,
                    steps * batchSize / seconds, Map.of("optimizer", optimizer.nanos / 1e9), format);
        }
    }

    /**
     * The optimiser's time: the parameter store hands every parameter to its server after the backward pass, and
     * the server updates it and clears its gradient, as {@code optimizer.step(); optimizer.zero_grad()} in PyTorch.
     */
    private static final class TimedParameterServer implements ParameterServer {
        private final ParameterServer server;
        long nanos;

        TimedParameterServer(ParameterServer server) {
            this.server = server;
        }

        @Override
        public void init(String parameterId, NDArray[] value) {
            server.init(parameterId, value);
        }

        @Override
        public void update(String parameterId, NDArray[] params) {
            // The store's entry point: it also takes in fetching and releasing the gradients.
            long start = System.nanoTime();
            server.update(parameterId, params);
            nanos += System.nanoTime() - start;
        }

        @Override
        public void update(String parameterId, NDArray[] gradients, NDArray[] params) {
            server.update(parameterId, gradients, params);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** A batch of Gaussian noise with random labels of 1,000 classes. */
    static ImageBatch syntheticBatch(int side, int batchSize) {
        SplittableRandom random = new SplittableRandom(0);
        float[] pixels = new float[batchSize * 3 * side * side];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        long[] labels = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            labels[i] = random.nextInt(1000);
        }
        return new ImageBatch(pixels, labels, batchSize, side);
    }
}
