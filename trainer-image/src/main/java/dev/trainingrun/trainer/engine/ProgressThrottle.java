package dev.trainingrun.trainer.engine;

import dev.trainingrun.trainer.events.ProgressUpdate;
import dev.trainingrun.trainer.events.RunListener;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/** Hands progress to each listener no more often than the interval that listener asks for. */
final class ProgressThrottle {
    private final List<RunListener> listeners;
    private final long[] nextDue;

    ProgressThrottle(List<RunListener> listeners) {
        this.listeners = listeners;
        this.nextDue = new long[listeners.size()];
        Arrays.fill(nextDue, System.nanoTime());
    }

    /** Builds the update only if some listener is due at {@code now} (nanoTime). */
    void offer(long now, Supplier<ProgressUpdate> update) {
        ProgressUpdate built = null;
        for (int i = 0; i < listeners.size(); i++) {
            if (now - nextDue[i] >= 0) {
                if (built == null) {
                    built = update.get();
                }
                listeners.get(i).onProgress(built);
                nextDue[i] = now + listeners.get(i).progressInterval().toNanos();
            }
        }
    }
}
