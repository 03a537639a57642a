package dev.trainingrun.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/** One of torchvision's {@code layer1..layer4}: residual blocks named "0", "1", … in sequence. */
final class Stage extends CompositeBlock {
    private final List<ResidualBlock> blocks = new ArrayList<>();

    Stage(List<ResidualBlock> residualBlocks) {
        for (int i = 0; i < residualBlocks.size(); i++) {
            blocks.add(addChildBlock(Integer.toString(i), residualBlocks.get(i)));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = Layers.apply(blocks.get(0), store, inputs.singletonOrThrow(), training);
        for (ResidualBlock block : blocks.subList(1, blocks.size())) {
            x = Layers.consume(block, store, x, training);
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape shape = inputShapes[0];
        for (ResidualBlock block : blocks) {
            shape = Layers.outputShape(block, shape);
        }
        return new Shape[] {shape};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        for (ResidualBlock block : blocks) {
            block.initialize(manager, dataType, shape);
            shape = Layers.outputShape(block, shape);
        }
    }
}
