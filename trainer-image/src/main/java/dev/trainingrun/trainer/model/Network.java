package dev.trainingrun.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.torch.TorchOps;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A ResNet ready to train: built for an architecture and class count, initialised as torchvision does from a seed,
 * its parameters named as torchvision's, and for ResNet18RandomEncoder (or any network on request,
 * {@link #freezeBackbone}) everything but the head frozen.
 */
public record Network(Architecture architecture, ResNet block, Map<String, Parameter> parameters) {

    /** Builds and initialises the network; parameters live in {@code manager}. */
    public static Network create(Architecture architecture, int numClasses, long seed, NDManager manager) {
        ResNet block = ResNet.of(architecture, numClasses);
        // The input size only fixes parameter shapes, none of which depends on it.
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
        Map<String, Parameter> parameters = TorchvisionNames.of(block);
        TorchvisionInit.apply(parameters, seed);
        Network network = new Network(architecture, block, parameters);
        if (architecture == Architecture.ResNet18RandomEncoder) {
            network.freezeBackbone();
        }
        return network;
    }

    /**
     * Freezes every parameter but the head's: they get no gradient, so the optimiser neither updates them nor keeps
     * state for them. Batch norm still runs in training mode, so its running statistics keep following the data,
     * as PyTorch's do under {@code requires_grad=False} in {@code train()} mode.
     */
    public void freezeBackbone() {
        block.freezeParameters(true);
        block.head().freezeParameters(false);
    }

    /**
     * Lays the network out in the memory format measured faster for training on {@code side}-pixel images on
     * {@code devices} ({@link MemoryFormat#forTraining}) and returns that format. Values set afterwards come back
     * contiguous (see {@link #layOut}), so this is the last step before training.
     */
    public MemoryFormat layOutForTraining(int side, List<Device> devices) {
        MemoryFormat format = MemoryFormat.forTraining(side, devices);
        layOut(format);
        return format;
    }

    /**
     * Stores the 4-d parameters (the convolutions' weights) channels-last, in place, for {@code CHANNELS_LAST}.
     * Parameters are created contiguous, and {@code CONTIGUOUS} does nothing (it does not undo channels-last). Values
     * set afterwards ({@code NDArray.set}: initial weights, a checkpoint) are stored contiguous again.
     *
     * @throws IllegalStateException when the trainer's JNI library is missing (see {@link TorchOps#load()})
     */
    public void layOut(MemoryFormat format) {
        if (format == MemoryFormat.CHANNELS_LAST) {
            parameters.values().stream().map(Parameter::getArray).filter(a -> a.getShape().dimension() == 4)
                    .forEach(TorchOps::toChannelsLast);
        }
    }

    /** The torchvision names of the head's parameters ({@code fc.weight}, {@code fc.bias}). */
    public Set<String> headNames() {
        List<Parameter> head = block.head().getParameters().values();
        return parameters.entrySet().stream().filter(e -> head.stream().anyMatch(p -> p == e.getValue()))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** Number of values the optimiser updates. */
    public long trainableParameterCount() {
        return parameters.values().stream().filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().size()).sum();
    }

    /** Number of learnable values (weights and biases, not batch-norm running statistics), as torchvision counts. */
    public long learnableParameterCount() {
        return parameters.entrySet().stream().filter(e -> !e.getKey().contains(".running_"))
                .mapToLong(e -> e.getValue().getArray().size()).sum();
    }
}
