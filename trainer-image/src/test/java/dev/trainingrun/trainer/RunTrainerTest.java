package dev.trainingrun.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.trainer.config.Manifests;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.ProgressUpdate;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run on generated shapes: it learns them, reports through listeners, leaks no engine arrays, and leaves the
 * run's files: config.json, metrics.jsonl, curves.png, the kept checkpoints with their pointers, and the exports.
 */
class RunTrainerTest {
    @TempDir
    static Path data;

    @BeforeAll
    static void generateData() {
        ShapesDataSet.write(data, new ShapesDataSet.Spec(3, 200, 40, 32, 0));
    }

    @Test
    void learnsTheShapesToAtLeastNinetyPercentValidationAccuracyAndLeavesTheRunFiles() throws IOException {
        TrainingConfig config = TrainingConfig.from(Manifests.withSpec("""
                model: {architecture: ResNet18, numClasses: 3}
                data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 2}
                training: {epochs: 6, batchSize: 16, validationBatchSize: 40, learningRate: 0.001, warmupEpochs: 1}
                resources: {gpus: 0}
                """), data, data.resolve("out"));
        Recorder recorder = new Recorder();

        RunResult result = RunTrainer.run(config, List.of(recorder));

        assertTrue(result.best().valAccuracy() >= 0.9, () -> "validation accuracy per epoch: "
                + result.metrics().stream().map(EpochMetrics::valAccuracy).toList());
        assertEquals(6, result.epochs().size());
        assertEquals(120, result.last().metrics().valTotal());
        assertTrue(result.last().metrics().trainLoss() < result.metrics().get(0).trainLoss());
        assertTrue(result.skipped().isEmpty());

        RunPlan plan = recorder.plan;
        assertEquals(List.of("circle", "square", "triangle"), plan.classes());
        assertEquals(600 / 16, plan.stepsPerEpoch());
        assertEquals(6 * (600 / 16), plan.totalSteps());
        assertEquals(result.epochs(), recorder.epochs);
        assertFalse(recorder.progress.isEmpty());
        ProgressUpdate first = recorder.progress.get(0);
        assertTrue(first.step() >= 1 && first.learningRate() >= 0 && first.samplesSeen() % 16 == 0, first::toString);
        // The learning rate of the last step is the cosine's last value, near zero.
        assertTrue(result.last().metrics().learningRate() < 1e-5,
                () -> "last lr " + result.last().metrics().learningRate());

        // Every per-step array is released: as many live engine arrays after the last epoch as after the first.
        assertEquals(recorder.liveArrays.get(0), recorder.liveArrays.get(recorder.liveArrays.size() - 1),
                () -> "live arrays per epoch: " + recorder.liveArrays);

        assertRunFiles(RunDirectory.open(data.resolve("out")), result);
    }

    @Test
    void libtorchRunsOnTheIntraOpThreadsTheConfigResolved() throws IOException {
        Engine.getEngine("PyTorch");
        int before = JniUtils.getNumThreads();
        TrainingConfig config = TrainingConfig.from(Manifests.withSpec("""
                model: {architecture: ResNet18, numClasses: 3}
                data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 2}
                training: {epochs: 1, batchSize: 40, validationBatchSize: 40, warmupEpochs: 0, intraOpThreads: 1}
                resources: {gpus: 0}
                """), data, data.resolve("one-thread"), 4);
        Recorder recorder = new Recorder();
        try {
            RunTrainer.run(config, List.of(recorder));
        } finally {
            JniUtils.setNumThreads(before);
        }
        assertEquals(1, recorder.intraOpThreadsAtStart, "libtorch's pool, as the loop starts");
        assertEquals(new RunPlan.Threads(4, 1, 2), recorder.plan.threads());
        JsonNode resolved = new ObjectMapper().readTree(RunDirectory.open(data.resolve("one-thread")).configJson()
                .toFile()).get("resolved");
        assertEquals(List.of(4, 1, 2), List.of(resolved.get("cpus").asInt(), resolved.get("intraOpThreads").asInt(),
                resolved.get("loaderThreads").asInt()));
    }

    /** The files of a run with the default checkpoint settings: saved after epochs 2-6, the newest 3 + the best kept. */
    private static void assertRunFiles(RunDirectory run, RunResult result) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(run.configJson().toFile());
        assertEquals("ResNet18", config.at("/resolved/architecture").asText());
        assertEquals("2.5.1", config.at("/versions/pytorch").asText());
        assertFalse(config.at("/versions/djl").asText().isEmpty());
        assertFalse(config.at("/versions/trainer").asText().isEmpty());

        List<String> lines = Files.readAllLines(run.metricsJsonl());
        assertEquals(6, lines.size());
        for (int e = 0; e < 6; e++) {
            JsonNode line = json.readTree(lines.get(e));
            assertEquals(e + 1, line.get("epoch").asInt());
            assertEquals(result.metrics().get(e).valLoss(), line.get("valLoss").asDouble(), 0);
            assertEquals(result.epochs().get(e).checkpoint().orElse(null),
                    line.has("checkpoint") ? line.get("checkpoint").asText() : null);
        }

        BufferedImage curves = ImageIO.read(run.curvesPng().toFile());
        assertEquals(900, curves.getWidth());
        assertEquals(640, curves.getHeight());

        Set<String> kept = new TreeSet<>();
        result.epochs().subList(3, 6).forEach(r -> kept.add(r.checkpoint().orElseThrow()));
        result.best().checkpoint().ifPresent(kept::add);
        try (Stream<Path> files = Files.list(run.checkpoints())) {
            assertEquals(kept, files.map(f -> "checkpoints/" + f.getFileName()).filter(f -> f.endsWith(".safetensors"))
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        assertEquals(result.last().checkpoint().orElseThrow() + "\n", Files.readString(run.latestPointer()));
        assertTrue(Files.size(run.bestModel()) > 40_000_000 && Files.size(run.finalModel()) > 40_000_000);
    }

    /** Keeps everything the loop reports. */
    private static final class Recorder implements RunListener {
        RunPlan plan;
        int intraOpThreadsAtStart;
        final List<ProgressUpdate> progress = new ArrayList<>();
        final List<EpochReport> epochs = new ArrayList<>();
        final List<Integer> liveArrays = new ArrayList<>();

        @Override
        public Duration progressInterval() {
            return Duration.ZERO;
        }

        @Override
        public void onStart(RunPlan plan) {
            intraOpThreadsAtStart = JniUtils.getNumThreads();
            this.plan = plan;
        }

        @Override
        public void onProgress(ProgressUpdate update) {
            progress.add(update);
        }

        @Override
        public void onEpoch(EpochReport report) {
            epochs.add(report);
            try (NDManager probe = Engine.getEngine("PyTorch").newBaseManager()) {
                // The engine's root manager holds every manager, so every array still alive.
                liveArrays.add(probe.getParentManager().getManagedArrays().size());
            }
        }
    }
}
