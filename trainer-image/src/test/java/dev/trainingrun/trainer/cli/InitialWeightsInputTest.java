package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.checkpoint.ModelState;
import dev.trainingrun.trainer.files.AtomicFile;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.safetensors.SafetensorsWriter;
import dev.trainingrun.trainer.safetensors.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Initial weights ({@code spec.model.weights}) that cannot start the run are refused before its first step, with
 * exit code 2, a message naming the field, the file and the first tensor that does not fit (with the shapes expected
 * and found), and no output folder left behind. The files are written as the trainer's own exports are, which
 * torchvision loads as its state_dict (TorchvisionExportTest).
 */
class InitialWeightsInputTest {
    private static final String MANIFEST = """
            apiVersion: trainingrun.dev/v1alpha1
            kind: TrainingRun
            metadata: {name: t}
            spec:
              model: {architecture: ResNet18, numClasses: 3, weights: pretrained/w.safetensors}
              data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32}
              training: {epochs: 1, batchSize: 4}
              resources: {gpus: 0}
            """;

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private Path weights;

    @BeforeAll
    static void generateData() {
        ShapesDataSet.write(data, new ShapesDataSet.Spec(3, 4, 2, 32, 0));
    }

    @BeforeEach
    void noWeightsYet() throws IOException {
        weights = data.resolve("pretrained/w.safetensors");
        Files.createDirectories(weights.getParent());
        Files.deleteIfExists(weights);
    }

    @Test
    void weightsOfAnotherArchitectureNameTheFirstTensorTheNetworkLacks() throws IOException {
        write(Architecture.ResNet34, 1000, UnaryOperator.identity());
        // ResNet-34 holds every tensor of ResNet-18 with the same shape, and more blocks.
        assertRefused("does not fit ResNet18 with 3 classes: tensor layer1.2.conv1.weight (F32 [64, 64, 3, 3]) is "
                + "not in ResNet18's state_dict (96 tensors do not fit: the file has 218, ResNet18's state_dict 122)");
        write(Architecture.ResNet50, 1000, UnaryOperator.identity());
        assertRefused("tensor layer1.0.conv1.weight is F32 [64, 64, 1, 1], expected F32 [64, 64, 3, 3]");
    }

    @Test
    void aRenamedTensorIsMissingUnderItsNameAndExtraUnderTheOther() throws IOException {
        write(Architecture.ResNet18, 1000, tensors -> rename(tensors, "layer2.1.bn1.running_var", "layer2.1.bn1.var"));
        assertRefused("tensor layer2.1.bn1.running_var is missing, expected F32 [128] (2 tensors do not fit: the file "
                + "has 122,");
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        write(Architecture.ResNet18, 3, tensors -> {
            tensors.removeIf(t -> t.name().equals("fc.bias"));
            return tensors;
        });
        assertRefused("tensor fc.bias is missing, expected F32 [3]");
    }

    @Test
    void aBackboneTensorOfAnotherShapeIsNamedWithBothShapes() throws IOException {
        write(Architecture.ResNet18, 1000, tensors -> {
            tensors.replaceAll(t -> t.name().equals("layer3.0.downsample.0.weight")
                    ? Tensor.floats(t.name(), new long[] {256, 128, 3, 3}, new float[256 * 128 * 9]) : t);
            return tensors;
        });
        assertRefused("tensor layer3.0.downsample.0.weight is F32 [256, 128, 3, 3], expected F32 [256, 128, 1, 1]");
    }

    @Test
    void aFileThatIsNoSafetensorsFileIsNamedWithWhatToDo() throws IOException {
        // What torch.save writes: a zip archive.
        Files.write(weights, new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertRefused("is not a state_dict saved as safetensors: truncated or not a safetensors file");
        assertRefused("safetensors.torch.save_file(model.float().state_dict(), FILE)");
    }

    @Test
    void aFileWithoutTensorsSaysItHasNone() throws IOException {
        write(Architecture.ResNet18, 3, tensors -> new ArrayList<>());
        assertRefused("tensor conv1.weight is missing, expected F32 [64, 3, 7, 7] (122 tensors do not fit: the file "
                + "has none, ResNet18's state_dict 122)");
    }

    @Test
    void aShapeWhoseSizeOverflowsIsAFormatError() throws IOException {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],\"data_offsets\":[0,0]}}"
                .getBytes(StandardCharsets.UTF_8);
        Files.write(weights, ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).array());
        assertRefused("is not a state_dict saved as safetensors: corrupt: tensor w has shape "
                + "[1099511627776,1099511627776], more bytes than a file can hold");
    }

    @Test
    void aMissingFileIsNamed() {
        assertRefused("error: spec.model.weights: file " + weights + " does not exist");
    }

    @Test
    void aFolderIsNotAFile() throws IOException {
        Files.createDirectories(weights);
        try {
            assertRefused("error: spec.model.weights: " + weights + " is not a file, expected a safetensors file");
        } finally {
            Files.delete(weights);
        }
    }

    private void assertRefused(String expected) {
        Path output = dir.resolve("out");
        Cli.Result result;
        try {
            Path manifest = Files.writeString(dir.resolve("run.yaml"), MANIFEST);
            result = Cli.run("train", manifest.toString(), "--data", data.toString(), "--output", output.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains("error: spec.model.weights: "), result.err());
        assertTrue(result.err().contains(weights.toString()), result.err());
        assertTrue(result.err().contains(expected), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
        assertFalse(Files.exists(output), "refused weights leave no output folder behind");
    }

    private void write(Architecture architecture, int numClasses, UnaryOperator<List<Tensor>> change)
            throws IOException {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Network network = Network.create(architecture, numClasses, 9, manager);
            List<Tensor> tensors = change.apply(new ArrayList<>(ModelState.tensors(network, 17)));
            AtomicFile.write(weights, channel -> SafetensorsWriter.write(channel, Map.of(), tensors));
        }
    }

    private static List<Tensor> rename(List<Tensor> tensors, String from, String to) {
        tensors.replaceAll(t -> t.name().equals(from) ? new Tensor(to, t.dtype(), t.shape(), t.data()) : t);
        return tensors;
    }
}
