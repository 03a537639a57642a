package dev.trainingrun.trainer.data;

import dev.trainingrun.trainer.files.IoErrors;
import java.awt.Dimension;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads image files as torchvision's default loader does ({@code PIL.Image.open(f).convert("RGB")}, no EXIF
 * rotation): the format is found from the content, not the name, and the samples become RGB as {@link RgbConversion}
 * describes. ImageIO reads the formats, with the TwelveMonkeys plugins where the JDK has none (WebP, PPM/PGM) or reads
 * wrong colours (CMYK and YCCK JPEG); the first frame or page of GIF, TIFF and WebP is the image.
 *
 * <p>Every failure is an {@link IOException} whose message says why, for the log line that names the file: no
 * supported format, a decoder's error on corrupt data, data that ends early (which ImageIO's JPEG and GIF readers
 * would otherwise fill in with grey or leave blank, and PIL refuses), more pixels than PIL opens, or more memory than
 * the decoder may use.
 *
 * <p>Memory: a decode holds the decoded samples and the RGB copy at once, at most {@code 2 × stored bytes per pixel
 * + 3} bytes per pixel (2 × for the CMYK JPEG path, which reads a raster and converts it). Decodes on different
 * threads share one budget, so several loader threads with large photos wait for each other rather than exhaust the
 * heap; an image that needs more than the whole budget is refused. Both bounds come from the header alone, so
 * {@link #probe} tells in advance, and identically on every attempt, which files a run will be able to decode.
 */
public final class ImageDecoder {
    /**
     * Pillow's {@code Image.MAX_IMAGE_PIXELS}, {@code int(1024 * 1024 * 1024 // 4 // 3)}: PIL warns above it and
     * refuses to open an image with more than twice as many pixels ({@code DecompressionBombError}).
     */
    static final long PIL_MAX_IMAGE_PIXELS = 89_478_485L;
    /** The most pixels an image may have: where PIL refuses, so torchvision cannot train on it either. */
    public static final long MAX_PIXELS = 2 * PIL_MAX_IMAGE_PIXELS;

    private static final int MIB = 1 << 20;

    static {
        // Decoding runs on several loader threads at once; ImageIO's disk cache only adds file writes.
        ImageIO.setUseCache(false);
    }

    private final long budgetBytes;
    private final Semaphore budget;

    /** A decoder whose decodes together hold at most {@code budgetBytes} (rounded down to whole MiB). */
    public ImageDecoder(long budgetBytes) {
        int mebibytes = (int) Math.min(Integer.MAX_VALUE, budgetBytes / MIB);
        this.budgetBytes = (long) mebibytes * MIB;
        this.budget = new Semaphore(mebibytes, true);
    }

    /** A decoder that may use half of this JVM's maximum heap; the rest is the batches', and everything else's. */
    public static ImageDecoder forThisProcess() {
        return new ImageDecoder(Runtime.getRuntime().maxMemory() / 2);
    }

    /** What an image's header says: its format, its size, and the bytes decoding it takes at most. */
    public record Header(ImageFormat format, int width, int height, long decodeBytes) {}

    /**
     * Reads only the header (a few kilobytes), and checks what the header alone can tell: a supported format, the
     * pixel limit, the memory budget. A file that passes can still fail to {@link #decode} (corrupt or missing pixel
     * data).
     */
    public Header probe(Path file) throws UnreadableImageException {
        return withReader(file, (reader, format) -> header(reader, format).header());
    }

    /** Decodes the first image in the file into 8-bit RGB. */
    public RgbImage decode(Path file) throws UnreadableImageException {
        return withReader(file, (reader, format) -> {
            Probed probed = header(reader, format);
            int permits = (int) Math.max(1, (probed.header().decodeBytes() + MIB - 1) / MIB);
            budget.acquireUninterruptibly(permits);
            try {
                return read(reader, format, probed.raw());
            } finally {
                budget.release(permits);
            }
        });
    }

    /** A header, and the reader's type for the samples as stored (null when the reader does not say). */
    private record Probed(Header header, ImageTypeSpecifier raw) {}

    private Probed header(ImageReader reader, ImageFormat format) throws IOException {
        Dimension size = format == ImageFormat.GIF ? GifScreen.size(reader)
                : new Dimension(reader.getWidth(0), reader.getHeight(0));
        int width = size.width;
        int height = size.height;
        long pixels = (long) width * height;
        if (width <= 0 || height <= 0) {
            throw new UnreadableImageException("its header gives a size of " + width + " x " + height + " pixels");
        }
        if (pixels > MAX_PIXELS) {
            throw new UnreadableImageException(String.format(Locale.ROOT, "%d x %d = %,d pixels, more than the %,d PIL "
                    + "opens (its decompression-bomb limit, twice Image.MAX_IMAGE_PIXELS)", width, height, pixels,
                    MAX_PIXELS));
        }
        ImageTypeSpecifier raw = reader.getRawImageType(0);
        long bytes = pixels * (2L * storedBytesPerPixel(raw) + 3);
        if (bytes > budgetBytes) {
            throw new UnreadableImageException(String.format(Locale.ROOT, "%d x %d pixels take about %,d MiB to "
                    + "decode, more than the %,d MiB the trainer sets aside for decoding (half its Java heap); give the "
                    + "trainer more memory", width, height, (bytes + MIB - 1) / MIB, budgetBytes / MIB));
        }
        return new Probed(new Header(format, width, height, bytes), raw);
    }

    private static RgbImage read(ImageReader reader, ImageFormat format, ImageTypeSpecifier raw) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        if (format == ImageFormat.JPEG && raw != null
                && raw.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
            WritableRaster cmyk = JpegCmyk.read(reader);
            checkWarnings(warnings, format);
            return RgbConversion.convertSamples(cmyk, ColorSpace.TYPE_CMYK, 4, format.wideSamples());
        }
        ImageReadParam param = reader.getDefaultReadParam();
        if (raw != null) {
            // The samples as stored: no conversion to another colour space on the way (PIL ignores profiles).
            param.setDestinationType(raw);
        }
        BufferedImage image = reader.read(0, param);
        checkWarnings(warnings, format);
        if (format == ImageFormat.GIF) {
            image = GifScreen.compose(reader, image);
        }
        return RgbConversion.convert(image, format.wideSamples());
    }

    private static void checkWarnings(List<String> warnings, ImageFormat format) throws UnreadableImageException {
        for (String warning : warnings) {
            if (format.meansMissingData(warning)) {
                throw new UnreadableImageException("truncated: " + warning);
            }
        }
    }

    /** Bytes per pixel of the decoded raster; 8 (16-bit RGBA, the most) when the reader does not say. */
    private static int storedBytesPerPixel(ImageTypeSpecifier raw) {
        if (raw == null) {
            return 8;
        }
        SampleModel samples = raw.getSampleModel();
        int bytesPerSample = Math.max(1, DataBuffer.getDataTypeSize(samples.getDataType()) / 8);
        return samples instanceof SinglePixelPackedSampleModel ? bytesPerSample
                : bytesPerSample * samples.getNumBands();
    }

    private interface ReaderAction<T> {
        T apply(ImageReader reader, ImageFormat format) throws IOException;
    }

    private static <T> T withReader(Path file, ReaderAction<T> action) throws UnreadableImageException {
        try (ImageInputStream input = open(file)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            while (readers.hasNext()) {
                ImageReader reader = readers.next();
                ImageFormat format = ImageFormat.of(reader);
                if (format == null) {
                    continue; // a format torchvision's loader does not read (WBMP, ICO, ...)
                }
                try {
                    format.checkSupported(input);
                    // GIF's metadata places the first frame on its screen.
                    reader.setInput(input, true, format != ImageFormat.GIF);
                    return action.apply(reader, format);
                } finally {
                    reader.dispose();
                }
            }
            throw new UnreadableImageException("not an image in a format the trainer reads (" + Arrays.stream(
                    ImageFormat.values()).map(ImageFormat::title).reduce((a, b) -> a + ", " + b).orElseThrow() + ")");
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableImageException(describe(e), e);
        } catch (RuntimeException | StackOverflowError e) {
            // Decoders report some corrupt data with unchecked exceptions (or recurse on a looping structure).
            throw new UnreadableImageException("corrupt image data: " + e, e);
        }
    }

    private static ImageInputStream open(Path file) throws UnreadableImageException {
        if (!Files.isRegularFile(file)) {
            // Opening a named pipe would wait for a writer; a broken link says where it pointed.
            throw new UnreadableImageException(Files.isSymbolicLink(file) ? "a link to " + linkTarget(file)
                    + ", which does not exist" : Files.exists(file) ? "not a regular file" : "does not exist");
        }
        try {
            return new FileImageInputStream(file.toFile());
        } catch (IOException e) {
            throw new UnreadableImageException("cannot be opened: " + IoErrors.describe(e, file), e);
        }
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "a file";
        }
    }

    /** A reader's exception as a reason: the data ending early says "truncated", whatever the reader wraps it in. */
    private static String describe(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof EOFException) {
                return "truncated: the file ends before its image data does";
            }
        }
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !cause.getMessage().equals(message)) {
            message = message + ": " + cause.getMessage();
        }
        return "corrupt image data: " + (message != null ? message : IoErrors.describe(e, null));
    }

    /** Why a file cannot be read as an image; the message is the reason, for a log line that names the file. */
    public static final class UnreadableImageException extends IOException {
        UnreadableImageException(String reason) {
            super(reason);
        }

        UnreadableImageException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
