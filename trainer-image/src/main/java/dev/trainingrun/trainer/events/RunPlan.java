package dev.trainingrun.trainer.events;

import ai.djl.Device;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.model.MemoryFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a run is about to do, known before its first step: the data and schedule, the devices and threads, where its
 * files go, and where it starts (after a restart: the checkpoint it continues from and the epochs already finished).
 *
 * @param memoryFormat how the network's activations are stored, chosen for the architecture, image size and devices
 * @param threads the CPUs the trainer may use and the threads it runs on them
 * @param weights the initial weights the network was given ({@code spec.model.weights}), if any
 */
public record RunPlan(
        Architecture architecture,
        List<String> classes,
        int trainImages,
        int validationImages,
        int epochs,
        long stepsPerEpoch,
        long totalSteps,
        int batchSize,
        List<Device> devices,
        MemoryFormat memoryFormat,
        Threads threads,
        long trainableParameters,
        Optional<LoadedWeights> weights,
        Path runDirectory,
        StartPoint start) {

    /**
     * @param cpus the CPUs the trainer may use (its container's CPU limit, or the machine's cores without one)
     * @param intraOp libtorch's intra-op threads
     * @param loader the image loading threads
     */
    public record Threads(int cpus, int intraOp, int loader) {}
}
