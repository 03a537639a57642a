package dev.trainingrun.trainer.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.trainer.data.SkippedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code skipped-images.jsonl} in the run's folder: every image the run left out because it cannot be read, one
 * JSON object per line ({@code {"path": "/data/train/cat/x.jpg", "reason": "truncated: ..."}}), in the order they
 * were found. A restarted run reads it back ({@link #read}) and treats those images as unreadable without trying
 * them again, so it forms the batches the earlier attempt formed. Lines are appended as images are found, so a
 * crash loses at most the line being written, which {@link #read} passes over.
 */
public final class SkippedImagesFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SkippedImagesFile() {}

    /** The images listed in the file; none when there is no file. */
    public static List<SkippedImage> read(Path file) {
        List<SkippedImage> images = new ArrayList<>();
        if (!Files.exists(file)) {
            return images;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode node = parse(line);
                if (node != null && node.hasNonNull("path") && node.hasNonNull("reason")) {
                    images.add(new SkippedImage(Path.of(node.get("path").asText()), node.get("reason").asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return images;
    }

    /** Starts the file afresh: this attempt lists every image it leaves out, the scan's first. */
    static void clear(Path file) throws IOException {
        Files.write(file, new byte[0]);
    }

    static void append(Path file, SkippedImage image) throws IOException {
        String line = JSON.createObjectNode().put("path", image.path().toString()).put("reason", image.reason())
                + "\n";
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.SYNC);
    }

    private static JsonNode parse(String line) {
        try {
            return line.isBlank() ? null : JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return null; // the line a crash cut short
        }
    }
}
