package dev.trainingrun.trainer.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names every parameter of a block tree as torchvision's {@code state_dict} does ({@code layer1.0.conv1.weight},
 * {@code bn1.running_mean}, {@code fc.bias}), in the same order, so that weights can be exchanged with PyTorch.
 *
 * <p>DJL prefixes each child's name with its two-digit position ("01conv1") and calls batch-norm parameters
 * gamma/beta/runningMean/runningVar; both are undone here. torchvision's {@code num_batches_tracked} counters
 * have no DJL counterpart (the trainer uses a fixed momentum) and are left to whoever writes a state_dict.
 */
public final class TorchvisionNames {
    private static final int DJL_POSITION_PREFIX = 2;
    private static final Map<String, String> DJL_TO_TORCH = Map.of(
            "weight", "weight",
            "bias", "bias",
            "gamma", "weight",
            "beta", "bias",
            "runningMean", "running_mean",
            "runningVar", "running_var");

    private TorchvisionNames() {}

    /** torchvision name → parameter, in {@code state_dict} order. */
    public static Map<String, Parameter> of(Block root) {
        Map<String, Parameter> names = new LinkedHashMap<>();
        collect(root, "", names);
        return names;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> names) {
        for (Pair<String, Parameter> parameter : block.getDirectParameters()) {
            String torchName = DJL_TO_TORCH.get(parameter.getKey());
            if (torchName == null) {
                throw new IllegalStateException("no torchvision name for parameter " + parameter.getKey()
                        + " of " + block.getClass().getSimpleName());
            }
            names.put(prefix + torchName, parameter.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collect(child.getValue(), prefix + child.getKey().substring(DJL_POSITION_PREFIX) + ".", names);
        }
    }
}
