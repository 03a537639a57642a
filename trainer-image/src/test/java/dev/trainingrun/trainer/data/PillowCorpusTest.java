package dev.trainingrun.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.testing.AdobeJpeg;
import dev.trainingrun.trainer.PythonReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference decides: Pillow writes every (format, mode) torchvision's loader reads and decodes each file as that
 * loader does ({@code src/test/python/image_corpus.py}); the trainer decodes the same files. Lossless formats must
 * come out identical, JPEG within the differences of two correct IDCTs, lossy WebP within the measured difference of
 * TwelveMonkeys' VP8 decoder (docs/trainer.md); files PIL refuses (truncated, not images) the trainer refuses too.
 * The JDK's JPEG encoder adds the four-channel JPEGs Pillow cannot write (YCCK) or writes differently (CMYK).
 * Needs Debian's python3-pil (hack/test installs it): skipped without, except under CI=true.
 */
class PillowCorpusTest {
    /** Two correct IDCTs (libjpeg's in the JDK, libjpeg-turbo's in Pillow) agree to this; measured: identical. */
    private static final double JPEG_MEAN = 1;
    private static final int JPEG_MAX = 8;
    /**
     * TwelveMonkeys' VP8 decoder takes chroma from the nearest 2x2 block where libwebp interpolates it: measured on
     * this corpus' noisy pattern mean 5.9, max 61 levels at sharp colour edges.
     */
    private static final double LOSSY_WEBP_MEAN = 6.5;
    private static final int LOSSY_WEBP_MAX = 64;

    /** Files PIL reads that the trainer refuses on purpose, with the start of the reason (docs/trainer.md). */
    private static final Map<String, String> REFUSED_ON_PURPOSE = Map.of(
            "pgm-L-maxval-1000.pgm", "a PPM/PGM file with maximum value 1000");

    @TempDir
    static Path corpus;

    private static List<JsonNode> reference;
    private final ImageDecoder decoder = ImageDecoder.forThisProcess();

    @BeforeAll
    static void makeCorpus() throws Exception {
        PythonReference.require("PIL", "This test compares the trainer's decoding with Pillow's",
                "Debian's python3-pil");
        AdobeJpeg.write(corpus.resolve("jpeg-YCCK.jpg"), 41, 27, AdobeJpeg.Transform.YCCK);
        AdobeJpeg.write(corpus.resolve("jpeg-CMYK-by-libjpeg.jpg"), 41, 27, AdobeJpeg.Transform.CMYK);
        System.out.print(PythonReference.run(Duration.ofMinutes(2), "image_corpus.py", corpus.toString()));
        reference = new ArrayList<>();
        new ObjectMapper().readTree(corpus.resolve("reference.json").toFile()).forEach(reference::add);
    }

    @Test
    void everyFileDecodesToPillowsPixels() throws Exception {
        Set<String> formats = new TreeSet<>();
        List<String> report = new ArrayList<>();
        for (JsonNode entry : reference) {
            String file = entry.get("file").asText();
            if (entry.has("error") || REFUSED_ON_PURPOSE.containsKey(file)) {
                continue;
            }
            RgbImage image = decoder.decode(corpus.resolve(file));
            byte[] expected = Files.readAllBytes(corpus.resolve(entry.get("rgb").asText()));
            assertEquals(entry.get("width").asInt(), image.width(), file);
            assertEquals(entry.get("height").asInt(), image.height(), file);
            formats.add(entry.get("format").asText());
            Difference difference = Difference.of(expected, image.rgb());
            report.add(String.format(Locale.ROOT, "%-32s %-5s %-5s mean |d| %.3f max %d", file,
                    entry.get("format").asText(), entry.get("mode").asText(), difference.mean(), difference.max()));
            if (!entry.get("lossy").asBoolean()) {
                assertArrayEquals(expected, image.rgb(), file + " is lossless: " + difference);
            } else if (entry.get("format").asText().equals("WEBP")) {
                assertTrue(difference.mean() <= LOSSY_WEBP_MEAN && difference.max() <= LOSSY_WEBP_MAX,
                        file + ": " + difference);
            } else {
                assertTrue(difference.mean() <= JPEG_MEAN && difference.max() <= JPEG_MAX, file + ": " + difference);
            }
        }
        System.out.println(String.join("\n", report));
        assertEquals(Set.of("BMP", "GIF", "JPEG", "PNG", "PPM", "TIFF", "WEBP"), formats);
    }

    @Test
    void filesPillowRefusesAreRefused() {
        int refused = 0;
        for (JsonNode entry : reference) {
            if (entry.has("error")) {
                String file = entry.get("file").asText();
                ImageDecoder.UnreadableImageException e = assertThrows(ImageDecoder.UnreadableImageException.class,
                        () -> decoder.decode(corpus.resolve(file)), file + ": PIL says " + entry.get("error"));
                System.out.println(file + ": " + e.getMessage() + " (PIL: " + entry.get("error").asText() + ")");
                refused++;
            }
        }
        assertTrue(refused >= 15, "the corpus has truncated copies of every format, and files that are no images");
    }

    @Test
    void filesDecodedWrongByImageIoAreRefusedThoughPillowReadsThem() {
        REFUSED_ON_PURPOSE.forEach((file, reason) -> {
            assertTrue(reference.stream().anyMatch(e -> e.get("file").asText().equals(file) && !e.has("error")), file);
            ImageDecoder.UnreadableImageException e = assertThrows(ImageDecoder.UnreadableImageException.class,
                    () -> decoder.probe(corpus.resolve(file)));
            assertTrue(e.getMessage().startsWith(reason), e.getMessage());
        });
    }

    @Test
    void theHeaderTellsPillowsSizeAndFormat() throws Exception {
        for (JsonNode entry : reference) {
            if (!entry.has("error") && !REFUSED_ON_PURPOSE.containsKey(entry.get("file").asText())) {
                String file = entry.get("file").asText();
                ImageDecoder.Header header = decoder.probe(corpus.resolve(file));
                assertEquals(List.of(entry.get("width").asInt(), entry.get("height").asInt()),
                        List.of(header.width(), header.height()), file);
                String pil = entry.get("format").asText();
                assertEquals(pil.equals("PPM") ? ImageFormat.PNM : ImageFormat.valueOf(pil), header.format(), file);
            }
        }
    }

    /** Issue 18's three rows, where the trainer used to train on shifted colours without a word. */
    @Test
    void theIssuesThreeRowsHaveTheirRightValues() throws Exception {
        RgbImage cmyk = decoder.decode(corpus.resolve("issue-cmyk.jpg"));
        int[] centre = {cmyk.value(32, 32, 0), cmyk.value(32, 32, 1), cmyk.value(32, 32, 2)};
        int[] made = {40, 160, 60};
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(centre[c] - made[c]) <= 2, "CMYK JPEG centre " + List.of(centre[0], centre[1],
                    centre[2]) + ", made from (40, 160, 60); it was (110, 208, 133) through Java's colour conversion");
        }
        // 16-bit grey: the high byte, where torchvision gives 255 (pytorch/vision#2218) and Java's conversion 137, 225.
        assertArrayEquals(bytes(64, 64, 64, 192, 192, 192), decoder.decode(corpus.resolve("issue-grey16.png")).rgb());
        // Grey + alpha: the grey, alpha dropped, where Java's conversion gave 137 / 188 / 225.
        assertArrayEquals(bytes(64, 64, 64, 128, 128, 128, 192, 192, 192),
                decoder.decode(corpus.resolve("issue-la.png")).rgb());
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    /** Mean and largest absolute difference of two images' 8-bit samples. */
    private record Difference(double mean, int max) {
        static Difference of(byte[] expected, byte[] actual) {
            if (expected.length != actual.length) {
                return new Difference(Double.POSITIVE_INFINITY, Integer.MAX_VALUE);
            }
            long sum = 0;
            int max = 0;
            for (int i = 0; i < expected.length; i++) {
                int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
                sum += d;
                max = Math.max(max, d);
            }
            return new Difference((double) sum / expected.length, max);
        }
    }
}
