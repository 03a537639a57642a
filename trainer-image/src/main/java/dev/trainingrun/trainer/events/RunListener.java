package dev.trainingrun.trainer.events;

import dev.trainingrun.trainer.data.SkippedImage;
import java.time.Duration;

/**
 * What the loop tells the outside world: the console, the files of a run, and (with the operator) the
 * TrainingRun's status. All calls come from the training thread.
 */
public interface RunListener {

    /**
     * Once, after the data is checked, the network built and any checkpoint restored, before the first step; a
     * resumed run's plan lists the epochs already finished ({@code plan.start().finished()}).
     */
    default void onStart(RunPlan plan) {}

    /** At most once per {@link #progressInterval()}, after an optimiser step. */
    default void onProgress(ProgressUpdate progress) {}

    /** How often this listener wants progress. */
    default Duration progressInterval() {
        return Duration.ofSeconds(5);
    }

    /** After a step checkpoint is saved (on a stop request, and every checkpoint interval). */
    default void onStepCheckpoint(SavedStep saved) {}

    /** When an image is left out because it cannot be read: at the start for those the scan found, or when found. */
    default void onSkippedImage(SkippedImage skipped) {}

    /** After each epoch's validation and checkpoint. */
    default void onEpoch(EpochReport report) {}

    /** Once, after the last epoch and the model exports; not when the run stopped on request before it. */
    default void onFinish(RunResult result) {}
}
