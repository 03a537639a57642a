package dev.trainingrun.trainer.engine;

import dev.trainingrun.trainer.optim.FusedAdamW;

/**
 * Where training stands at the end of an epoch, beyond the network's own parameters: optimiser steps taken (the
 * schedule's position), batches actually trained on (batch norm's {@code num_batches_tracked}), and the optimiser.
 */
public record LoopState(int epoch, long step, long trainedBatches, FusedAdamW optimizer) {}
