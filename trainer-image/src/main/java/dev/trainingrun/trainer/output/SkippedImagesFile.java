package dev.trainingrun.trainer.output;

import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.files.IoErrors;
import dev.trainingrun.trainer.files.JsonLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code skipped-images.jsonl} in the run's folder: every image the run left out because it cannot be read, one
 * JSON object per line ({@code {"path": "/data/train/cat/x.jpg", "reason": "truncated: ..."}}), in the order they
 * were found. A restarted run reads it back ({@link #read}) and treats those images as unreadable without trying
 * them again, so it forms the batches the earlier attempt formed. Lines are appended as images are found
 * ({@link JsonLines}), so a crash loses at most the line being written.
 */
public final class SkippedImagesFile {
    private SkippedImagesFile() {}

    /** A line of the file: the image's path as the run saw it, and why it was left out. */
    private record Line(String path, String reason) {}

    /** The images listed in the file; none when there is no file. */
    public static List<SkippedImage> read(Path file) {
        try {
            return JsonLines.read(file, Line.class).stream()
                    .filter(line -> line.path() != null && line.reason() != null)
                    .map(line -> new SkippedImage(Path.of(line.path()), line.reason()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + IoErrors.describe(e, file), e);
        }
    }

    /** Starts the file afresh: this attempt lists every image it leaves out, the scan's first. */
    static void clear(Path file) throws IOException {
        Files.write(file, new byte[0]);
    }

    static void append(Path file, SkippedImage image) throws IOException {
        JsonLines.append(file, new Line(image.path().toString(), image.reason()));
    }
}
