package dev.trainingrun.trainer.config;

import ai.djl.Device;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which devices a run trains on: the CPU when it asks for no GPU, otherwise the first {@code gpus} GPUs the engine
 * sees. Asking for more GPUs than are visible is an error rather than a silent, much slower CPU run.
 */
public final class DeviceChoice {
    private DeviceChoice() {}

    /** The devices for {@code requestedGpus} when the engine sees {@code visibleGpus}. */
    public static List<Device> choose(int requestedGpus, int visibleGpus) {
        if (requestedGpus == 0) {
            return List.of(Device.cpu());
        }
        if (visibleGpus == 0) {
            throw new InvalidInputException("spec.resources.gpus: asks for " + requestedGpus
                    + " GPU(s) but the PyTorch engine sees none; use the CUDA build of the trainer on a GPU node, "
                    + "or set spec.resources.gpus to 0 to train on the CPU");
        }
        if (visibleGpus < requestedGpus) {
            throw new InvalidInputException("spec.resources.gpus: asks for " + requestedGpus
                    + " GPUs but the PyTorch engine sees only " + visibleGpus);
        }
        return IntStream.range(0, requestedGpus).mapToObj(Device::gpu).toList();
    }
}
