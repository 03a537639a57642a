package dev.trainingrun.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's {@code BasicBlock} and {@code Bottleneck} (v1.5: the stride sits on the 3x3 convolution): a chain
 * of convolution + batch-norm pairs with ReLUs between them, plus a shortcut, then a ReLU. DJL's own ResNet uses
 * bottlenecks at every depth, which is why this exists.
 */
final class ResidualBlock extends CompositeBlock {
    static final int BOTTLENECK_EXPANSION = 4;

    private final List<Conv2d> convs = new ArrayList<>();
    private final List<BatchNorm> norms = new ArrayList<>();
    private final Downsample downsample;

    private ResidualBlock(int[] outChannels, int[] kernels, int[] strides, boolean project, int stride) {
        for (int i = 0; i < outChannels.length; i++) {
            convs.add(addChildBlock("conv" + (i + 1), Layers.conv(outChannels[i], kernels[i], strides[i])));
            norms.add(addChildBlock("bn" + (i + 1), Layers.batchNorm()));
        }
        downsample = project ? addChildBlock("downsample", new Downsample(outChannels[outChannels.length - 1], stride))
                : null;
    }

    /** Two 3x3 convolutions; output channels = {@code planes}. */
    static ResidualBlock basic(int inChannels, int planes, int stride) {
        return new ResidualBlock(new int[] {planes, planes}, new int[] {3, 3}, new int[] {stride, 1},
                stride != 1 || inChannels != planes, stride);
    }

    /** 1x1 reduce, strided 3x3, 1x1 expand; output channels = 4 * {@code planes}. */
    static ResidualBlock bottleneck(int inChannels, int planes, int stride) {
        int out = planes * BOTTLENECK_EXPANSION;
        return new ResidualBlock(new int[] {planes, planes, out}, new int[] {1, 3, 1}, new int[] {1, stride, 1},
                stride != 1 || inChannels != out, stride);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NDArray x = Layers.apply(convs.get(0), store, input, training);
        int last = convs.size() - 1;
        for (int i = 0; i <= last; i++) {
            if (i > 0) {
                x = Layers.consume(convs.get(i), store, x, training);
            }
            x = Layers.consume(norms.get(i), store, x, training);
            if (i < last) {
                x = Layers.relu(x);
            }
        }
        // Not in place, unlike torchvision's "out += identity": DJL hands batch norm's output back as a view
        // (swapAxes(1, 1)), and autograd turns an in-place change of a view into a copy of the whole base and a
        // strided gradient in the backward pass, whose memory order no longer follows channels-last activations.
        try (NDArray normalised = x) {
            if (downsample == null) {
                x = normalised.add(input);
            } else {
                try (NDArray identity = Layers.apply(downsample, store, input, training)) {
                    x = normalised.add(identity);
                }
            }
        }
        return new NDList(Layers.relu(x));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape shape = inputShapes[0];
        for (Conv2d conv : convs) {
            shape = Layers.outputShape(conv, shape);
        }
        return new Shape[] {shape};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        for (int i = 0; i < convs.size(); i++) {
            convs.get(i).initialize(manager, dataType, shape);
            shape = Layers.outputShape(convs.get(i), shape);
            norms.get(i).initialize(manager, dataType, shape);
        }
        if (downsample != null) {
            downsample.initialize(manager, dataType, inputShapes);
        }
    }
}
