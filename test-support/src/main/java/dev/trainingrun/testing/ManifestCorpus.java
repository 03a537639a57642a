package dev.trainingrun.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The TrainingRun manifests every module's tests share, found from any module's folder (where Maven runs tests): the
 * examples users start from, which everything must accept, and the corpus the API server refuses
 * ({@code crds/src/test/resources/invalid-manifests}), which everything must refuse too.
 */
public final class ManifestCorpus {
    /** The examples users apply as they are. */
    public static final Path EXAMPLES = Path.of("..", "examples");
    private static final Path REFUSED = Path.of("..", "crds", "src", "test", "resources", "invalid-manifests");
    private static final String EXPECT = "# expect: ";

    private ManifestCorpus() {}

    /**
     * A manifest the API server refuses. Its file starts with {@code # expect: ...} lines, fragments of the API
     * server's message; the first names the refused field.
     */
    public record Refused(Path file, String manifest) {
        /** The fragments the API server's message holds, in order. */
        public List<String> expectations() {
            return manifest.lines().filter(line -> line.startsWith(EXPECT))
                    .map(line -> line.substring(EXPECT.length())).toList();
        }

        /**
         * The refused field's path, as the first expectation names it: {@code spec.data} of
         * {@code spec.data: Required value}, {@code spec.training.epoch} of {@code .spec.training.epoch} (how
         * server-side apply writes an unknown field).
         */
        public String field() {
            if (expectations().isEmpty()) {
                throw new IllegalStateException(file + " has no '" + EXPECT.strip() + "' line");
            }
            String first = expectations().get(0);
            int message = first.indexOf(": ");
            return (message < 0 ? first : first.substring(0, message)).replaceFirst("^\\.", "");
        }

        @Override
        public String toString() {
            return file.getFileName().toString();
        }
    }

    /** The examples, in file name order. */
    public static List<Path> examples() {
        return yamlFiles(EXAMPLES);
    }

    /** The manifests refused when they are created, in file name order. */
    public static List<Refused> refusedOnCreate() {
        return yamlFiles(REFUSED.resolve("create")).stream().map(ManifestCorpus::refused).toList();
    }

    /** Pairs of documents whose second is refused as an update of the first, in file name order. */
    public static List<Refused> refusedOnUpdate() {
        return yamlFiles(REFUSED.resolve("update")).stream().map(ManifestCorpus::refused).toList();
    }

    private static List<Path> yamlFiles(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder.toAbsolutePath().normalize(), e);
        }
    }

    private static Refused refused(Path file) {
        try {
            return new Refused(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
