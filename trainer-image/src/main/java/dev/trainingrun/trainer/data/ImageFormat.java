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
     * Fails when the file is shorter than its own header says. TwelveMonkeys' lossless WebP decoder decodes a
     * truncated file without an error (the missing bits read as zeros); a RIFF file states its length up front.
     */
    void checkComplete(ImageInputStream input) throws IOException {
        if (this != WEBP) {
            return;
        }
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

    /**
     * Whether a reader's warning means that pixel data was missing and the reader made up the rest: the JDK's JPEG
     * decoder (libjpeg) warns and fills the rest of the image with grey where PIL refuses a truncated file. Other
     * warnings (an ICC profile ignored, extraneous bytes skipped) leave the pixels as PIL has them.
     */
    boolean meansMissingData(String warning) {
        return this == JPEG && (warning.contains("Truncated File") || warning.contains("premature end"));
    }
}
