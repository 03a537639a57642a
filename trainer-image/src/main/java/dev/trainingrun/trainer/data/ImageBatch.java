package dev.trainingrun.trainer.data;

/**
 * A prepared batch: {@code size} images of {@code 3 x side x side} floats each, back to back, and their labels.
 * {@code size} may be less than the buffer holds in a validation batch with unreadable images left out; a training
 * batch is always full.
 */
public record ImageBatch(float[] pixels, long[] labels, int size, int side) {}
