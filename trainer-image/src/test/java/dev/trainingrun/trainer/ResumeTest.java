package dev.trainingrun.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.config.Manifests;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.engine.StopRequest;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.Interruption;
import dev.trainingrun.trainer.events.ProgressUpdate;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.events.SavedStep;
import dev.trainingrun.trainer.files.JsonLines;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import dev.trainingrun.trainer.model.MemoryFormat;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
        RunResult uninterrupted = oneGo();

        Path resumed = dir.resolve("resumed");
        assertThrows(Killed.class, () -> RunTrainer.run(config("ResNet18", "resumed"), List.of(new Killer(3, 3))));
        assertEquals(2, Files.readAllLines(resumed.resolve("metrics.jsonl")).size(),
                "epochs 1 and 2 finished before the kill");
        Recorder recorder = new Recorder();
        RunResult continued = RunTrainer.run(config("ResNet18", "resumed"), List.of(recorder));

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

        List<JsonNode> lines = JsonLines.read(resumed.resolve("metrics.jsonl"), JsonNode.class);
        assertEquals(List.of(1, 2, 3), lines.stream().map(l -> l.get("epoch").asInt()).toList(),
                "metrics.jsonl has each epoch once");
        JsonNode config = new ObjectMapper().readTree(resumed.resolve("config.json").toFile());
        assertEquals(3, config.at("/start/epoch").asInt());
        assertEquals(recorder.plan.start().checkpoint().orElseThrow(), config.at("/start/checkpoint").asText());

        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> RunTrainer.run(config("ResNet34", "resumed"), List.of()));
        assertTrue(refused.getMessage().contains("spec.model.architecture is ResNet18 in the checkpoint but "
                + "ResNet34 here"), refused.getMessage());
    }

    @Test
    void aRunStoppedInTheMiddleOfAnEpochContinuesAtTheNextStepAndEndsIdentical() throws IOException {
        StopRequest stop = new StopRequest();
        RunResult stopped = RunTrainer.run(config("ResNet18", "stopped"), List.of(new StopAt(13, stop)), stop,
                Clock.systemUTC());
        assertTrue(stopped.stopped());
        assertEquals(new SavedStep("checkpoints/step.safetensors", 2, 4, 13, SavedStep.Reason.STOP,
                stopped.stoppedAt().get().seconds()), stopped.stoppedAt().get());
        Recorder recorder = new Recorder();
        RunResult continued = RunTrainer.run(config("ResNet18", "stopped"), List.of(recorder));

        assertEquals(Optional.of("checkpoints/step.safetensors"), recorder.plan.start().checkpoint());
        assertEquals(4, recorder.plan.start().firstEpochProgress().batches());
        assertEquals(List.of(2, 3), recorder.trained);
        assertEquals(14, recorder.firstProgressStep, "the first step trained is the one after the checkpoint");
        RunResult oneGo = oneGo();
        assertEquals(oneGo.metrics().stream().map(ResumeTest::trainingMetrics).toList(),
                continued.metrics().stream().map(ResumeTest::trainingMetrics).toList());
        assertEquals(0.0, largestDifference(dir.resolve("one-go/model-final.safetensors"),
                dir.resolve("stopped/model-final.safetensors")), "the final weights are the same to the last bit");

        JsonNode second = JsonLines.read(dir.resolve("stopped/metrics.jsonl"), JsonNode.class).get(1);
        assertEquals(1, second.get("interruptions").asInt());
        assertEquals(0, second.get("stepsRedone").asInt());
        assertEquals(Interruption.STOPPED, recorder.plan.start().interruptions().get(0).cause());
    }

    /**
     * At 128 px a run trains channels-last. Its checkpoint's weights and moments come back in the default memory order
     * and are laid out again before the next step, which must then be the step of a run that never stopped, to the
     * last bit.
     */
    @Test
    void aChannelsLastRunStoppedInTheMiddleOfAnEpochEndsIdentical() throws IOException {
        StopRequest stop = new StopRequest();
        RunTrainer.run(config("ResNet18", 128, "stopped-channels-last"), List.of(new StopAt(13, stop)), stop,
                Clock.systemUTC());
        Recorder recorder = new Recorder();
        RunResult continued = RunTrainer.run(config("ResNet18", 128, "stopped-channels-last"), List.of(recorder));
        assertEquals(MemoryFormat.CHANNELS_LAST, recorder.plan.memoryFormat());
        assertEquals("channels-last", new ObjectMapper().readTree(dir.resolve("stopped-channels-last/config.json")
                .toFile()).at("/resolved/memoryFormat").asText());
        assertEquals(14, recorder.firstProgressStep);

        RunResult oneGo = RunTrainer.run(config("ResNet18", 128, "one-go-channels-last"), List.of());
        assertEquals(oneGo.metrics().stream().map(ResumeTest::trainingMetrics).toList(),
                continued.metrics().stream().map(ResumeTest::trainingMetrics).toList());
        assertEquals(0.0, largestDifference(dir.resolve("one-go-channels-last/model-final.safetensors"),
                dir.resolve("stopped-channels-last/model-final.safetensors")));
    }

    @Test
    void aRunKilledInTheMiddleOfAnEpochRedoesOnlyTheStepsSinceItsLastIntervalCheckpoint() throws IOException {
        // A clock a minute further on at every reading: with a 10m interval a step checkpoint every ten readings at
        // most, and the loop reads it once per step at least.
        Clock ticking = new TickingClock(Duration.ofMinutes(1));
        List<SavedStep> saves = new ArrayList<>();
        RunListener savesRecorder = new RunListener() {
            @Override
            public void onStepCheckpoint(SavedStep saved) {
                saves.add(saved);
            }
        };
        assertThrows(Killed.class, () -> RunTrainer.run(configWithInterval("killed", "10m"),
                List.of(savesRecorder, new Killer(2, 7)), new StopRequest(), ticking));
        long killedAt = 9 + 7;
        long savedAt = saves.get(saves.size() - 1).step();
        assertTrue(savedAt < killedAt && killedAt - savedAt <= 10, () -> saves + ", killed at " + killedAt);
        assertEquals(SavedStep.Reason.INTERVAL, saves.get(0).reason());

        Recorder recorder = new Recorder();
        RunResult continued = RunTrainer.run(configWithInterval("killed", "10m"), List.of(recorder));

        Interruption killed = recorder.plan.start().interruptions().get(0);
        assertEquals(List.of(Interruption.KILLED, killedAt, savedAt, killedAt - savedAt),
                List.of(killed.cause(), killed.stepReached(), killed.resumedAt(), killed.stepsRedone()));
        assertEquals(savedAt + 1, recorder.firstProgressStep);
        JsonNode killedEpoch = JsonLines.read(dir.resolve("killed/metrics.jsonl"), JsonNode.class).get(1);
        assertEquals(killedAt - savedAt, killedEpoch.get("stepsRedone").asLong());
        assertEquals(oneGo().metrics().stream().map(ResumeTest::trainingMetrics).toList(),
                continued.metrics().stream().map(ResumeTest::trainingMetrics).toList());
        assertEquals(0.0, largestDifference(dir.resolve("one-go/model-final.safetensors"),
                dir.resolve("killed/model-final.safetensors")));
    }

    private static RunResult oneGoResult;

    /** The run trained without interruption, once for every test. */
    private static synchronized RunResult oneGo() {
        if (oneGoResult == null) {
            oneGoResult = RunTrainer.run(config("ResNet18", "one-go"), List.of());
        }
        return oneGoResult;
    }

    /** What training computed for an epoch: everything but its timings and interruption counts. */
    /** An epoch's metrics that do not depend on timing. */
    static List<Object> trainingMetrics(EpochMetrics m) {
        return List.of(m.epoch(), m.trainLoss(), m.valLoss(), m.valCorrect(), m.valTotal(), m.learningRate());
    }

    private static TrainingConfig configWithInterval(String output, String interval) {
        return TrainingConfig.from(Manifests.withSpec("""
                model: {architecture: ResNet18, numClasses: 3}
                data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 2}
                training: {epochs: 3, batchSize: 16, validationBatchSize: 30, learningRate: 0.002, warmupEpochs: 1}
                checkpoints: {saveAfterEpoch: 1, keep: 1, interval: %s}
                resources: {gpus: 0}
                """.formatted(interval)), dir.resolve("data"), dir.resolve(output));
    }

    private static TrainingConfig config(String architecture, String output) {
        return config(architecture, 32, output);
    }

    private static TrainingConfig config(String architecture, int imageSize, String output) {
        return TrainingConfig.from(Manifests.withSpec("""
                model: {architecture: %s, numClasses: 3}
                data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: %d, loaderThreads: 2}
                training: {epochs: 3, batchSize: 16, validationBatchSize: 30, learningRate: 0.002, warmupEpochs: 1}
                checkpoints: {saveAfterEpoch: 1, keep: 1}
                resources: {gpus: 0}
                """.formatted(architecture, imageSize)), dir.resolve("data"), dir.resolve(output));
    }

    /** The largest difference of two safetensors files' float tensors; their counters must be equal. */
    static double largestDifference(Path a, Path b) throws IOException {
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


    /** What a killed pod does, as an exception out of the loop: stops after a given step of a given epoch. */
    private static final class Killer implements RunListener {
        private final int epoch;
        private final int step;

        Killer(int epoch, int step) {
            this.epoch = epoch;
            this.step = step;
        }

        @Override
        public Duration progressInterval() {
            return Duration.ZERO;
        }

        @Override
        public void onProgress(ProgressUpdate progress) {
            if (progress.epoch() == epoch && progress.samplesSeen() >= step * 16L) {
                throw new Killed();
            }
        }
    }

    /** What SIGTERM does: asks for a stop after a given step of the run. */
    record StopAt(long step, StopRequest stop) implements RunListener {
        @Override
        public Duration progressInterval() {
            return Duration.ZERO;
        }

        @Override
        public void onProgress(ProgressUpdate progress) {
            if (progress.step() == step) {
                stop.request("the test");
            }
        }
    }

    /** A clock that moves on by {@code tick} at every reading. */
    private static final class TickingClock extends Clock {
        private final Duration tick;
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        TickingClock(Duration tick) {
            this.tick = tick;
        }

        @Override
        public synchronized Instant instant() {
            now = now.plus(tick);
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class Killed extends RuntimeException {}

    /** The plan and which epochs the resumed attempt trained. */
    private static final class Recorder implements RunListener {
        RunPlan plan;
        final List<Integer> trained = new ArrayList<>();
        Integer firstProgressEpoch;
        Long firstProgressStep;

        @Override
        public Duration progressInterval() {
            return Duration.ZERO;
        }

        @Override
        public void onStart(RunPlan plan) {
            this.plan = plan;
        }

        @Override
        public void onProgress(ProgressUpdate progress) {
            firstProgressEpoch = Optional.ofNullable(firstProgressEpoch).orElse(progress.epoch());
            firstProgressStep = Optional.ofNullable(firstProgressStep).orElse(progress.step());
        }

        @Override
        public void onEpoch(EpochReport report) {
            trained.add(report.epoch());
        }
    }
}
