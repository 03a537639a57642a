package dev.trainingrun.trainer.data;

import dev.trainingrun.trainer.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * torchvision's {@code ImageFolder}: classes are the sorted names of the root's sub-folders, a class's images are
 * the files with an image extension anywhere below its folder (links followed), in sorted folder-then-name order.
 *
 * <p>Two deliberate differences, both documented in docs/trainer.md: hidden folders (".something") are not classes,
 * and only the formats Java decodes are images (torchvision's .ppm, .pgm and .webp are not).
 */
public record ImageFolder(Path root, List<String> classes, List<Sample> samples) {
    /** Lower-case extensions of the files read as images. */
    public static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff");
    private static final Set<String> EXTENSION_SET = Set.copyOf(EXTENSIONS);

    /**
     * Lists a folder's classes and images. {@code field} names the manifest field the folder came from, for the
     * messages of the errors: a missing folder, a file instead of a folder, no class folders, classes without images.
     */
    public static ImageFolder scan(Path root, String field) {
        if (!Files.exists(root)) {
            throw new InvalidInputException(field + ": folder " + root + " does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException(field + ": " + root + " is not a folder");
        }
        List<String> classes = classFolders(root);
        if (classes.isEmpty()) {
            throw new InvalidInputException(field + ": folder " + root
                    + " has no class sub-folders; ImageFolder layout needs one sub-folder per class");
        }
        List<Sample> samples = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            List<Path> images = images(root.resolve(classes.get(label)));
            if (images.isEmpty()) {
                empty.add(field + ": class folder " + root.resolve(classes.get(label)) + " has no images (looked for "
                        + String.join(", ", EXTENSIONS) + ")");
            }
            for (Path image : images) {
                samples.add(new Sample(image, label));
            }
        }
        if (!empty.isEmpty()) {
            throw new InvalidInputException(empty);
        }
        return new ImageFolder(root, List.copyOf(classes), List.copyOf(samples));
    }

    /** Whether a file name has one of the image extensions, compared case-insensitively as torchvision does. */
    public static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && EXTENSION_SET.contains(name.substring(dot));
    }

    private static List<String> classFolders(Path root) {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private static List<Path> images(Path classFolder) {
        try (Stream<Path> files = Files.walk(classFolder, FileVisitOption.FOLLOW_LINKS)) {
            return files.filter(Files::isRegularFile)
                    .filter(ImageFolder::isImage)
                    .sorted(Comparator.comparing((Path p) -> p.getParent().toString())
                            .thenComparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + classFolder, e);
        }
    }
}
