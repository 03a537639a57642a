package dev.trainingrun.trainer.data;

import java.util.random.RandomGenerator;

/** Turns a decoded image into {@code 3 x size x size} network input at a position of a batch buffer. */
public interface ImageTransform {

    /** The side of the square output. */
    int size();

    /** Writes the transformed image into {@code out} from {@code offset}; {@code random} drives any augmentation. */
    void apply(RgbImage image, RandomGenerator random, float[] out, int offset);

    /** Training: random resized crop (torchvision's parameters), horizontal flip with probability 1/2, normalise. */
    static ImageTransform training(int size, Normalizer normalizer) {
        return new ImageTransform() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public void apply(RgbImage image, RandomGenerator random, float[] out, int offset) {
                CropBox box = TorchvisionRandomResizedCrop.sample(image.width(), image.height(), random);
                boolean flip = random.nextDouble() < 0.5;
                Resampler.resize(image, box, size, flip, normalizer.scale(), normalizer.shift(), out, offset);
            }
        };
    }

    /** Validation: resize the shorter side to {@code size}, centre crop, normalise; no randomness. */
    static ImageTransform validation(int size, Normalizer normalizer) {
        return new ImageTransform() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public void apply(RgbImage image, RandomGenerator random, float[] out, int offset) {
                CropBox box = TorchvisionCenterCrop.box(image.width(), image.height(), size);
                Resampler.resize(image, box, size, false, normalizer.scale(), normalizer.shift(), out, offset);
            }
        };
    }
}
