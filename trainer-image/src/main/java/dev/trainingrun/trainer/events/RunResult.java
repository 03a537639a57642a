package dev.trainingrun.trainer.events;

import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.trainer.data.SkippedImage;
import java.util.List;
import java.util.Optional;

/**
 * What {@link RunTrainer#run} returns: the plan, the report of every epoch of the run (a resumed run's earlier epochs
 * included), the images left out because they cannot be read (the scan's, an earlier attempt's, this attempt's), the
 * attempt's wall time, and where it saved if it stopped on request before the end. A run a stop rule ended has its
 * reason on its last epoch ({@link #stoppedEarly}).
 */
public record RunResult(RunPlan plan, List<EpochReport> epochs, List<SkippedImage> skipped, double seconds,
        Optional<SavedStep> stoppedAt) {

    /** Whether the run stopped on request before its last epoch; a later attempt continues it. */
    public boolean stopped() {
        return stoppedAt.isPresent();
    }

    /** The stop rule that ended the run after its last epoch, if one did ({@link StopRules}). */
    public Optional<EarlyStop> stoppedEarly() {
        return epochs.isEmpty() ? Optional.empty() : last().stop();
    }

    /** The last epoch's report. */
    public EpochReport last() {
        return epochs.get(epochs.size() - 1);
    }

    /** The run's best epoch (see {@link dev.trainingrun.trainer.events.RunHistory}). */
    public BestEpoch best() {
        return last().best();
    }

    /** Every epoch's metrics, in order. */
    public List<EpochMetrics> metrics() {
        return epochs.stream().map(EpochReport::metrics).toList();
    }
}
