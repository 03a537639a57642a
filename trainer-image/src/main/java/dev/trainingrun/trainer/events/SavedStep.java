package dev.trainingrun.trainer.events;

/**
 * A step checkpoint just saved: where (relative to the run directory), at which position, why, and how long the
 * save took. When a stop is asked for while an epoch checkpoint is being written, the loop stops on that checkpoint
 * instead, and says so in the same shape (batch 0 of the next epoch, no time spent).
 *
 * @param epoch the epoch in progress
 * @param batches batches of that epoch done
 * @param step optimiser steps since the run began
 * @param seconds the time the save took
 */
public record SavedStep(String checkpoint, int epoch, long batches, long step, Reason reason, double seconds) {

    /** Why the loop saved. */
    public enum Reason {
        /** The process was asked to stop (SIGTERM, Ctrl-C). */
        STOP,
        /** {@code spec.checkpoints.interval} passed since the last checkpoint. */
        INTERVAL
    }
}
