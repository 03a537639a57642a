package dev.trainingrun.trainer;

import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.loop.EpochMetrics;
import dev.trainingrun.trainer.loop.RunPlan;
import java.util.Comparator;
import java.util.List;

/** What {@link Trainer#run} returns: the plan, every epoch's metrics, the images it had to skip, the wall time. */
public record TrainingResult(RunPlan plan, List<EpochMetrics> epochs, List<SkippedImage> skipped, double seconds) {

    /** The last epoch's metrics. */
    public EpochMetrics last() {
        return epochs.get(epochs.size() - 1);
    }

    /** The epoch with the highest validation accuracy (the earliest of equals). */
    public EpochMetrics best() {
        return epochs.stream().max(Comparator.comparingDouble(EpochMetrics::valAccuracy)
                .thenComparing(Comparator.comparingInt(EpochMetrics::epoch).reversed())).orElseThrow();
    }
}
