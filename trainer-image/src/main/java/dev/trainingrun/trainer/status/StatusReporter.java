package dev.trainingrun.trainer.status;

import dev.trainingrun.api.BestResult;
import dev.trainingrun.api.CheckpointLocations;
import dev.trainingrun.api.EpochResult;
import dev.trainingrun.api.ImageCounts;
import dev.trainingrun.api.Interruptions;
import dev.trainingrun.api.StartedFrom;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.ProgressUpdate;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.events.SavedStep;
import dev.trainingrun.trainer.events.StartPoint;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;

/**
 * The listener that keeps the TrainingRun's status in step with training: progress every few seconds, the epochs
 * list, best epoch and checkpoint locations after every epoch (a resumed run's earlier epochs from the start), the
 * step checkpoint whenever one is saved, the run's interruptions, and the image counts, skipped images included, as
 * they change. Each state it publishes is complete, because server-side apply removes what a manager stops sending;
 * the publisher writes it off the training thread.
 */
public final class StatusReporter implements RunListener, AutoCloseable {
    private final StatusPublisher publisher;
    private final Duration interval;
    private final Clock clock;

    /** The newest epochs, at most {@link TrainingRunStatus#MAX_EPOCHS}; entries are never changed once made. */
    private final Deque<EpochResult> epochs = new ArrayDeque<>();
    private BestResult best;
    private String latestCheckpoint;
    private String bestCheckpoint;
    private SavedStep stepCheckpoint;
    private Interruptions interruptions;
    private StartedFrom startedFrom;
    private ProgressUpdate lastProgress;
    private Double lastAccuracy;
    private int trainImages;
    private int validationImages;
    private int skippedImages;

    /**
     * @param interval how often progress is published
     */
    public StatusReporter(StatusPublisher publisher, Duration interval, Clock clock) {
        this.publisher = publisher;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public Duration progressInterval() {
        return interval;
    }

    @Override
    public void onStart(RunPlan plan) {
        trainImages = plan.trainImages();
        validationImages = plan.validationImages();
        StartPoint start = plan.start();
        start.finished().forEach(this::record);
        int epoch = start.firstEpoch();
        long batches = start.firstEpochProgress().batches();
        long step = (epoch - 1) * plan.stepsPerEpoch() + batches;
        if (start.inEpoch().isPresent() && start.checkpoint().isPresent()) {
            stepCheckpoint = new SavedStep(start.checkpoint().get(), epoch, batches, step, SavedStep.Reason.STOP, 0);
        }
        interruptions = StatusFields.interruptions(start.interruptions());
        startedFrom = start.forkedFrom().map(StatusFields::startedFrom).orElse(null);
        lastProgress = new ProgressUpdate(Math.min(epoch, plan.epochs()), plan.epochs(), step, plan.totalSteps(),
                batches * plan.batchSize(), plan.stepsPerEpoch() * plan.batchSize(), Double.NaN, 0, 0, -1);
        publish();
    }

    @Override
    public void onProgress(ProgressUpdate progress) {
        lastProgress = progress;
        publish();
    }

    /** Counts the image; the scan's many at the start coalesce into one write, as every state replaces the last. */
    @Override
    public void onSkippedImage(SkippedImage skipped) {
        skippedImages++;
        publish();
    }

    @Override
    public void onStepCheckpoint(SavedStep saved) {
        stepCheckpoint = saved;
        publish();
    }

    @Override
    public void onEpoch(EpochReport report) {
        record(report);
        if (report.checkpoint().isPresent()) {
            stepCheckpoint = null; // an epoch checkpoint replaces the step checkpoint, whose file is removed
        }
        publish();
    }

    @Override
    public void onFinish(RunResult result) {
        RunPlan plan = result.plan();
        lastProgress = new ProgressUpdate(plan.epochs(), plan.epochs(), plan.totalSteps(), plan.totalSteps(),
                lastProgress.samplesPerEpoch(), lastProgress.samplesPerEpoch(), lastProgress.loss(),
                lastProgress.learningRate(), lastProgress.imagesPerSecond(), 0);
        publish();
    }

    /** Writes what is still pending (for a bounded time) and stops the writer. */
    @Override
    public void close() {
        publisher.close();
    }

    private void record(EpochReport report) {
        epochs.addLast(StatusFields.epoch(report));
        while (epochs.size() > TrainingRunStatus.MAX_EPOCHS) {
            epochs.removeFirst();
        }
        best = StatusFields.best(report.best());
        bestCheckpoint = report.best().checkpoint().orElse(null);
        latestCheckpoint = report.latestCheckpoint().orElse(null);
        lastAccuracy = StatusFields.accuracy(report.metrics().valAccuracy());
    }

    private void publish() {
        TrainingRunStatus status = new TrainingRunStatus();
        status.setProgress(StatusFields.progress(lastProgress, lastAccuracy, clock.instant()));
        status.setEpochs(epochs.isEmpty() ? null : new ArrayList<>(epochs));
        status.setBest(best);
        // Where the run's files are (claim, directory) is the operator's to say; which checkpoints are there, ours.
        CheckpointLocations checkpoints = new CheckpointLocations();
        checkpoints.setLatest(latestCheckpoint);
        checkpoints.setBest(bestCheckpoint);
        if (stepCheckpoint != null) {
            checkpoints.setStep(stepCheckpoint.checkpoint());
            checkpoints.setStepCheckpointStep(stepCheckpoint.step());
        }
        status.setCheckpoints(checkpoints);
        status.setInterruptions(interruptions);
        ImageCounts images = new ImageCounts();
        images.setTrain(trainImages);
        images.setValidation(validationImages);
        images.setSkipped(skippedImages);
        status.setImages(images);
        status.setStartedFrom(startedFrom);
        publisher.publish(status);
    }
}
