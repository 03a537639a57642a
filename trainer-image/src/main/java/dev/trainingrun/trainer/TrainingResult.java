package dev.trainingrun.trainer;

import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.loop.BestEpoch;
import dev.trainingrun.trainer.loop.EpochMetrics;
import dev.trainingrun.trainer.loop.EpochReport;
import dev.trainingrun.trainer.loop.RunPlan;
import java.util.List;

/**
 * What {@link Trainer#run} returns: the plan, the report of every epoch of the run (a resumed run's earlier epochs
 * included), the images left out because they cannot be read (the scan's, an earlier attempt's, this attempt's), and
 * the attempt's wall time.
 */
public record TrainingResult(RunPlan plan, List<EpochReport> epochs, List<SkippedImage> skipped, double seconds) {

    /** The last epoch's report. */
    public EpochReport last() {
        return epochs.get(epochs.size() - 1);
    }

    /** The run's best epoch (see {@link dev.trainingrun.trainer.loop.RunHistory}). */
    public BestEpoch best() {
        return last().best();
    }

    /** Every epoch's metrics, in order. */
    public List<EpochMetrics> metrics() {
        return epochs.stream().map(EpochReport::metrics).toList();
    }
}
