package dev.trainingrun.trainer.data;

/** A rectangle of source pixels, in (possibly fractional) pixel coordinates, that a transform resizes to its output. */
public record CropBox(double left, double top, double width, double height) {}
