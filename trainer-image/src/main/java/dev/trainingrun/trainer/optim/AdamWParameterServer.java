package dev.trainingrun.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterServer;
import dev.trainingrun.trainer.torch.TorchOps;
import java.util.HashMap;
import java.util.Map;

/**
 * Applies {@link FusedAdamW} to the parameters DJL's {@link ai.djl.training.ParameterStore} hands over after a backward
 * pass: sums the replicas' gradients when the batch was split over several devices, updates every replica the same
 * way, and clears the gradients as {@code zero_grad(set_to_none=True)} does (PyTorch accumulates them, and DJL's
 * collector does not clear them).
 */
public final class AdamWParameterServer implements ParameterServer {
    private final FusedAdamW optimizer;
    /** DJL's random parameter ids → stable torchvision names, so optimiser state survives a restart. */
    private final Map<String, String> names = new HashMap<>();

    public AdamWParameterServer(FusedAdamW optimizer, Map<String, Parameter> parameters) {
        this.optimizer = optimizer;
        parameters.forEach((name, parameter) -> names.put(parameter.getId(), name));
    }

    @Override
    public void init(String parameterId, NDArray[] value) {
        // Moments are created lazily, on the device of the first update.
    }

    @Override
    public void update(String parameterId, NDArray[] gradients, NDArray[] replicas) {
        NDArray gradient = gradients[0];
        for (int i = 1; i < gradients.length; i++) {
            try (NDArray moved = gradients[i].toDevice(gradient.getDevice(), true)) {
                gradient.addi(moved);
            }
        }
        String name = names.get(parameterId);
        optimizer.update(name, replicas[0], gradient);
        for (int i = 1; i < replicas.length; i++) {
            try (NDArray copy = gradient.toDevice(replicas[i].getDevice(), true)) {
                optimizer.update(name, replicas[i], copy);
            }
        }
        for (NDArray replica : replicas) {
            TorchOps.clearGradient(replica);
        }
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
