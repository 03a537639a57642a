package dev.trainingrun.trainer.generate;

import dev.trainingrun.trainer.files.IoErrors;
import dev.trainingrun.trainer.files.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A small image data set the project makes itself, so the quickstart and the tests need no download: one shape per
 * image (circle, square, triangle, cross, ring) in a random bright colour, size and position on dark coloured noise,
 * written as
 * PNG in ImageFolder layout ({@code train/<class>/…}, {@code val/<class>/…}). The same seed writes the same files.
 */
public final class ShapesDataSet {
    /** The shapes in the order classes are added as their number grows; labels follow the sorted names. */
    public static final List<String> SHAPES = List.of("circle", "square", "triangle", "cross", "ring");

    /** How many classes a data set can have: a classifier needs two, and there are as many as shapes. */
    public static final Range CLASSES = new Range(2, SHAPES.size());
    /**
     * The image side in pixels: below 16 the shapes cannot be told apart; 4096 is well above any spec.data.imageSize
     * (and the benchmark's sources, 8/7 of it), and an image is drawn whole in memory, 3 bytes a pixel.
     */
    public static final Range SIZE = new Range(16, 4096);
    /** Training images per class: a class without one cannot be trained. */
    public static final Range TRAIN_PER_CLASS = new Range(1, Integer.MAX_VALUE);
    /** Validation images per class: the benchmark's pipeline data set has none. */
    public static final Range VAL_PER_CLASS = new Range(0, Integer.MAX_VALUE);

    /** Largest deviation of a background pixel's channel from the background colour. */
    private static final int NOISE = 24;

    private ShapesDataSet() {}

    /** The values a number of a {@link Spec} may take, {@code min} to {@code max}. */
    public record Range(int min, int max) {
        /** What is wrong with {@code value}, named {@code name}, when it is outside the range. */
        public Optional<String> problem(String name, int value) {
            if (value >= min && value <= max) {
                return Optional.empty();
            }
            return Optional.of(name + ": " + (max == Integer.MAX_VALUE ? "must be at least " + min
                    : "must be between " + min + " and " + max) + ", got " + value);
        }

        private void check(String name, int value) {
            problem(name, value).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
        }
    }

    /**
     * How many classes and images, how large, from which seed.
     *
     * @throws IllegalArgumentException when a number is outside its range ({@link #CLASSES}, {@link #SIZE},
     *     {@link #TRAIN_PER_CLASS}, {@link #VAL_PER_CLASS})
     */
    public record Spec(int classes, int trainPerClass, int valPerClass, int size, long seed) {
        public Spec {
            CLASSES.check("classes", classes);
            TRAIN_PER_CLASS.check("trainPerClass", trainPerClass);
            VAL_PER_CLASS.check("valPerClass", valPerClass);
            SIZE.check("size", size);
        }
    }

    /** Writes the data set under {@code root}; existing files of the same names are replaced. */
    public static void write(Path root, Spec spec) {
        SplittableRandom seeds = new SplittableRandom(spec.seed());
        writeSplit(root.resolve("train"), spec, spec.trainPerClass(), seeds.split());
        writeSplit(root.resolve("val"), spec, spec.valPerClass(), seeds.split());
    }

    /** The classes a spec writes, in label order. */
    public static List<String> classes(Spec spec) {
        return SHAPES.subList(0, spec.classes()).stream().sorted().toList();
    }

    private static void writeSplit(Path dir, Spec spec, int perClass, SplittableRandom seeds) {
        for (String shape : classes(spec)) {
            Path classDir = dir.resolve(shape);
            try {
                Files.createDirectories(classDir);
                for (int i = 0; i < perClass; i++) {
                    byte[] png = Png.encode(draw(shape, spec.size(), seeds.split()));
                    Path file = classDir.resolve(String.format(Locale.ROOT, "%s-%04d.png", shape, i));
                    try {
                        Files.write(file, png);
                    } catch (IOException e) {
                        // A volume that fills up fails a write part-way: half a PNG would be a corrupt image.
                        Files.deleteIfExists(file);
                        throw e;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write images to " + classDir + ": "
                        + IoErrors.describe(e, classDir), e);
            }
        }
    }

    static BufferedImage draw(String shape, int size, SplittableRandom random) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        // A dark background and a bright shape: colours vary freely, the contrast's sign does not, which lets a
        // small network learn the shapes within a few epochs.
        int[] base = {random.nextInt(96), random.nextInt(96), random.nextInt(96)};
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int r = clamp(base[0] + random.nextInt(-NOISE, NOISE + 1));
                int g = clamp(base[1] + random.nextInt(-NOISE, NOISE + 1));
                int b = clamp(base[2] + random.nextInt(-NOISE, NOISE + 1));
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(contrasting(base, random));
        double extent = size * random.nextDouble(0.5, 0.85);
        double left = random.nextDouble(0, size - extent);
        double top = random.nextDouble(0, size - extent);
        float stroke = (float) (extent / 5);
        switch (shape) {
            case "circle" -> g.fill(new Ellipse2D.Double(left, top, extent, extent));
            case "square" -> g.fillRect((int) left, (int) top, (int) extent, (int) extent);
            case "triangle" -> g.fill(new Polygon(
                    new int[] {(int) left, (int) (left + extent), (int) (left + extent / 2)},
                    new int[] {(int) (top + extent), (int) (top + extent), (int) top}, 3));
            case "cross" -> {
                g.setStroke(new BasicStroke(stroke));
                g.drawLine((int) left, (int) (top + extent / 2), (int) (left + extent), (int) (top + extent / 2));
                g.drawLine((int) (left + extent / 2), (int) top, (int) (left + extent / 2), (int) (top + extent));
            }
            case "ring" -> {
                g.setStroke(new BasicStroke(stroke));
                g.draw(new Ellipse2D.Double(left + stroke / 2, top + stroke / 2, extent - stroke, extent - stroke));
            }
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        }
        g.dispose();
        return image;
    }

    /** A random colour clearly brighter than the background. */
    private static Color contrasting(int[] background, SplittableRandom random) {
        while (true) {
            int r = random.nextInt(256);
            int g = random.nextInt(256);
            int b = random.nextInt(256);
            if (r + g + b - background[0] - background[1] - background[2] > 300) {
                return new Color(r, g, b);
            }
        }
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
