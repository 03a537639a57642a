package dev.trainingrun.trainer.loop;

import ai.djl.Device;
import dev.trainingrun.api.Architecture;
import java.util.List;

/** What a run is about to do, known before its first step. */
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
        long trainableParameters) {}
