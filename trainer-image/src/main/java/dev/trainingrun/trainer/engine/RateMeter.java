package dev.trainingrun.trainer.engine;

import java.util.ArrayDeque;

/** Images per second over a sliding window of recent steps, so the figure follows changes in speed. */
final class RateMeter {
    private final long windowNanos;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    RateMeter(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Records that {@code total} images had been processed at {@code nanos}. */
    void record(long nanos, long total) {
        samples.addLast(new long[] {nanos, total});
        while (samples.size() > 2 && nanos - samples.peekFirst()[0] > windowNanos) {
            samples.removeFirst();
        }
    }

    /** The rate over the window; 0 before two samples exist. */
    double perSecond() {
        if (samples.size() < 2) {
            return 0;
        }
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        return last[0] == first[0] ? 0 : (last[1] - first[1]) * 1e9 / (last[0] - first[0]);
    }

    /** Forgets the history (between epochs, so validation time does not count as training time). */
    void reset() {
        samples.clear();
    }
}
