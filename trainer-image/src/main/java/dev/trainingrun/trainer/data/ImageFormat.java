package dev.trainingrun.trainer.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/** The image formats torchvision's default loader reads that the trainer reads too, by their ImageIO readers. */
public enum ImageFormat {
    JPEG("JPEG", Set.of("jpeg", "jpg")),
    PNG("PNG", Set.of("png")),
    GIF("GIF", Set.of("gif")),
    BMP("BMP", Set.of("bmp")),
    TIFF("TIFF", Set.of("tiff", "tif")),
    WEBP("WebP", Set.of("webp")),
    PNM("PPM/PGM/PBM", Set.of("pnm", "ppm", "pgm", "pbm"));

    private final String title;
    private final Set<String> readerNames;

    ImageFormat(String title, Set<String> readerNames) {
        this.title = title;
        this.readerNames = readerNames;
    }

    public String title() {
        return title;
    }

    /** The format an ImageIO reader reads, or null for one the trainer does not use (WBMP, ICO, ...). */
    static ImageFormat of(ImageReader reader) {
        ImageReaderSpi provider = reader.getOriginatingProvider();
        if (provider == null) {
            return null;
        }
        for (ImageFormat format : values()) {
            for (String name : provider.getFormatNames()) {
                if (format.readerNames.contains(name.toLowerCase(Locale.ROOT))) {
                    return format;
                }
            }
        }
        return null;
    }

    /** How this format's samples of more than 8 bits become 8 bits, as PIL reads its 16-bit colour images. */
    RgbConversion.WideSamples wideSamples() {
        return this == PNM ? RgbConversion.WideSamples.ROUNDED : RgbConversion.WideSamples.HIGH_BYTE;
    }

    /**
     * Fails for files of this format that the reader would decode wrongly without an error:
     * <ul>
     *   <li>WebP shorter than its RIFF header says: TwelveMonkeys' lossless decoder reads missing bits as zeros;</li>
     *   <li>PPM/PGM whose maximum value is neither 255 nor 65535: TwelveMonkeys' PNM reader scales such samples with
     *       sign-extended bytes (values of 128 and more come out wrong), where PIL scales them to 255 exactly; and
     *       PAM (P7), which PIL does not read.</li>
     * </ul>
     */
    void checkSupported(ImageInputStream input) throws IOException {
        if (this == WEBP) {
            checkRiffLength(input);
        } else if (this == PNM) {
            checkPnmMaximum(input);
        }
    }

    private static void checkRiffLength(ImageInputStream input) throws IOException {
        input.mark();
        byte[] header = new byte[8];
        input.readFully(header);
        input.reset();
        long declared = 8 + (ByteBuffer.wrap(header, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL);
        long length = input.length();
        if (length >= 0 && length < declared) {
            throw new ImageDecoder.UnreadableImageException("truncated: the file has " + length + " of the "
                    + declared + " bytes its RIFF header declares");
        }
    }

    private static void checkPnmMaximum(ImageInputStream input) throws IOException {
        input.mark();
        try {
            String magic = token(input);
            if (magic.equals("P7")) {
                throw new ImageDecoder.UnreadableImageException("a PAM (P7) file, which PIL does not read");
            }
            if (magic.equals("P1") || magic.equals("P4")) {
                return; // bitmaps: no maximum value
            }
            token(input); // width
            token(input); // height
            String maximum = token(input);
            if (!maximum.equals("255") && !maximum.equals("65535")) {
                throw new ImageDecoder.UnreadableImageException("a PPM/PGM file with maximum value " + maximum
                        + ": the trainer reads those with 255 or 65535");
            }
        } finally {
            input.reset();
        }
    }

    /** The next whitespace-separated token of a PNM header, past "#" comments. */
    private static String token(ImageInputStream input) throws IOException {
        StringBuilder token = new StringBuilder();
        for (int c = input.read(); c != -1; c = input.read()) {
            if (c == '#' && token.length() == 0) {
                while (c != -1 && c != '\n' && c != '\r') {
                    c = input.read();
                }
            } else if (Character.isWhitespace(c)) {
                if (token.length() > 0) {
                    return token.toString();
                }
            } else if (token.length() < 16) {
                token.append((char) c);
            } else {
                break;
            }
        }
        return token.toString();
    }

    /**
     * Whether a reader's warning means that pixel data was missing and the reader made up the rest: the JDK's JPEG
     * decoder (libjpeg) warns and fills the rest of the image with grey where PIL refuses a truncated file. Other
     * warnings (an ICC profile ignored, extraneous bytes skipped) leave the pixels as PIL has them.
     */
    boolean meansMissingData(String warning) {
        return this == JPEG && (warning.contains("Truncated File") || warning.contains("premature end"));
    }
}
