package dev.trainingrun.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;

/**
 * The few layers torchvision's ResNets are made of, built the way torchvision builds them, and how the blocks
 * chain them: each intermediate result released as soon as the next layer has consumed it.
 */
final class Layers {
    private Layers() {}

    /** A bias-free square convolution with "same" padding for odd kernels, as torchvision's conv3x3/conv1x1. */
    static Conv2d conv(int outChannels, int kernel, int stride) {
        return Conv2d.builder()
                .setFilters(outChannels)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false)
                .build();
    }

    /**
     * Batch normalisation over channels with PyTorch's defaults: epsilon 1e-5 and running-statistics momentum
     * 0.1 (DJL states momentum as the share kept, 0.9, and hands PyTorch 1 - 0.9).
     */
    static BatchNorm batchNorm() {
        return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
    }

    /** Runs a single-input block and returns its single output. */
    static NDArray apply(Block block, ParameterStore store, NDArray input, boolean training) {
        return block.forward(store, new NDList(input), training).singletonOrThrow();
    }

    /**
     * Runs a block on an intermediate result and releases that result's handle, as a Python variable going out of
     * scope would. Autograd keeps whatever it saved for the backward pass; anything else is freed now instead of at
     * the end of the step, which keeps the step's peak memory (and the page faults of fresh memory) at PyTorch's.
     */
    static NDArray consume(Block block, ParameterStore store, NDArray intermediate, boolean training) {
        try (intermediate) {
            return apply(block, store, intermediate, training);
        }
    }

    /** ReLU of an intermediate result, releasing its handle (see {@link #consume}). */
    static NDArray relu(NDArray intermediate) {
        try (intermediate) {
            return Activation.relu(intermediate);
        }
    }

    /** The output shape of a single-input block for an input shape. */
    static Shape outputShape(Block block, Shape input) {
        return block.getOutputShapes(new Shape[] {input})[0];
    }
}
