package dev.trainingrun.trainer.checkpoint;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.trainingrun.trainer.model.Network;
import java.util.SplittableRandom;

/**
 * The input the torchvision comparisons of this package feed both networks, and our network's answer to it: two
 * 64 px images of seeded Gaussian noise, and the logits in evaluation mode, so that they also depend on batch norm's
 * running statistics.
 */
final class ReferenceForward {
    /** The input's shape: batch, channels, height, width. */
    static final long[] INPUT_SHAPE = {2, 3, 64, 64};
    private static final long SEED = 11;

    private ReferenceForward() {}

    static float[] input() {
        float[] input = new float[2 * 3 * 64 * 64];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        return input;
    }

    /** {@code network}'s logits for {@code input}, shape [2, classes], in evaluation mode. */
    static float[] logits(Network network, NDManager manager, float[] input) {
        return network.block().forward(new ParameterStore(manager, false),
                new NDList(manager.create(input, new Shape(INPUT_SHAPE))), false).singletonOrThrow().toFloatArray();
    }
}
