package dev.trainingrun.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.checkpoint.ModelState;
import dev.trainingrun.trainer.data.ImageBatch;
import dev.trainingrun.trainer.data.TestBatches;
import dev.trainingrun.trainer.engine.TrainStep;
import dev.trainingrun.trainer.optim.AdamWParameterServer;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.safetensors.Tensor;
import dev.trainingrun.trainer.torch.TorchOps;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryFormatTest {
    private static final List<Device> CPU = List.of(Device.cpu());

    @Test
    void trainingOnTheCpuIsChannelsLastFrom128Pixels() {
        assertEquals(MemoryFormat.CONTIGUOUS, MemoryFormat.forTraining(64, CPU));
        assertEquals(MemoryFormat.CONTIGUOUS, MemoryFormat.forTraining(127, CPU));
        assertEquals(MemoryFormat.CHANNELS_LAST, MemoryFormat.forTraining(128, CPU));
        assertEquals(MemoryFormat.CHANNELS_LAST, MemoryFormat.forTraining(224, CPU));
        assertEquals(MemoryFormat.CONTIGUOUS, MemoryFormat.forTraining(224, List.of(Device.gpu())),
                "unmeasured on a GPU: PyTorch's default");
    }

    /**
     * The same network stored both ways gives the same logits and gradients (to float rounding: the convolutions
     * sum in another order), and it stays channels-last through training steps: weights, and AdamW's moments made
     * in the default order at the first step.
     */
    @Test
    void aChannelsLastNetworkComputesWhatTheContiguousOneDoesAndStaysChannelsLast() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                NDManager optimiserScope = manager.newSubManager()) {
            Network contiguous = Network.create(Architecture.ResNet18, 3, 7, manager);
            Network channelsLast = Network.create(Architecture.ResNet18, 3, 7, manager);
            channelsLast.layOut(MemoryFormat.CHANNELS_LAST);
            NDArray conv = channelsLast.parameters().get("layer1.0.conv1.weight").getArray();
            assertTrue(TorchOps.isChannelsLast(conv));
            assertFalse(TorchOps.isChannelsLast(contiguous.parameters().get("layer1.0.conv1.weight").getArray()));

            ImageBatch batch = TestBatches.noise(4, 32, 3);
            float[][] expected = logitsAndGradient(contiguous, batch, manager);
            float[][] actual = logitsAndGradient(channelsLast, batch, manager);
            assertArrayEquals(expected[0], actual[0], 1e-4f, "logits");
            // each element is a sum over the batch and its feature map, in another order: relative to the largest
            assertArrayEquals(expected[1], actual[1], 1e-3f * largest(expected[1]),
                    "the gradient of layer1.0.conv1.weight");

            FusedAdamW adamw = FusedAdamW.withWeightDecay(0.01, step -> 1e-3, optimiserScope);
            ParameterStore store = new ParameterStore(manager, false);
            store.setParameterServer(new AdamWParameterServer(adamw, channelsLast.parameters()),
                    CPU.toArray(Device[]::new));
            TrainStep step = new TrainStep(channelsLast.block(), store, CPU, manager);
            step.run(batch);
            step.run(batch);
            assertTrue(TorchOps.isChannelsLast(conv), "the weight after two steps");
            assertTrue(TorchOps.isChannelsLast(adamw.view().get("layer1.0.conv1.weight").mean()),
                    "its first moment");
        }
    }

    /**
     * What a checkpoint or an export writes of a channels-last network: the same row-major values as the contiguous
     * network's, and no copy left behind in the network's manager (DJL's in-place read of such an array leaves one).
     */
    @Test
    void aChannelsLastNetworkIsSavedRowMajorWithoutKeepingACopy() throws IOException {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Network contiguous = Network.create(Architecture.ResNet18, 3, 7, manager);
            Network channelsLast = Network.create(Architecture.ResNet18, 3, 7, manager);
            channelsLast.layOut(MemoryFormat.CHANNELS_LAST);
            int arrays = manager.getManagedArrays().size();
            List<Tensor> expected = ModelState.tensors(contiguous, 0);
            List<Tensor> actual = ModelState.tensors(channelsLast, 0);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).data().bytes(), actual.get(i).data().bytes(), expected.get(i).name());
            }
            assertEquals(arrays, manager.getManagedArrays().size(), "engine arrays in the network's manager");
        }
    }

    /** Logits of {@code batch} in training mode, and the gradient of one convolution weight of their sum. */
    private static float[][] logitsAndGradient(Network network, ImageBatch batch, NDManager manager) {
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray images = scope.create(batch.pixels(), new Shape(batch.size(), 3, batch.side(), batch.side()));
            NDArray logits = network.block().forward(new ParameterStore(scope, false), new NDList(images), true)
                    .singletonOrThrow();
            collector.backward(logits.sum());
            NDArray weight = network.parameters().get("layer1.0.conv1.weight").getArray();
            float[] gradient = weight.getGradient().toFloatArray();
            network.parameters().values().stream().filter(Parameter::requiresGradient)
                    .forEach(p -> TorchOps.clearGradient(p.getArray()));
            return new float[][] {logits.toFloatArray(), gradient};
        }
    }

    private static float largest(float[] values) {
        float largest = 0;
        for (float v : values) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest;
    }
}
