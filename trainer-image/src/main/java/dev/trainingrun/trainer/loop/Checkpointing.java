package dev.trainingrun.trainer.loop;

/**
 * What makes a run outlive its process. The loop calls it at the end of each epoch, before listeners hear of the
 * epoch (they are told where its checkpoint went), and once after the last epoch.
 */
public interface Checkpointing {

    /** Adds the epoch to {@code history}, saving a checkpoint when the epoch is to have one; returns its report. */
    EpochReport afterEpoch(EpochMetrics metrics, RunHistory history, LoopState state);

    /** After the last epoch (also when a resumed run had none left to train). */
    void afterRun(RunHistory history, LoopState state);
}
