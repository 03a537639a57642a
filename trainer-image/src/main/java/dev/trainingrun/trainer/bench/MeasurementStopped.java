package dev.trainingrun.trainer.bench;

import java.util.function.BooleanSupplier;

/**
 * Ends a measurement that was asked to stop (Ctrl-C, SIGTERM) between two of its steps, so that what it opened is
 * closed on the way out (loader threads, native memory, temporary folders); nothing is reported for it.
 */
public final class MeasurementStopped extends RuntimeException {
    private MeasurementStopped() {
        super("stopped on request", null, false, false);
    }

    /** Throws when {@code stopRequested} says so; called between steps. */
    static void ifRequested(BooleanSupplier stopRequested) {
        if (stopRequested.getAsBoolean()) {
            throw new MeasurementStopped();
        }
    }
}
