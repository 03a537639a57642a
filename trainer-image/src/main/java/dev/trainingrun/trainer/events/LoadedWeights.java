package dev.trainingrun.trainer.events;

import java.nio.file.Path;

/**
 * The initial weights a run's network was given ({@code spec.model.weights}), before its first step or a checkpoint
 * of its own replaced them.
 *
 * @param file the safetensors file, resolved under the data volume's root
 * @param sha256 the file's SHA-256, 64 hex digits
 * @param tensors the file's tensors taken into the network (running statistics included, {@code
 *     num_batches_tracked} not: the trainer counts its own batches)
 * @param headFromFile whether the head ({@code fc}) came from the file (its shape fitted the class count) or kept the
 *     initialisation a fresh run of the same seed has
 */
public record LoadedWeights(Path file, String sha256, int tensors, boolean headFromFile) {}
