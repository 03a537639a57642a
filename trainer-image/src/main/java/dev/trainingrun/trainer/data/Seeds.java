package dev.trainingrun.trainer.data;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from the run's seed, so that the data order of an epoch and the augmentation
 * of each image depend only on (seed, epoch, position): not on thread timing, and recomputable after a restart.
 */
public final class Seeds {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /** A generator for one purpose of one epoch (and, for augmentation, one position in it). */
    public static SplittableRandom random(long seed, Stream stream, long epoch, long position) {
        long mixed = mix(mix(mix(seed) + stream.ordinal() * GOLDEN) + epoch * GOLDEN) + position * GOLDEN;
        return new SplittableRandom(mix(mixed));
    }

    /** The order in which an epoch visits {@code count} training images (a Fisher-Yates shuffle). */
    public static int[] epochOrder(int count, long seed, long epoch) {
        SplittableRandom random = random(seed, Stream.ORDER, epoch, 0);
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** SplitMix64's finaliser: spreads nearby inputs over the whole range. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** What a random stream is for; streams for different purposes never coincide. New ones go last. */
    public enum Stream {
        ORDER,
        AUGMENTATION,
        /** Which training images take the places of unreadable ones (see BatchLoader). */
        REPLACEMENT
    }
}
