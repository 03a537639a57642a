package dev.trainingrun.trainer.events;

import dev.trainingrun.api.EarlyStop;
import java.util.Optional;

/**
 * One finished epoch as listeners receive it: its metrics, the checkpoint saved after it (relative to the run
 * directory; empty for epochs up to saveAfterEpoch), the run's best epoch and newest checkpoint at that point, and
 * the stop rule that ends the run after it ({@link StopRules}), if one does.
 */
public record EpochReport(EpochMetrics metrics, Optional<String> checkpoint, BestEpoch best,
        Optional<String> latestCheckpoint, Optional<EarlyStop> stop) {

    public int epoch() {
        return metrics.epoch();
    }
}
