package dev.trainingrun.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.PythonReference;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.files.AtomicFile;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.safetensors.SafetensorsWriter;
import dev.trainingrun.trainer.safetensors.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exported weights, loaded for real: PyTorch's torchvision takes the file with {@code load_state_dict} (strict:
 * every name and shape, {@code num_batches_tracked} included) and, on the same input, gives the trainer's outputs.
 * Needs a python3 with torch and torchvision (Debian's python3-torch and python3-torchvision; hack/test installs
 * them): skipped without, except under CI=true, where it fails.
 */
class TorchvisionExportTest {
    private static final long TRAINED_BATCHES = 1234;

    @TempDir
    Path dir;

    /** Per test, so that a skip is reported with its reason. */
    @BeforeEach
    void needsPyTorch() {
        PythonReference.require("torch, torchvision", "This test loads the trainer's export in PyTorch",
                "Debian's python3-torch and python3-torchvision");
    }

    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"ResNet18", "ResNet50"})
    void torchvisionLoadsTheExportAndComputesTheSameOutputs(Architecture architecture) throws Exception {
        int numClasses = 5;
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Network network = Network.create(architecture, numClasses, 3, manager);
            giveBatchNormStatistics(network);
            RunDirectory run = RunDirectory.open(dir);
            new ModelExports(run, network, List.of("a", "b", "c", "d", "e"))
                    .writeFinal(new EpochMetrics(4, 0.3, 0.4, 90, 100, 1e-4, 10, 50, 0, 0, 0), TRAINED_BATCHES);

            float[] input = ReferenceForward.input();
            float[] logits = ReferenceForward.logits(network, manager, input);
            Path io = dir.resolve("io.safetensors");
            AtomicFile.write(io, channel -> SafetensorsWriter.write(channel, Map.of(), List.of(
                    Tensor.floats("input", ReferenceForward.INPUT_SHAPE, input),
                    Tensor.floats("logits", new long[] {2, numClasses}, logits))));

            JsonNode result = runPython(run.finalModel(), io, architecture, numClasses);
            System.out.println("torchvision export of " + architecture + ": " + result);

            assertTrue(result.get("maxAbsDiff").asDouble() <= 1e-4, result::toString);
            assertTrue(result.get("maxAbsLogit").asDouble() > 0.1, () -> "outputs too small to compare: " + result);
            assertEquals(result.get("stateDictTensors").asInt(), result.get("tensors").asInt(), result::toString);
            assertEquals(TRAINED_BATCHES, result.get("numBatchesTracked").asLong(), result::toString);
            assertEquals("4", result.get("epoch").asText());
        }
    }

    /** Running statistics far from the initial 0 and 1, so that evaluation mode depends on them. */
    private static void giveBatchNormStatistics(Network network) {
        SplittableRandom random = new SplittableRandom(5);
        network.parameters().forEach((name, parameter) -> {
            NDArray array = parameter.getArray();
            float[] values = new float[Math.toIntExact(array.size())];
            if (name.endsWith(".running_mean")) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextDouble(-0.5, 0.5);
                }
                array.set(values);
            } else if (name.endsWith(".running_var")) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextDouble(0.5, 2);
                }
                array.set(values);
            }
        });
    }

    private static JsonNode runPython(Path model, Path io, Architecture architecture, int numClasses)
            throws Exception {
        String output = PythonReference.run(Duration.ofMinutes(2), "load_export.py", model.toString(), io.toString(),
                architecture.name(), Integer.toString(numClasses));
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        return new ObjectMapper().readTree(last);
    }
}
