package dev.trainingrun.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.trainingrun.api.Architecture;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's ResNet (stem, four stages, global average pool, linear head) with its child names, so every
 * parameter has a path that maps one to one onto torchvision's {@code state_dict} (see {@link TorchvisionNames}).
 */
public final class ResNet extends CompositeBlock {
    private static final int[] STAGE_PLANES = {64, 128, 256, 512};

    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final List<Stage> stages = new ArrayList<>();
    private final Linear fc;

    private ResNet(int[] blocksPerStage, boolean bottleneck, int numClasses) {
        conv1 = addChildBlock("conv1", Layers.conv(64, 7, 2));
        bn1 = addChildBlock("bn1", Layers.batchNorm());
        int channels = 64;
        for (int s = 0; s < STAGE_PLANES.length; s++) {
            List<ResidualBlock> blocks = new ArrayList<>();
            for (int b = 0; b < blocksPerStage[s]; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                ResidualBlock block = bottleneck
                        ? ResidualBlock.bottleneck(channels, STAGE_PLANES[s], stride)
                        : ResidualBlock.basic(channels, STAGE_PLANES[s], stride);
                blocks.add(block);
                channels = bottleneck ? STAGE_PLANES[s] * ResidualBlock.BOTTLENECK_EXPANSION : STAGE_PLANES[s];
            }
            stages.add(addChildBlock("layer" + (s + 1), new Stage(blocks)));
        }
        fc = addChildBlock("fc", Linear.builder().setUnits(numClasses).build());
    }

    /** The network for an architecture; ResNet18RandomEncoder has ResNet-18's shape (freezing is separate). */
    public static ResNet of(Architecture architecture, int numClasses) {
        return switch (architecture) {
            case ResNet18, ResNet18RandomEncoder -> new ResNet(new int[] {2, 2, 2, 2}, false, numClasses);
            case ResNet34 -> new ResNet(new int[] {3, 4, 6, 3}, false, numClasses);
            case ResNet50 -> new ResNet(new int[] {3, 4, 6, 3}, true, numClasses);
        };
    }

    /** The classifier head, the only part ResNet18RandomEncoder trains. */
    public Linear head() {
        return fc;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = Layers.consume(bn1, store, Layers.apply(conv1, store, inputs.singletonOrThrow(), training),
                training);
        try (NDArray activated = Layers.relu(x)) {
            x = Pool.maxPool2d(activated, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        }
        for (Stage stage : stages) {
            x = Layers.consume(stage, store, x, training);
        }
        try (NDArray features = x; NDArray pooled = Pool.globalAvgPool2d(features)) {
            return new NDList(Layers.apply(fc, store, pooled, training));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {Layers.outputShape(fc, new Shape(inputShapes[0].get(0), lastStageChannels()))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        conv1.initialize(manager, dataType, shape);
        shape = Layers.outputShape(conv1, shape);
        bn1.initialize(manager, dataType, shape);
        shape = pooledShape(shape);
        for (Stage stage : stages) {
            stage.initialize(manager, dataType, shape);
            shape = Layers.outputShape(stage, shape);
        }
        fc.initialize(manager, dataType, new Shape(shape.get(0), shape.get(1)));
    }

    private long lastStageChannels() {
        Shape probe = new Shape(1, 3, 64, 64);
        Shape shape = pooledShape(Layers.outputShape(conv1, probe));
        for (Stage stage : stages) {
            shape = Layers.outputShape(stage, shape);
        }
        return shape.get(1);
    }

    /** The 3x3, stride 2, padding 1 max pool after the stem. */
    private static Shape pooledShape(Shape shape) {
        return new Shape(shape.get(0), shape.get(1), (shape.get(2) - 1) / 2 + 1, (shape.get(3) - 1) / 2 + 1);
    }
}
