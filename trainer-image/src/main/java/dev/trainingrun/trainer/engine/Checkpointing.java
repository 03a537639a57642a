package dev.trainingrun.trainer.engine;

import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.RunHistory;
import dev.trainingrun.trainer.events.SavedStep;
/**
 * What makes a run outlive its process. The loop tells it of every step it reaches, asks it for a step checkpoint
 * when it is to stop or the interval has passed, calls it at the end of each epoch, before listeners hear of the
 * epoch (they are told where its checkpoint went), and once after the last epoch.
 */
public interface Checkpointing {

    /** After each optimiser step: how far training has got, so that an attempt after a kill can tell what it lost. */
    void reached(long step);

    /**
     * Saves a step checkpoint: the parameters and optimiser as they are after {@code state.step()} steps, the
     * finished epochs in {@code history} and how far the epoch in progress got.
     */
    SavedStep saveStep(RunHistory history, LoopState state, EpochProgress inEpoch, SavedStep.Reason reason);

    /** The loop stops on request at the position of its newest checkpoint. */
    void stopped(long step);

    /** Adds the epoch to {@code history}, saving a checkpoint when the epoch is to have one; returns its report. */
    EpochReport afterEpoch(EpochMetrics metrics, RunHistory history, LoopState state);

    /** After the last epoch (also when a resumed run had none left to train). */
    void afterRun(RunHistory history, LoopState state);
}
