package dev.trainingrun.trainer.data;

import java.nio.file.Path;

/** An image left out of a batch because it could not be decoded, and why. */
public record SkippedImage(Path path, String reason) {}
