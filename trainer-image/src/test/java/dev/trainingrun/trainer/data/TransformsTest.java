package dev.trainingrun.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransformsTest {
    private static final Normalizer HALF = Normalizer.of(List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5));

    @Test
    void randomResizedCropKeepsTorchvisionsScaleAndLogUniformRatio() {
        SplittableRandom random = new SplittableRandom(42);
        // Square, so that rejected boxes (too wide or too tall to fit) do not favour either orientation.
        int width = 300;
        int height = 300;
        int samples = 20000;
        int wide = 0;
        double logRatioSum = 0;
        for (int i = 0; i < samples; i++) {
            CropBox box = TorchvisionRandomResizedCrop.sample(width, height, random);
            assertTrue(box.left() >= 0 && box.top() >= 0 && box.left() + box.width() <= width
                    && box.top() + box.height() <= height, box::toString);
            double scale = box.width() * box.height() / (width * height);
            double ratio = box.width() / box.height();
            // Rounding to whole pixels moves the edges of the ranges by a little.
            assertTrue(scale > 0.075 && scale <= 1.0, () -> "scale " + scale);
            assertTrue(ratio > 0.74 && ratio < 1.35, () -> "ratio " + ratio);
            wide += ratio > 1 ? 1 : 0;
            logRatioSum += Math.log(ratio);
        }
        // Log-uniform on [log 3/4, log 4/3] is symmetric around ratio 1: half wider, half taller, mean log 0.
        // (A uniform ratio on [3/4, 4/3], DJL's choice, would put 57 % above 1.)
        assertEquals(0.5, (double) wide / samples, 0.015);
        assertEquals(0.0, logRatioSum / samples, 0.005);
    }

    @Test
    void fallsBackToTheCentredBoxWithClampedRatioWhenNothingFits() {
        assertEquals(new CropBox(0, 30, 10, 13), TorchvisionRandomResizedCrop.fallback(10, 73));
        assertEquals(new CropBox(31, 0, 13, 10), TorchvisionRandomResizedCrop.fallback(75, 10));
        assertEquals(new CropBox(0, 0, 50, 40), TorchvisionRandomResizedCrop.fallback(50, 40));
        // A 1000x3 strip leaves no random box room: the fallback is what comes out.
        assertEquals(TorchvisionRandomResizedCrop.fallback(1000, 3),
                TorchvisionRandomResizedCrop.sample(1000, 3, new SplittableRandom(1)));
    }

    @Test
    void centreCropIsResizeShorterSideThenCrop() {
        // 200x100 resized to 128x64, then a centre 64x64 crop: source columns 50..150.
        assertEquals(new CropBox(50, 0, 100, 100), TorchvisionCenterCrop.box(200, 100, 64));
        assertEquals(new CropBox(0, 0, 80, 80), TorchvisionCenterCrop.box(80, 80, 64));
    }

    @Test
    void trainingOutputHasTheRightShapeAndNormalisedValues() {
        RgbImage image = solid(90, 60, 255, 0, 51);
        float[] out = new float[2 * 3 * 32 * 32];
        ImageTransform.training(32, HALF).apply(image, new SplittableRandom(3), out, 3 * 32 * 32);
        // A solid colour stays solid whatever the crop: (p/255 - 0.5) / 0.5 per channel.
        for (int i = 0; i < 32 * 32; i++) {
            assertEquals(1.0f, out[3 * 32 * 32 + i], 1e-5f);
            assertEquals(-1.0f, out[3 * 32 * 32 + 32 * 32 + i], 1e-5f);
            assertEquals(-0.6f, out[3 * 32 * 32 + 2 * 32 * 32 + i], 1e-5f);
        }
        for (int i = 0; i < 3 * 32 * 32; i++) {
            assertEquals(0f, out[i], "the transform wrote outside its slot at " + i);
        }
    }

    @Test
    void normalisationGivesMeanZeroAndUnitStdForMatchingStatistics() {
        SplittableRandom random = new SplittableRandom(5);
        byte[] rgb = new byte[64 * 64 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) random.nextInt(256);
        }
        // Uniform 0..255 has mean 127.5/255 = 0.5 and std 0.2887 in [0, 1].
        Normalizer normalizer = Normalizer.of(List.of(0.5, 0.5, 0.5), List.of(0.2887, 0.2887, 0.2887));
        float[] out = new float[3 * 64 * 64];
        ImageTransform.validation(64, normalizer).apply(new RgbImage(64, 64, rgb), random, out, 0);
        double mean = 0;
        for (float v : out) {
            mean += v;
        }
        mean /= out.length;
        double var = 0;
        for (float v : out) {
            var += (v - mean) * (v - mean);
        }
        assertEquals(0.0, mean, 0.02);
        assertEquals(1.0, Math.sqrt(var / out.length), 0.02);
    }

    @Test
    void validationIsDeterministicAndAtTheSameSizeCopiesPixels() {
        SplittableRandom random = new SplittableRandom(9);
        byte[] rgb = new byte[16 * 16 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) random.nextInt(256);
        }
        RgbImage image = new RgbImage(16, 16, rgb);
        float[] a = new float[3 * 16 * 16];
        float[] b = new float[3 * 16 * 16];
        ImageTransform.validation(16, Normalizer.none()).apply(image, new SplittableRandom(1), a, 0);
        ImageTransform.validation(16, Normalizer.none()).apply(image, new SplittableRandom(2), b, 0);
        assertArrayEquals(a, b);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    assertEquals(image.value(x, y, c) / 255f, a[c * 256 + y * 16 + x], 1e-6f);
                }
            }
        }
    }

    @Test
    void shrinkingAveragesLikeAnAntialiasedFilter() {
        // A one-pixel checkerboard shrunk 4x must come out grey, not aliased to black or white.
        byte[] rgb = new byte[64 * 64 * 3];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                byte v = (byte) ((x + y) % 2 == 0 ? 255 : 0);
                rgb[(y * 64 + x) * 3] = rgb[(y * 64 + x) * 3 + 1] = rgb[(y * 64 + x) * 3 + 2] = v;
            }
        }
        float[] out = new float[3 * 16 * 16];
        ImageTransform.validation(16, Normalizer.none()).apply(new RgbImage(64, 64, rgb), null, out, 0);
        for (float v : out) {
            assertEquals(0.5f, v, 0.02f);
        }
    }

    @Test
    void flippingMirrorsColumns() {
        byte[] rgb = new byte[8 * 8 * 3];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                rgb[(y * 8 + x) * 3] = (byte) (x * 30);
            }
        }
        RgbImage image = new RgbImage(8, 8, rgb);
        float[] plain = new float[3 * 8 * 8];
        float[] flipped = new float[3 * 8 * 8];
        CropBox all = new CropBox(0, 0, 8, 8);
        Normalizer none = Normalizer.none();
        Resampler.resize(image, all, 8, false, none.scale(), none.shift(), plain, 0);
        Resampler.resize(image, all, 8, true, none.scale(), none.shift(), flipped, 0);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(plain[y * 8 + x], flipped[y * 8 + 7 - x]);
            }
        }
    }

    private static RgbImage solid(int width, int height, int r, int g, int b) {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++) {
            rgb[3 * i] = (byte) r;
            rgb[3 * i + 1] = (byte) g;
            rgb[3 * i + 2] = (byte) b;
        }
        return new RgbImage(width, height, rgb);
    }
}
