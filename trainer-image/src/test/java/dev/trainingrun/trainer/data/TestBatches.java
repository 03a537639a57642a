package dev.trainingrun.trainer.data;

import java.util.SplittableRandom;

/** Loaded batches made without images, for tests of the network and the training step. */
public final class TestBatches {
    private TestBatches() {}

    /** {@code n} images of {@code side} x {@code side} Gaussian noise from {@code seed}, labelled 0, 1, 2, 0, .... */
    public static ImageBatch noise(int n, int side, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[n * 3 * side * side];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return new ImageBatch(pixels, labels, n, side);
    }
}
