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

/**
 * The shortcut projection of a residual block (1x1 convolution + batch norm), with the children named "0" and
 * "1" as in torchvision's {@code downsample} Sequential, so parameter names map onto {@code downsample.0.weight}.
 */
final class Downsample extends CompositeBlock {
    private final Conv2d conv;
    private final BatchNorm norm;

    Downsample(int outChannels, int stride) {
        conv = addChildBlock("0", Layers.conv(outChannels, 1, stride));
        norm = addChildBlock("1", Layers.batchNorm());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = Layers.apply(conv, store, inputs.singletonOrThrow(), training);
        return new NDList(Layers.consume(norm, store, x, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        norm.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
    }
}
