package dev.trainingrun.trainer.data;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomResizedCrop.get_params}: up to ten tries at a box covering 8-100 % of the area with an
 * aspect ratio drawn log-uniformly from 3/4-4/3; if none fits, the largest centred box whose ratio is clamped
 * into that range.
 */
public final class TorchvisionRandomResizedCrop {
    static final double MIN_SCALE = 0.08;
    static final double MAX_SCALE = 1.0;
    static final double MIN_RATIO = 3.0 / 4.0;
    static final double MAX_RATIO = 4.0 / 3.0;
    private static final int ATTEMPTS = 10;

    private TorchvisionRandomResizedCrop() {}

    /** A crop box for an image of the given size. */
    public static CropBox sample(int width, int height, RandomGenerator random) {
        double area = (double) width * height;
        double logMin = Math.log(MIN_RATIO);
        double logMax = Math.log(MAX_RATIO);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * random.nextDouble(MIN_SCALE, MAX_SCALE);
            double ratio = Math.exp(random.nextDouble(logMin, logMax));
            // Python's round() rounds halves to even, as Math.rint does.
            int w = (int) Math.rint(Math.sqrt(targetArea * ratio));
            int h = (int) Math.rint(Math.sqrt(targetArea / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new CropBox(left, top, w, h);
            }
        }
        return fallback(width, height);
    }

    /** The centre crop used when no random box fits: the whole image, its aspect ratio clamped into range. */
    static CropBox fallback(int width, int height) {
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < MIN_RATIO) {
            w = width;
            h = (int) Math.rint(w / MIN_RATIO);
        } else if (inRatio > MAX_RATIO) {
            h = height;
            w = (int) Math.rint(h * MAX_RATIO);
        } else {
            w = width;
            h = height;
        }
        return new CropBox((width - w) / 2, (height - h) / 2, w, h);
    }
}
