package dev.trainingrun.trainer.data;

/**
 * torchvision's {@code Resize(size)} (shorter side to {@code size}, the longer one truncated to keep the ratio)
 * followed by {@code CenterCrop(size)}, expressed as one box in source pixels so it is a single resampling.
 */
public final class TorchvisionCenterCrop {
    private TorchvisionCenterCrop() {}

    /** The source box a square output of side {@code size} covers. */
    public static CropBox box(int width, int height, int size) {
        int resizedWidth;
        int resizedHeight;
        if (width <= height) {
            resizedWidth = size;
            resizedHeight = (int) ((long) size * height / width);
        } else {
            resizedHeight = size;
            resizedWidth = (int) ((long) size * width / height);
        }
        // CenterCrop's offsets in the resized image, rounded as torchvision rounds them.
        double top = Math.rint((resizedHeight - size) / 2.0);
        double left = Math.rint((resizedWidth - size) / 2.0);
        double scaleX = (double) width / resizedWidth;
        double scaleY = (double) height / resizedHeight;
        return new CropBox(left * scaleX, top * scaleY, size * scaleX, size * scaleY);
    }
}
