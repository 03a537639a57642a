package dev.trainingrun.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.trainingrun.api.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResNetTest {

    /** torchvision's counts with 1,000 classes: sum(p.numel() for p in model.parameters()). */
    @ParameterizedTest
    @CsvSource({"ResNet18, 11689512", "ResNet34, 21797672", "ResNet50, 25557032"})
    void hasTorchvisionsParameterCount(Architecture architecture, long expected) {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Network network = Network.create(architecture, 1000, 0, manager);
            assertEquals(expected, network.learnableParameterCount());
            assertEquals(expected, network.trainableParameterCount());
        }
    }

    /** The sizes the API states (which the operator sizes a pod's grace period by) are those of the network built. */
    @ParameterizedTest
    @CsvSource({"ResNet18, 2", "ResNet34, 7", "ResNet50, 1000", "ResNet18RandomEncoder, 3"})
    void hasTheSizesTheApiStates(Architecture architecture, int numClasses) {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Network network = Network.create(architecture, numClasses, 0, manager);
            assertEquals(architecture.parameters(numClasses), network.learnableParameterCount());
            assertEquals(architecture.trainableParameters(numClasses), network.trainableParameterCount());
        }
    }

    /** Names, order and shapes of torchvision's state_dict (less num_batches_tracked), written by PyTorch itself. */
    @ParameterizedTest
    @CsvSource({"ResNet18, resnet18", "ResNet50, resnet50"})
    void namesEveryParameterAsTorchvisionsStateDict(Architecture architecture, String torchvisionName)
            throws IOException {
        List<String> expected;
        try (InputStream in = getClass().getResourceAsStream("/pytorch/" + torchvisionName + "-state-dict.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.contains("num_batches_tracked"))
                    .toList();
        }
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Map<String, Parameter> parameters = Network.create(architecture, 10, 0, manager).parameters();
            List<String> actual = parameters.entrySet().stream()
                    .map(e -> e.getKey() + " " + Arrays.toString(e.getValue().getArray().getShape().getShape()))
                    .toList();
            assertEquals(expected, actual);
        }
    }

    @ParameterizedTest
    @CsvSource({"ResNet18, 32", "ResNet50, 64", "ResNet34, 224"})
    void mapsABatchOfImagesToOneLogitPerClass(Architecture architecture, int side) {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Network network = Network.create(architecture, 7, 0, manager);
            NDArray images = manager.randomNormal(new Shape(2, 3, side, side));
            NDArray logits = network.block().forward(new ParameterStore(manager, false), new NDList(images), false)
                    .singletonOrThrow();
            assertEquals(new Shape(2, 7), logits.getShape());
        }
    }

    @Test
    void randomEncoderTrainsOnlyTheHead() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Network network = Network.create(Architecture.ResNet18RandomEncoder, 5, 0, manager);
            assertEquals(512 * 5 + 5, network.trainableParameterCount());
            List<String> trainable = network.parameters().entrySet().stream()
                    .filter(e -> e.getValue().requiresGradient()).map(Map.Entry::getKey).toList();
            assertEquals(List.of("fc.weight", "fc.bias"), trainable);
        }
    }

    @Test
    void initialisesAsTorchvision() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Map<String, Parameter> p = Network.create(Architecture.ResNet18, 10, 3, manager).parameters();
            // Kaiming normal, fan-out, ReLU gain: std = sqrt(2 / (out_channels * k * k)).
            NDArray conv = p.get("layer3.0.conv1.weight").getArray();
            assertEquals(Math.sqrt(2.0 / (256 * 3 * 3)), std(conv), 0.02 * Math.sqrt(2.0 / (256 * 3 * 3)));
            assertEquals(0.0, conv.mean().getFloat(), 1e-3);
            assertTrue(Arrays.stream(bounds(p.get("fc.weight").getArray()))
                    .allMatch(v -> Math.abs(v) <= 1 / Math.sqrt(512)));
            assertTrue(Arrays.stream(bounds(p.get("fc.bias").getArray()))
                    .allMatch(v -> Math.abs(v) <= 1 / Math.sqrt(512)));
            assertTrue(std(p.get("fc.weight").getArray()) > 0.8 / Math.sqrt(3 * 512));
            assertEquals(1f, allEqual(p.get("layer1.0.bn2.weight").getArray()));
            assertEquals(0f, allEqual(p.get("layer1.0.bn2.bias").getArray()));
            assertEquals(1f, allEqual(p.get("bn1.running_var").getArray()));
        }
    }

    @Test
    void theSameSeedBuildsTheSameNetworkAndAnotherSeedAnotherOne() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            float[] a = Network.create(Architecture.ResNet18, 3, 7, manager).parameters().get("conv1.weight")
                    .getArray().toFloatArray();
            float[] b = Network.create(Architecture.ResNet18, 3, 7, manager).parameters().get("conv1.weight")
                    .getArray().toFloatArray();
            float[] c = Network.create(Architecture.ResNet18, 3, 8, manager).parameters().get("conv1.weight")
                    .getArray().toFloatArray();
            assertTrue(Arrays.equals(a, b));
            assertTrue(!Arrays.equals(a, c));
        }
    }

    private static double std(NDArray array) {
        float[] values = array.toFloatArray();
        double mean = 0;
        for (float v : values) {
            mean += v;
        }
        mean /= values.length;
        double sum = 0;
        for (float v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / values.length);
    }

    private static double[] bounds(NDArray array) {
        float[] values = array.toFloatArray();
        return IntStream.range(0, values.length).mapToDouble(i -> values[i]).toArray();
    }

    /** The one value all elements share. */
    private static float allEqual(NDArray array) {
        float[] values = array.toFloatArray();
        for (float v : values) {
            assertEquals(values[0], v);
        }
        return values[0];
    }
}
