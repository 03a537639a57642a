package dev.trainingrun.trainer.events;

import ai.djl.Device;
import dev.trainingrun.api.Architecture;
import java.nio.file.Path;
import java.util.List;

/**
 * What a run is about to do, known before its first step: the data and schedule, where its files go, and where it
 * starts (after a restart: the checkpoint it continues from and the epochs already finished).
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
        long trainableParameters,
        Path runDirectory,
        StartPoint start) {}
