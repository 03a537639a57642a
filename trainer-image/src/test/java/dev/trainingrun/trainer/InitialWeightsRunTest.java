package dev.trainingrun.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.checkpoint.ModelState;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.config.Manifests;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.files.AtomicFile;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import dev.trainingrun.trainer.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs started from initial weights ({@code spec.model.weights}): with a frozen backbone only the head trains; the
 * file and its digest are in config.json; and a run started again continues from its own checkpoint, never from the
 * initial weights, and refuses other weights than those its checkpoints were trained from. The weights are the
 * trainer's own export format, and once torchvision's own state_dict written by PyTorch (that test needs Debian's
 * python3-torch and python3-torchvision: skipped without, except under CI=true, where it fails).
 */
class InitialWeightsRunTest {
    private static final String WEIGHTS = "pretrained/resnet18.safetensors";
    private static final String OTHER_WEIGHTS = "pretrained/other.safetensors";

    @TempDir
    static Path data;

    @BeforeAll
    static void generateDataAndWeights() throws IOException {
        ShapesDataSet.write(data, new ShapesDataSet.Spec(3, 16, 4, 32, 0));
        // A 1,000-class network of another seed: every tensor differs from the run's own initialisation.
        writeWeights(data.resolve(WEIGHTS), 99);
        writeWeights(data.resolve(OTHER_WEIGHTS), 98);
    }

    @Test
    void aFrozenBackboneKeepsEveryTensorOfTheFileButTheHeadAndTheRunningStatistics() throws Exception {
        assertFrozenRunKeepsTheBackbone(WEIGHTS, data.resolve("frozen"));
    }

    /** The same with the state_dict of a torchvision ResNet-18 for 1,000 classes, as PyTorch itself writes it. */
    @Test
    void torchvisionsOwnWeightsStartARun() throws Exception {
        PythonReference.require("torch, torchvision", "This test starts a run from torchvision's weights",
                "Debian's python3-torch and python3-torchvision");
        String torchvision = "pretrained/torchvision-resnet18.safetensors";
        PythonReference.run(Duration.ofMinutes(2), "torchvision_weights.py", "write", "resnet18", "1000", "1",
                data.resolve(torchvision).toString());
        assertFrozenRunKeepsTheBackbone(torchvision, data.resolve("frozen-torchvision"));
    }

    private static void assertFrozenRunKeepsTheBackbone(String weightsFile, Path out) throws Exception {
        RunPlan plan = train(config(weightsFile, true, out));

        assertEquals(512 * 3 + 3, plan.trainableParameters(), "only fc trains");
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                SafetensorsFile weights = SafetensorsFile.open(data.resolve(weightsFile));
                SafetensorsFile trained = SafetensorsFile.open(RunDirectory.open(out).finalModel())) {
            Network fresh = Network.create(Architecture.ResNet18, 3, 0, manager);
            for (String name : trained.tensors().keySet()) {
                if (name.startsWith("fc.")) {
                    assertNotEquals(bytes(fresh, name), trained.read(name), name + " trained");
                } else if (name.contains(".running_")) {
                    // Batch norm in training mode follows the data, frozen or not (as PyTorch's does).
                    assertNotEquals(weights.read(name), trained.read(name), name + " follows the data");
                } else if (!name.endsWith(".num_batches_tracked")) {
                    assertEquals(weights.read(name), trained.read(name), name + " is the file's, bit for bit");
                }
            }
        }

        JsonNode resolved = new ObjectMapper().readTree(RunDirectory.open(out).configJson().toFile()).get("resolved");
        assertEquals(data.resolve(weightsFile).toString(), resolved.at("/weights/path").asText());
        assertEquals(sha256(data.resolve(weightsFile)), resolved.at("/weights/sha256").asText());
        assertFalse(resolved.at("/weights/headFromFile").asBoolean(true));
        assertTrue(resolved.get("freezeBackbone").asBoolean());
    }

    @Test
    void aRunStartedAgainContinuesFromItsCheckpointNotFromTheInitialWeights() throws Exception {
        Path out = data.resolve("whole");
        TrainingConfig config = config(WEIGHTS, false, out);
        train(config);
        Path finalModel = RunDirectory.open(out).finalModel();
        ByteBuffer trained = read(finalModel, "layer4.1.conv2.weight");
        assertNotEquals(read(data.resolve(WEIGHTS), "layer4.1.conv2.weight"), trained, "the backbone trained");

        // The run has finished: started again it restores its last checkpoint and writes its exports from it.
        Files.delete(finalModel);
        train(config);
        assertEquals(trained, read(finalModel, "layer4.1.conv2.weight"));

        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> train(config(OTHER_WEIGHTS, false, out)));
        assertTrue(refused.getMessage().contains("spec.model.weights is sha256 " + sha256(data.resolve(WEIGHTS))
                + " in the checkpoint but sha256 " + sha256(data.resolve(OTHER_WEIGHTS)) + " here"),
                refused.getMessage());
    }

    private static TrainingConfig config(String weights, boolean freezeBackbone, Path out) {
        return TrainingConfig.from(Manifests.withSpec("""
                model: {architecture: ResNet18, numClasses: 3, weights: %s, freezeBackbone: %s}
                data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 2}
                training: {epochs: 1, batchSize: 8, warmupEpochs: 0, learningRate: 0.01}
                checkpoints: {saveAfterEpoch: 0}
                resources: {gpus: 0}
                """.formatted(weights, freezeBackbone)), data, out);
    }

    private static RunPlan train(TrainingConfig config) {
        RunPlan[] plan = new RunPlan[1];
        RunTrainer.run(config, List.of(new RunListener() {
            @Override
            public void onStart(RunPlan started) {
                plan[0] = started;
            }
        }));
        return plan[0];
    }

    private static void writeWeights(Path file, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Network network = Network.create(Architecture.ResNet18, 1000, seed, manager);
            AtomicFile.write(file, channel -> SafetensorsWriter.write(channel, Map.of(),
                    ModelState.tensors(network, 17)));
        }
    }

    private static ByteBuffer bytes(Network network, String name) throws IOException {
        return ModelState.tensors(network, 0).stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow()
                .data().bytes();
    }

    private static ByteBuffer read(Path file, String name) throws IOException {
        try (SafetensorsFile opened = SafetensorsFile.open(file)) {
            return opened.read(name);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
