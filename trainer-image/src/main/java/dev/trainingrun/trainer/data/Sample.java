package dev.trainingrun.trainer.data;

import java.nio.file.Path;

/** One image file and the index of its class. */
public record Sample(Path path, int label) {}
