package dev.trainingrun.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import dev.trainingrun.trainer.loop.EpochMetrics;
import dev.trainingrun.trainer.loop.EpochReport;
import dev.trainingrun.trainer.loop.ProgressUpdate;
import dev.trainingrun.trainer.loop.RunPlan;
import dev.trainingrun.trainer.loop.TrainingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real run on generated shapes: it learns them, reports through listeners, and leaks no engine arrays. */
class TrainerTest {
    @TempDir
    static Path data;

    @BeforeAll
    static void generateData() {
        ShapesDataSet.write(data, new ShapesDataSet.Spec(3, 200, 40, 32, 0));
    }

    @Test
    void learnsTheShapesToAtLeastNinetyPercentValidationAccuracy() {
        TrainingConfig config = TrainingConfig.from(ManifestValidationTest.manifest("""
                model: {architecture: ResNet18, numClasses: 3}
                data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 2}
                training: {epochs: 6, batchSize: 16, validationBatchSize: 40, learningRate: 0.001, warmupEpochs: 1}
                resources: {gpus: 0}
                """), data, data.resolve("out"));
        Recorder recorder = new Recorder();

        TrainingResult result = Trainer.run(config, List.of(recorder));

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
    }

    /** Keeps everything the loop reports. */
    private static final class Recorder implements TrainingListener {
        RunPlan plan;
        final List<ProgressUpdate> progress = new ArrayList<>();
        final List<EpochReport> epochs = new ArrayList<>();
        final List<Integer> liveArrays = new ArrayList<>();

        @Override
        public Duration progressInterval() {
            return Duration.ZERO;
        }

        @Override
        public void onStart(RunPlan plan) {
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
