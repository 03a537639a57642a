package dev.trainingrun.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import dev.trainingrun.trainer.loop.EpochMetrics;
import dev.trainingrun.trainer.loop.EpochReport;
import dev.trainingrun.trainer.loop.ProgressUpdate;
import dev.trainingrun.trainer.loop.RunPlan;
import dev.trainingrun.trainer.loop.TrainingListener;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume: a run stopped in the middle of an epoch (as a killed pod stops) and started again on its output
 * folder trains no finished epoch twice and ends where a run that never stopped ends, with the same seed and the
 * same thread count: the same per-epoch metrics and final weights within 1e-4. Everything the loop computes depends
 * only on the checkpoint and (seed, epoch, position), and libtorch's CPU kernels give the same results for the same
 * inputs and thread count, so the two agree to the last bit in practice; the test allows the tolerance of the issue.
 */
class ResumeTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;

    @BeforeAll
    static void generateData() {
        ShapesDataSet.write(dir.resolve("data"), new ShapesDataSet.Spec(3, 48, 20, 32, 0));
    }

    @Test
    void aRunStoppedMidEpochAndResumedEndsAsOneThatNeverStopped() throws IOException {
        TrainingResult uninterrupted = Trainer.run(config("ResNet18", "one-go"), List.of());

        Path resumed = dir.resolve("resumed");
        assertThrows(Killed.class, () -> Trainer.run(config("ResNet18", "resumed"), List.of(new Killer())));
        assertEquals(2, Files.readAllLines(resumed.resolve("metrics.jsonl")).size(),
                "epochs 1 and 2 finished before the kill");
        Recorder recorder = new Recorder();
        TrainingResult continued = Trainer.run(config("ResNet18", "resumed"), List.of(recorder));

        // It resumed from epoch 2's checkpoint (epoch 1 has none: saveAfterEpoch is 1) and trained epoch 3 only.
        String checkpoint = "checkpoints/ResNet18-epochs-2-model-val-acc-"
                + String.format(java.util.Locale.ROOT, "%.3f", 100 * uninterrupted.metrics().get(1).valAccuracy());
        assertTrue(recorder.plan.start().checkpoint().orElseThrow().startsWith(checkpoint),
                recorder.plan.start()::toString);
        assertEquals(List.of(1, 2), recorder.plan.start().finished().stream().map(EpochReport::epoch).toList());
        assertEquals(List.of(3), recorder.trained);
        assertEquals(3, recorder.firstProgressEpoch);

        for (int e = 0; e < 3; e++) {
            EpochMetrics a = uninterrupted.metrics().get(e);
            EpochMetrics b = continued.metrics().get(e);
            assertEquals(a.trainLoss(), b.trainLoss(), TOLERANCE, "train loss of epoch " + (e + 1));
            assertEquals(a.valLoss(), b.valLoss(), TOLERANCE, "validation loss of epoch " + (e + 1));
            assertEquals(a.valAccuracy(), b.valAccuracy(), TOLERANCE, "validation accuracy of epoch " + (e + 1));
        }
        double difference = largestDifference(dir.resolve("one-go/model-final.safetensors"),
                resumed.resolve("model-final.safetensors"));
        System.out.printf("resume: largest difference of the final weights %.3g, of epoch 3's validation loss %.3g%n",
                difference, Math.abs(uninterrupted.last().metrics().valLoss() - continued.last().metrics().valLoss()));
        assertTrue(difference <= TOLERANCE, "final weights differ by up to " + difference);

        List<JsonNode> lines = JsonLines.read(resumed.resolve("metrics.jsonl"));
        assertEquals(List.of(1, 2, 3), lines.stream().map(l -> l.get("epoch").asInt()).toList(),
                "metrics.jsonl has each epoch once");
        JsonNode config = new ObjectMapper().readTree(resumed.resolve("config.json").toFile());
        assertEquals(3, config.at("/start/epoch").asInt());
        assertEquals(recorder.plan.start().checkpoint().orElseThrow(), config.at("/start/checkpoint").asText());

        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> Trainer.run(config("ResNet34", "resumed"), List.of()));
        assertTrue(refused.getMessage().contains("spec.model.architecture is ResNet18 in the checkpoint but "
                + "ResNet34 here"), refused.getMessage());
    }

    private static TrainingConfig config(String architecture, String output) {
        return TrainingConfig.from(ManifestValidationTest.manifest("""
                model: {architecture: %s, numClasses: 3}
                data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 2}
                training: {epochs: 3, batchSize: 16, validationBatchSize: 30, learningRate: 0.002, warmupEpochs: 1}
                checkpoints: {saveAfterEpoch: 1, keep: 1}
                resources: {gpus: 0}
                """.formatted(architecture)), dir.resolve("data"), dir.resolve(output));
    }

    private static double largestDifference(Path a, Path b) throws IOException {
        try (SafetensorsFile first = SafetensorsFile.open(a); SafetensorsFile second = SafetensorsFile.open(b)) {
            assertEquals(first.tensors().keySet(), second.tensors().keySet());
            double largest = 0;
            for (String name : first.tensors().keySet()) {
                ByteBuffer x = first.read(name);
                ByteBuffer y = second.read(name);
                if (name.endsWith("num_batches_tracked")) {
                    assertEquals(x.getLong(), y.getLong(), name);
                    continue;
                }
                while (x.hasRemaining()) {
                    largest = Math.max(largest, Math.abs(x.getFloat() - y.getFloat()));
                }
            }
            return largest;
        }
    }


    /** What a killed pod does, as an exception out of the loop: stops a few steps into epoch 3. */
    private static final class Killer implements TrainingListener {
        @Override
        public Duration progressInterval() {
            return Duration.ZERO;
        }

        @Override
        public void onProgress(ProgressUpdate progress) {
            if (progress.epoch() == 3 && progress.samplesSeen() >= 48) {
                throw new Killed();
            }
        }
    }

    private static final class Killed extends RuntimeException {}

    /** The plan and which epochs the resumed attempt trained. */
    private static final class Recorder implements TrainingListener {
        RunPlan plan;
        final List<Integer> trained = new ArrayList<>();
        Integer firstProgressEpoch;

        @Override
        public void onStart(RunPlan plan) {
            this.plan = plan;
        }

        @Override
        public void onProgress(ProgressUpdate progress) {
            firstProgressEpoch = Optional.ofNullable(firstProgressEpoch).orElse(progress.epoch());
        }

        @Override
        public void onEpoch(EpochReport report) {
            trained.add(report.epoch());
        }
    }
}
