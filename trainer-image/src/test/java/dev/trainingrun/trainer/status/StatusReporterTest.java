package dev.trainingrun.trainer.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.api.EpochResult;
import dev.trainingrun.api.Interruptions;
import dev.trainingrun.api.StatusOwner;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.testing.Await;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.Interruption;
import dev.trainingrun.trainer.events.ProgressUpdate;
import dev.trainingrun.trainer.events.RunHistory;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.events.SavedStep;
import dev.trainingrun.trainer.events.StartPoint;
import dev.trainingrun.trainer.model.MemoryFormat;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the reporter makes of the loop's events: complete trainer status states, in the TrainingRun's shape. */
class StatusReporterTest {
    private static final long STEPS = 10;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);

    private final FakeStatusSink writer = new FakeStatusSink();
    private final StatusReporter reporter = new StatusReporter(
            new StatusPublisher(writer, new PrintStream(OutputStream.nullOutputStream()), Duration.ofMillis(10),
                    Duration.ofMillis(10), Duration.ofSeconds(5)),
            Duration.ofSeconds(5), CLOCK);

    @Test
    void aRunReportsItsProgressEveryEpochTheBestAndWhereItsCheckpointsAre() {
        RunPlan plan = plan(2, StartPoint.fresh(List.of(), List.of()));
        RunHistory history = new RunHistory(List.of());
        reporter.onStart(plan);
        reporter.onProgress(new ProgressUpdate(1, 2, 4, 2 * STEPS, 64, 160, 1.1, 1e-3, 50.5, 12));
        reporter.onEpoch(history.add(metrics(1, 0.60), Optional.empty()));
        reporter.onEpoch(history.add(metrics(2, 0.55), Optional.of("ResNet18-epochs-2-model")));
        reporter.onFinish(new RunResult(plan, history.reports(), List.of(), 9, Optional.empty()));
        reporter.close();

        TrainingRunStatus last = lastWritten();
        assertEquals(List.of(1, 2), last.getEpochs().stream().map(EpochResult::getEpoch).toList());
        EpochResult second = last.getEpochs().get(1);
        assertEquals(0.55, second.getValAccuracy());
        assertEquals("ResNet18-epochs-2-model", second.getCheckpoint());
        assertNull(last.getEpochs().get(0).getCheckpoint());
        assertEquals(1, last.getBest().getEpoch());
        assertEquals(0.60, last.getBest().getValAccuracy());
        assertNull(last.getBest().getCheckpoint(), "epoch 1 was not saved");
        assertNull(last.getCheckpoints().getClaimName(), "the operator's to say");
        assertNull(last.getCheckpoints().getDirectory(), "the operator's to say");
        writer.written().forEach(StatusReporterTest::assertOnlyTheTrainersFields);
        assertEquals("ResNet18-epochs-2-model", last.getCheckpoints().getLatest());
        assertEquals(2, last.getProgress().getEpoch());
        assertEquals(2 * STEPS, last.getProgress().getStep());
        assertEquals(0L, last.getProgress().getSecondsRemaining());
        assertEquals(0.55, last.getProgress().getValAccuracy());
        assertEquals("2026-01-02T03:04:05Z", last.getProgress().getUpdatedAt());
    }

    @Test
    void aResumedRunListsTheEpochsFinishedBeforeFromItsFirstState() {
        RunHistory before = new RunHistory(List.of());
        before.add(metrics(1, 0.5), Optional.of("c1"));
        before.add(metrics(2, 0.7), Optional.of("c2"));
        reporter.onStart(plan(4, new StartPoint(Optional.of("c2"), before.reports(), Optional.empty(), List.of(),
                List.of(), Optional.empty())));
        reporter.close();

        TrainingRunStatus first = writer.written().get(0);
        assertEquals(List.of(1, 2), first.getEpochs().stream().map(EpochResult::getEpoch).toList());
        assertEquals(3, first.getProgress().getEpoch());
        assertEquals(2 * STEPS, first.getProgress().getStep());
        assertEquals("c2", first.getCheckpoints().getLatest());
        assertEquals("c2", first.getCheckpoints().getBest());
        assertEquals(0.7, first.getProgress().getValAccuracy());
    }

    @Test
    void aRunResumedFromAStepCheckpointShowsItAndItsInterruptionsUntilAnEpochCheckpointReplacesIt() {
        RunHistory before = new RunHistory(List.of());
        before.add(metrics(1, 0.5), Optional.of("c1"));
        List<Interruption> interruptions = List.of(
                new Interruption(Interruption.KILLED, 14, 11, 3, 4.25, Instant.parse("2026-01-01T10:00:00.5Z")),
                new Interruption(Interruption.STOPPED, 16, 16, 0, 0, Instant.parse("2026-01-01T11:00:00.5Z")));
        reporter.onStart(plan(3, new StartPoint(Optional.of("checkpoints/step.safetensors"), before.reports(),
                Optional.of(new EpochProgress(2, 6, 3, 6, 96, 0, 9, 2, 3)), List.of(), interruptions, Optional.empty())));
        // The publisher writes on its own thread: wait for the state rather than assume it is there.
        TrainingRunStatus first = Await.until("the first state", WRITE_TIMEOUT, this::newestWritten,
                status -> status != null);
        assertEquals("checkpoints/step.safetensors", first.getCheckpoints().getStep());
        assertEquals(STEPS + 6, first.getCheckpoints().getStepCheckpointStep());
        assertEquals(STEPS + 6, first.getProgress().getStep());
        Interruptions counted = first.getInterruptions();
        assertEquals(List.of(2, 3L, 4.3, "Stopped", "2026-01-01T11:00:00Z"), List.of(counted.getCount(),
                counted.getStepsRedone(), counted.getSecondsLost(), counted.getLastCause(),
                counted.getLastResumedAt()));

        reporter.onStepCheckpoint(new SavedStep("checkpoints/step.safetensors", 2, 8, STEPS + 8,
                SavedStep.Reason.INTERVAL, 0.5));
        Await.until("the step checkpoint's state", WRITE_TIMEOUT, this::newestWritten,
                status -> Long.valueOf(STEPS + 8).equals(status.getCheckpoints().getStepCheckpointStep()));
        reporter.onEpoch(before.add(metrics(2, 0.6), Optional.of("c2")));
        reporter.close();
        assertNull(lastWritten().getCheckpoints().getStep(), "epoch 2's checkpoint replaced the step checkpoint");
        assertEquals(2, lastWritten().getInterruptions().getCount());
    }

    @Test
    void onlyTheNewestHundredEpochsAreListed() {
        RunPlan plan = plan(105, StartPoint.fresh(List.of(), List.of()));
        RunHistory history = new RunHistory(List.of());
        reporter.onStart(plan);
        IntStream.rangeClosed(1, 105).forEach(epoch -> reporter.onEpoch(history.add(metrics(epoch, 0.5),
                Optional.empty())));
        reporter.close();

        List<EpochResult> epochs = lastWritten().getEpochs();
        assertEquals(TrainingRunStatus.MAX_EPOCHS, epochs.size());
        assertEquals(6, epochs.get(0).getEpoch());
        assertEquals(105, epochs.get(99).getEpoch());
    }

    @Test
    void theAppliedStatusHoldsOnlyTheTrainersFieldsAndNoNumberJsonCannotCarry() {
        reporter.onStart(plan(1, StartPoint.fresh(List.of(), List.of())));
        reporter.onEpoch(new RunHistory(List.of()).add(new EpochMetrics(1, Double.NaN, Double.POSITIVE_INFINITY,
                0, 0, 1e-3, 2, 10, 0, 0, 0), Optional.empty()));
        reporter.close();

        String json = new KubernetesSerialization().asJson(lastWritten());
        JsonNode tree = new KubernetesSerialization().unmarshal(json, JsonNode.class);
        List<String> fields = new ArrayList<>();
        tree.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("progress", "epochs", "best", "checkpoints", "images"), fields);
        assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
        assertFalse(tree.get("epochs").get(0).has("trainLoss"), json);
    }

    @Test
    void theImageCountsIncludeEverySkippedImageAsItIsFound() {
        reporter.onStart(plan(1, StartPoint.fresh(List.of(), List.of())));
        reporter.onSkippedImage(new SkippedImage(Path.of("/data/train/a/1.jpg"), "truncated"));
        reporter.onSkippedImage(new SkippedImage(Path.of("/data/val/b/2.jpg"), "not an image"));
        reporter.close();

        assertEquals(List.of(160, 40, 2), counts(lastWritten()));
    }

    private static List<Integer> counts(TrainingRunStatus status) {
        return List.of(status.getImages().getTrain(), status.getImages().getValidation(),
                status.getImages().getSkipped());
    }

    @Test
    void accuraciesAreRoundedToFourDecimalsForKubectlGetTr() {
        reporter.onStart(plan(1, StartPoint.fresh(List.of(), List.of())));
        reporter.onEpoch(new RunHistory(List.of()).add(new EpochMetrics(1, 1, 1, 7, 12, 1e-3, 2, 10, 0, 0, 0),
                Optional.empty()));
        reporter.close();

        TrainingRunStatus last = lastWritten();
        assertEquals(0.5833, last.getEpochs().get(0).getValAccuracy());
        assertEquals(0.5833, last.getBest().getValAccuracy());
        assertEquals(0.5833, last.getProgress().getValAccuracy());
    }

    /** The newest state written so far, or null before the first. */
    private TrainingRunStatus newestWritten() {
        List<TrainingRunStatus> written = writer.written();
        return written.isEmpty() ? null : written.get(written.size() - 1);
    }

    /** Every field a state sets is one the trainer owns: an apply of the other's would take it over. */
    private static void assertOnlyTheTrainersFields(TrainingRunStatus state) {
        JsonNode tree = new ObjectMapper().valueToTree(state);
        Set<String> written = new TreeSet<>();
        tree.fields().forEachRemaining(field -> {
            if (field.getKey().equals("checkpoints")) {
                field.getValue().fieldNames().forEachRemaining(inner -> written.add("checkpoints." + inner));
            } else {
                written.add(field.getKey());
            }
        });
        assertTrue(StatusOwner.TRAINER.fields().containsAll(written), written::toString);
    }

    private TrainingRunStatus lastWritten() {
        List<TrainingRunStatus> written = writer.written();
        return written.get(written.size() - 1);
    }

    private static RunPlan plan(int epochs, StartPoint start) {
        return new RunPlan(Architecture.ResNet18, List.of("a", "b"), 160, 40, epochs, STEPS, epochs * STEPS, 16,
                List.of(Device.cpu()), MemoryFormat.CONTIGUOUS, new RunPlan.Threads(2, 2, 2), 11_000_000, Optional.empty(),
                Path.of("/checkpoints", "quickstart-1a2b3c4d"), start);
    }

    private static EpochMetrics metrics(int epoch, double accuracy) {
        return new EpochMetrics(epoch, 1.0 / epoch, 0.9 / epoch, Math.round(accuracy * 40), 40, 1e-3, 3.5, 48, 0, 0, 0);
    }
}
