package dev.trainingrun.trainer.data;

/**
 * Resizes a box of an RGB image to a square of normalised floats in channel-first order, with the antialiased
 * bilinear (triangle) filter PIL uses for torchvision's resizes: when shrinking, the filter widens with the scale so
 * every source pixel contributes. Horizontal pass, then vertical pass, in floats (PIL rounds to 8 bits in between;
 * the difference is below one grey level).
 */
public final class Resampler {
    private Resampler() {}

    /**
     * Writes {@code 3 * size * size} values to {@code out} from {@code offset}: channel c of pixel (x, y) is
     * {@code pixel * scale[c] + shift[c]}, with x mirrored when {@code flip}.
     */
    public static void resize(RgbImage image, CropBox box, int size, boolean flip, float[] scale, float[] shift,
            float[] out, int offset) {
        Weights columns = Weights.of(box.left(), box.width(), image.width(), size);
        Weights rows = Weights.of(box.top(), box.height(), image.height(), size);
        int firstRow = rows.first[0];
        int lastRow = rows.first[size - 1] + rows.count[size - 1];
        // Horizontal pass over the rows the vertical pass reads: rowsNeeded x size x 3.
        float[] horizontal = new float[(lastRow - firstRow) * size * 3];
        byte[] rgb = image.rgb();
        for (int y = firstRow; y < lastRow; y++) {
            int rowStart = y * image.width() * 3;
            int target = (y - firstRow) * size * 3;
            for (int x = 0; x < size; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                int source = rowStart + columns.first[x] * 3;
                int w = x * columns.taps;
                for (int k = 0; k < columns.count[x]; k++, source += 3) {
                    float weight = columns.weights[w + k];
                    r += (rgb[source] & 0xFF) * weight;
                    g += (rgb[source + 1] & 0xFF) * weight;
                    b += (rgb[source + 2] & 0xFF) * weight;
                }
                int t = target + (flip ? size - 1 - x : x) * 3;
                horizontal[t] = r;
                horizontal[t + 1] = g;
                horizontal[t + 2] = b;
            }
        }
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            int w = y * rows.taps;
            for (int x = 0; x < size; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                int source = ((rows.first[y] - firstRow) * size + x) * 3;
                for (int k = 0; k < rows.count[y]; k++, source += size * 3) {
                    float weight = rows.weights[w + k];
                    r += horizontal[source] * weight;
                    g += horizontal[source + 1] * weight;
                    b += horizontal[source + 2] * weight;
                }
                int o = offset + y * size + x;
                out[o] = clamp(r) * scale[0] + shift[0];
                out[o + plane] = clamp(g) * scale[1] + shift[1];
                out[o + 2 * plane] = clamp(b) * scale[2] + shift[2];
            }
        }
    }

    /** PIL clips the filtered value into 0-255 (the triangle filter cannot overshoot; rounding can, slightly). */
    private static float clamp(float value) {
        return Math.max(0f, Math.min(255f, value));
    }

    /** For each output position along one axis: the first source pixel, how many follow, and their weights. */
    private record Weights(int[] first, int[] count, float[] weights, int taps) {

        static Weights of(double start, double length, int sourceSize, int outSize) {
            double scale = length / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale;
            int taps = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            float[] weights = new float[outSize * taps];
            for (int i = 0; i < outSize; i++) {
                double center = start + (i + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), sourceSize);
                double total = 0;
                double[] raw = new double[max - min];
                for (int k = 0; k < raw.length; k++) {
                    raw[k] = triangle((k + min - center + 0.5) / filterScale);
                    total += raw[k];
                }
                first[i] = min;
                count[i] = raw.length;
                for (int k = 0; k < raw.length; k++) {
                    weights[i * taps + k] = (float) (total == 0 ? 0 : raw[k] / total);
                }
            }
            return new Weights(first, count, weights, taps);
        }

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1 ? 1 - a : 0;
        }
    }
}
