package dev.trainingrun.trainer.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.IOException;
import java.util.Arrays;

/**
 * Turns decoded samples into 8-bit RGB the way PIL's {@code Image.convert("RGB")} does, torchvision's default
 * loader: from the raster's own samples, never through Java's colour management ({@code BufferedImage.getRGB}),
 * which would apply an embedded or assumed colour profile that PIL ignores.
 *
 * <ul>
 *   <li>palette images: the palette's colour; its alpha and any transparent index are dropped;</li>
 *   <li>grey: the level in all three channels; alpha dropped, not blended;</li>
 *   <li>RGB: as stored; alpha dropped;</li>
 *   <li>CMYK (as PIL has it: 0 is no ink): {@code (255 - k) - c × (255 - k) / 255} per channel, PIL's
 *       {@code cmyk2rgb} with its rounding ({@code MULDIV255}, Pillow's libImaging/Convert.c);</li>
 *   <li>samples of fewer than 8 bits: {@code v × 255 / (2^bits - 1)}, truncated, as PIL's unpackers (1, 2 and 4 bits
 *       are exact; 5 and 6 bits as in 16-bit BMPs);</li>
 *   <li>samples of more than 8 bits: see {@link WideSamples}.</li>
 * </ul>
 *
 * Other sample formats (floating point, 32-bit integers, signed samples) and colour spaces (Lab, YCbCr left
 * unconverted) are refused with an {@link IOException} that names them.
 */
final class RgbConversion {
    private RgbConversion() {}

    /** How samples wider than 8 bits become 8 bits: as PIL reads the format's 16-bit colour images. */
    enum WideSamples {
        /** The high byte ({@code v >> (bits - 8)}): PIL's PNG and TIFF unpackers ({@code RGB;16B}, {@code RGB;16L}). */
        HIGH_BYTE,
        /** {@code round(v × 255 / maxval)}: PIL's PPM decoder, which scales by the file's maximum value. */
        ROUNDED
    }

    static RgbImage convert(BufferedImage image, WideSamples wide) throws IOException {
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        if (model instanceof IndexColorModel palette) {
            return fromPalette(raster, palette);
        }
        return convertSamples(raster, model.getColorSpace().getType(), model.getNumColorComponents(), wide);
    }

    /** Samples of a colour space type ({@link ColorSpace#TYPE_GRAY}, ...) with {@code colours} colour bands first. */
    static RgbImage convertSamples(Raster raster, int space, int colours, WideSamples wide) throws IOException {
        boolean supported = space == ColorSpace.TYPE_GRAY && colours == 1 || space == ColorSpace.TYPE_RGB
                && colours == 3 || space == ColorSpace.TYPE_CMYK && colours == 4;
        if (!supported) {
            throw new IOException("unsupported colour space (type " + space + ", " + colours + " components)");
        }
        checkSampleFormat(raster.getSampleModel());
        RgbImage direct = interleavedRgb(raster, space);
        return direct != null ? direct : fromSamples(raster, colours, wide);
    }

    private static void checkSampleFormat(SampleModel samples) throws IOException {
        int type = samples.getDataType();
        boolean packed = samples instanceof SinglePixelPackedSampleModel;
        boolean integers = type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT;
        if (!integers && !(type == DataBuffer.TYPE_INT && packed)) {
            String name = switch (type) {
                case DataBuffer.TYPE_FLOAT -> "32-bit floating-point";
                case DataBuffer.TYPE_DOUBLE -> "64-bit floating-point";
                case DataBuffer.TYPE_SHORT -> "signed 16-bit";
                case DataBuffer.TYPE_INT -> "32-bit integer";
                default -> "type " + type;
            };
            throw unsupported(name + " samples");
        }
        for (int size : samples.getSampleSize()) {
            if (size > 16) {
                throw unsupported(size + "-bit samples");
            }
        }
    }

    /** A valid image whose samples the trainer does not map to RGB: named as unsupported, not as corrupt. */
    private static IOException unsupported(String samples) {
        return new ImageDecoder.UnreadableImageException("unsupported sample format: " + samples + ", which the "
                + "trainer does not read (convert the image to 8 or 16 bits per sample)");
    }

    private static RgbImage fromPalette(Raster raster, IndexColorModel palette) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int size = palette.getMapSize();
        byte[] reds = new byte[size];
        byte[] greens = new byte[size];
        byte[] blues = new byte[size];
        palette.getReds(reds);
        palette.getGreens(greens);
        palette.getBlues(blues);
        byte[] rgb = new byte[width * height * 3];
        int[] row = new int[width];
        for (int y = 0, o = 0; y < height; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
            for (int x = 0; x < width; x++, o += 3) {
                int index = row[x];
                if (index < size) { // beyond the palette PIL has black, as the array starts here
                    rgb[o] = reds[index];
                    rgb[o + 1] = greens[index];
                    rgb[o + 2] = blues[index];
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /**
     * The common case without a copy: a raster of 8-bit RGB or BGR triples back to back, as JPEG and most RGB files
     * decode to, becomes the image's own array (BGR swapped in place). Null for any other layout.
     */
    private static RgbImage interleavedRgb(Raster raster, int space) {
        if (space != ColorSpace.TYPE_RGB || raster.getNumBands() != 3
                || !(raster.getSampleModel() instanceof ComponentSampleModel samples)
                || !(raster.getDataBuffer() instanceof DataBufferByte buffer)) {
            return null;
        }
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] data = buffer.getData();
        int[] offsets = samples.getBandOffsets();
        boolean rgbOrder = Arrays.equals(offsets, new int[] {0, 1, 2});
        boolean bgrOrder = Arrays.equals(offsets, new int[] {2, 1, 0});
        if (!(rgbOrder || bgrOrder) || samples.getPixelStride() != 3 || samples.getScanlineStride() != 3 * width
                || buffer.getNumBanks() != 1 || buffer.getOffset() != 0 || data.length != 3 * width * height
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
            return null;
        }
        if (bgrOrder) {
            for (int i = 0; i < data.length; i += 3) {
                byte blue = data[i];
                data[i] = data[i + 2];
                data[i + 2] = blue;
            }
        }
        return new RgbImage(width, height, data);
    }

    private static RgbImage fromSamples(Raster raster, int colours, WideSamples wide) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int bands = raster.getNumBands();
        int[] bits = raster.getSampleModel().getSampleSize();
        byte[] rgb = new byte[width * height * 3];
        int[] row = new int[width * bands];
        int[] v = new int[colours];
        for (int y = 0, o = 0; y < height; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0, i = 0; x < width; x++, i += bands, o += 3) {
                for (int c = 0; c < colours; c++) {
                    v[c] = to8Bits(row[i + c], bits[c], wide);
                }
                switch (colours) {
                    case 1 -> rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte) v[0];
                    case 3 -> {
                        rgb[o] = (byte) v[0];
                        rgb[o + 1] = (byte) v[1];
                        rgb[o + 2] = (byte) v[2];
                    }
                    default -> {
                        int noBlack = 255 - v[3];
                        rgb[o] = (byte) (noBlack - mulDiv255(v[0], noBlack));
                        rgb[o + 1] = (byte) (noBlack - mulDiv255(v[1], noBlack));
                        rgb[o + 2] = (byte) (noBlack - mulDiv255(v[2], noBlack));
                    }
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    static int to8Bits(int value, int bits, WideSamples wide) {
        if (bits == 8) {
            return value;
        }
        int max = (1 << bits) - 1;
        if (bits < 8) {
            return value * 255 / max;
        }
        return wide == WideSamples.HIGH_BYTE ? value >> (bits - 8) : (int) ((2L * value * 255 + max) / (2L * max));
    }

    /** a × b / 255 rounded, exactly as Pillow's MULDIV255 macro computes it. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
