package dev.trainingrun.trainer.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reads an image file into RGB as torchvision's default loader does ({@code PIL.Image.convert("RGB")}): alpha is
 * dropped, not blended, and grey levels are copied to all three channels without colour-space conversion.
 */
public final class ImageDecoder {
    static {
        // Decoding runs on several loader threads at once; ImageIO's disk cache only adds file writes.
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {}

    /** Decodes a file; an {@link IOException} says why it could not be read. */
    public static RgbImage decode(Path file) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (RuntimeException e) {
            // Some ImageIO readers report corrupt data with unchecked exceptions.
            throw new IOException("corrupt image data: " + e, e);
        }
        if (image == null) {
            throw new IOException("not an image format this trainer decodes");
        }
        return toRgb(image);
    }

    static RgbImage toRgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] rgb = new byte[width * height * 3];
        switch (image.getType()) {
            case BufferedImage.TYPE_3BYTE_BGR -> swap(data(image), 3, 0, rgb);
            case BufferedImage.TYPE_4BYTE_ABGR -> swap(data(image), 4, 1, rgb);
            case BufferedImage.TYPE_BYTE_GRAY -> {
                byte[] grey = data(image);
                for (int i = 0; i < grey.length; i++) {
                    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
                }
            }
            default -> {
                int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
                for (int i = 0; i < argb.length; i++) {
                    rgb[3 * i] = (byte) (argb[i] >> 16);
                    rgb[3 * i + 1] = (byte) (argb[i] >> 8);
                    rgb[3 * i + 2] = (byte) argb[i];
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static byte[] data(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    /** Copies pixels stored as [skip bytes] B G R into R G B. */
    private static void swap(byte[] source, int stride, int skip, byte[] rgb) {
        for (int i = 0, o = 0; o < rgb.length; i += stride, o += 3) {
            rgb[o] = source[i + skip + 2];
            rgb[o + 1] = source[i + skip + 1];
            rgb[o + 2] = source[i + skip];
        }
    }
}
