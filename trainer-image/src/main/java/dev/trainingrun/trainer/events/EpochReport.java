package dev.trainingrun.trainer.events;

import java.util.Optional;

/**
 * One finished epoch as listeners receive it: its metrics, the checkpoint saved after it (relative to the run
 * directory; empty for epochs up to saveAfterEpoch), and the run's best epoch and newest checkpoint at that point.
 */
public record EpochReport(EpochMetrics metrics, Optional<String> checkpoint, BestEpoch best,
        Optional<String> latestCheckpoint) {

    public int epoch() {
        return metrics.epoch();
    }
}
