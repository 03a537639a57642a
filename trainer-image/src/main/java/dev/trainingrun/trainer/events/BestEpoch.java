package dev.trainingrun.trainer.events;

import java.util.Optional;

/**
 * The run's best epoch so far (highest validation accuracy, then lowest validation loss, then earliest) and its
 * checkpoint, relative to the run directory; empty when that epoch was not saved (epochs up to saveAfterEpoch).
 */
public record BestEpoch(int epoch, double valAccuracy, double valLoss, Optional<String> checkpoint) {}
