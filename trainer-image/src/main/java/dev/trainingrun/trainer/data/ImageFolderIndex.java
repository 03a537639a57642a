package dev.trainingrun.trainer.data;

import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.files.IoErrors;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;

/**
 * torchvision's {@code ImageFolder}: classes are the sub-folders of the root in Python's {@code sorted()} order (by
 * code point), a class's images are the files with one of torchvision's image extensions anywhere below its folder
 * (links followed), in the order of Python's {@code sorted(os.walk(...))}: by folder path, then by name.
 *
 * <p>Where torchvision falls into a trap, this does not (docs/trainer.md): hidden files and folders (".DS_Store",
 * macOS's "._photo.jpg" AppleDouble files, ".ipynb_checkpoints") and the folders operating systems and NAS boxes
 * leave behind ({@link #SYSTEM_FOLDERS}) are neither images nor classes; a link that leads back into a folder it is
 * in is an error naming it, where torchvision lists the same images over and over; and every image file's header is
 * read when the folder is scanned ({@link ImageDecoder#probe}, on the loader threads), so that files that are not
 * images, not complete or too large are left out, each with its reason in {@link #unreadable()}, before any batch is
 * formed.
 *
 * @param unreadable image files found unreadable by the scan, in the folder's order
 */
public record ImageFolderIndex(Path root, List<String> classes, List<Sample> samples, List<SkippedImage> unreadable) {
    /** torchvision's {@code IMG_EXTENSIONS}, compared case-insensitively as torchvision does. */
    public static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif",
            ".tiff", ".webp");
    /** Folders that systems make next to people's files (compared case-insensitively): never classes or images. */
    private static final Set<String> SYSTEM_FOLDERS = Set.of("__macosx", "@eadir", "$recycle.bin",
            "system volume information", "lost+found");
    /** Python's {@code sorted()} on strings: by code point (Java's own order compares UTF-16 units). */
    private static final Comparator<String> CODE_POINT_ORDER = ImageFolderIndex::compareCodePoints;

    private static final Set<String> EXTENSION_SET = Set.copyOf(EXTENSIONS);

    /**
     * Lists a folder's classes and images, and reads every image's header on {@code threads} threads. {@code field}
     * names the manifest field the folder came from, for the errors: a missing folder, a file instead of a folder,
     * no class folders, a class without images or without a readable one, a link loop, a folder that cannot be read.
     */
    public static ImageFolderIndex scan(Path root, String field, ImageDecoder decoder, int threads) {
        if (!Files.exists(root)) {
            throw new InvalidInputException(field + ": folder " + root + " does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException(field + ": " + root + " is not a folder");
        }
        List<String> classes = classFolders(root, field);
        if (classes.isEmpty()) {
            throw new InvalidInputException(field + ": folder " + root
                    + " has no class sub-folders; ImageFolder layout needs one sub-folder per class");
        }
        List<String> problems = new ArrayList<>();
        List<List<Path>> files = new ArrayList<>();
        for (String name : classes) {
            List<Path> images = imageFiles(root.resolve(name), field, problems);
            if (images.isEmpty()) {
                problems.add(field + ": class folder " + root.resolve(name) + " has no images (looked for "
                        + String.join(", ", EXTENSIONS) + ")");
            }
            files.add(images);
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems); // before reading any header: the layout is wrong
        }
        List<List<String>> reasons = probeAll(files, decoder, threads);
        List<Sample> samples = new ArrayList<>();
        List<SkippedImage> unreadable = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            Path folder = root.resolve(classes.get(label));
            int readable = 0;
            for (int i = 0; i < files.get(label).size(); i++) {
                Path file = files.get(label).get(i);
                String reason = reasons.get(label).get(i);
                if (reason == null) {
                    samples.add(new Sample(file, label));
                    readable++;
                } else {
                    unreadable.add(new SkippedImage(file, reason));
                }
            }
            if (readable == 0) {
                problems.add(field + ": class folder " + folder + " has no readable image: none of its "
                        + files.get(label).size() + " image files can be decoded (" + folder.relativize(
                        files.get(label).get(0)) + ": " + reasons.get(label).get(0) + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new ImageFolderIndex(root, List.copyOf(classes), List.copyOf(samples), List.copyOf(unreadable));
    }

    /** Whether a file name has one of the image extensions and is not hidden. */
    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !ignored(name) && dot >= 0 && EXTENSION_SET.contains(name.substring(dot).toLowerCase(Locale.ROOT));
    }

    /** Hidden entries and system folders: neither classes nor images. */
    private static boolean ignored(String name) {
        return name.startsWith(".") || SYSTEM_FOLDERS.contains(name.toLowerCase(Locale.ROOT));
    }

    private static List<String> classFolders(Path root, String field) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (!ignored(name) && Files.isDirectory(child)) {
                    if (!representable(child)) {
                        throw new InvalidInputException(field + ": " + unrepresentable(child));
                    }
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException(field + ": cannot list folder " + root + ": "
                    + IoErrors.describe(e, root));
        }
        names.sort(CODE_POINT_ORDER);
        return names;
    }

    /** The image files below a class folder in torchvision's order; loops and unreadable folders go to problems. */
    private static List<Path> imageFiles(Path classFolder, String field, List<String> problems) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(classFolder, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                            return !dir.equals(classFolder) && ignored(dir.getFileName().toString())
                                    ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                            // A broken link or a special file with an image's name is kept: its probe names why
                            // it cannot be read, where dropping it silently would hide it.
                            if (!attributes.isDirectory() && isImage(file)) {
                                if (representable(file)) {
                                    files.add(file);
                                } else {
                                    problems.add(field + ": " + unrepresentable(file));
                                }
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            if (e instanceof FileSystemLoopException) {
                                problems.add(field + ": " + file + " is a link back to " + target(file)
                                        + ", a folder it is in; following it would list the same images without end"
                                        + " (torchvision's ImageFolder does, until the path is too long): remove the"
                                        + " link");
                            } else if (Files.isDirectory(file)) {
                                problems.add(field + ": cannot read folder " + file + ": "
                                        + IoErrors.describe(e, file));
                            } else if (isImage(file)) {
                                files.add(file);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                            if (e != null) {
                                problems.add(field + ": cannot read folder " + dir + ": " + IoErrors.describe(e, dir));
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            problems.add(field + ": cannot read folder " + classFolder + ": " + IoErrors.describe(e, classFolder));
        }
        files.sort(Comparator.comparing((Path p) -> p.getParent().toString(), CODE_POINT_ORDER)
                .thenComparing(p -> p.getFileName().toString(), CODE_POINT_ORDER));
        return files;
    }

    /** Every file's probe result in the same nesting: null when readable, else the reason. */
    private static List<List<String>> probeAll(List<List<Path>> files, ImageDecoder decoder, int threads) {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            return pool.submit(() -> files.stream().map(list -> list.parallelStream().map(file -> {
                try {
                    decoder.probe(file);
                    return (String) null;
                } catch (ImageDecoder.UnreadableImageException e) {
                    return e.getMessage();
                }
            }).toList()).toList()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading image headers", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading image headers failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Whether the JVM can name the file again from its name. Java decodes a listed name by the locale's character
     * set, and cannot turn back what it could not decode: under the C locale a UTF-8 "café" cannot be named at all,
     * and under a UTF-8 one a name whose bytes are not UTF-8 (Latin-1, say) becomes one with U+FFFD in it, which
     * names no file. torchvision's ImageFolder reads both (Python keeps such bytes as surrogates).
     */
    private static boolean representable(Path file) {
        try {
            return Files.exists(file.getFileSystem().getPath(file.toString()), LinkOption.NOFOLLOW_LINKS);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static String unrepresentable(Path file) {
        String charset = System.getProperty("sun.jnu.encoding");
        return "the name of " + file + " cannot be decoded in this process's character set (" + charset + "); "
                + (charset.equalsIgnoreCase("UTF-8")
                        ? "its bytes are not UTF-8, which Java cannot open by name: rename it to UTF-8 (convmv does)"
                        : "run the trainer under a UTF-8 locale, e.g. LC_ALL=C.UTF-8, as its launcher bin/trainer "
                                + "does");
    }

    private static String target(Path link) {
        try {
            return link.toRealPath().toString();
        } catch (IOException e) {
            return "a folder above it";
        }
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
