package dev.trainingrun.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.trainingrun.trainer.data.ImageBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/** A loaded batch as engine arrays: images (N, 3, side, side) and int64 labels (N), one copy each. */
record BatchArrays(NDArray images, NDArray labels) {

    static BatchArrays of(ImageBatch batch, NDManager manager) {
        int n = batch.size();
        int side = batch.side();
        NDArray images = manager.create(FloatBuffer.wrap(batch.pixels(), 0, n * 3 * side * side),
                new Shape(n, 3, side, side));
        NDArray labels = manager.create(LongBuffer.wrap(batch.labels(), 0, n), new Shape(n));
        return new BatchArrays(images, labels);
    }
}
