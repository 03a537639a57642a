package dev.trainingrun.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.trainer.PythonReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference decides: torchvision's own {@code ImageFolder} (Debian's python3-torchvision) and the trainer's list
 * the same folder, with class names and paths chosen where orders differ (code points beyond the BMP, which Java's
 * String order compares by UTF-16 unit; folder names around "/" in Python's sort of whole paths; case), and get the
 * same classes, class indices and samples in the same order. Skipped without torchvision, except under CI=true.
 */
class TorchvisionFolderTest {
    @TempDir
    Path root;

    @BeforeEach
    void needsTorchvision() {
        PythonReference.require("torchvision", "This test compares the trainer's folder listing with torchvision's "
                + "ImageFolder", "Debian's python3-torchvision");
    }

    @Test
    void classesAndSamplesAreTorchvisionsInTorchvisionsOrder() throws IOException {
        List<String> files = List.of(
                "Zebra/1.png", "apple/1.png", "\uFF21pple/1.png", "\uD83D\uDE00/1.png", "\uE000/1.png",
                "\u00e9t\u00e9/1.png", "\u732b/1.png",
                "mixed/a b/1.png", "mixed/a-b/1.png", "mixed/a/c/1.png", "mixed/a.b/1.png", "mixed/a0/1.png",
                "mixed/a/1.png", "mixed/B.PNG", "mixed/b.jpg", "mixed/c.JPEG", "mixed/d.ppm", "mixed/e.pgm",
                "mixed/f.TIF", "mixed/g.tiff", "mixed/h.webp", "mixed/i.bmp", "mixed/\uD83D\uDE00.png",
                "mixed/\uFF21.png");
        byte[] png = Files.readAllBytes(TestImages.write(root.resolve("source.png"), 4, 4, 0x123456));
        for (String file : files) {
            Files.createDirectories(root.resolve("train").resolve(file).getParent());
            Files.write(root.resolve("train").resolve(file), png);
        }
        Files.writeString(root.resolve("train/mixed/notes.txt"), "not an image by its name, for both");
        Files.createSymbolicLink(root.resolve("train/linked"), root.resolve("train/mixed/a"));

        JsonNode torchvision = new ObjectMapper().readTree(PythonReference.run(Duration.ofMinutes(2),
                "image_folder.py", root.resolve("train").toString()));
        ImageFolderIndex ours = ImageFolderIndex.scan(root.resolve("train"), "spec.data.trainDir", ImageDecoder.forThisProcess(),
                2);

        List<String> classes = new ArrayList<>();
        torchvision.get("classes").forEach(c -> classes.add(c.asText()));
        List<String> samples = new ArrayList<>();
        torchvision.get("samples").forEach(s -> samples.add(s.get(0).asText() + " -> " + s.get(1).asInt()));
        assertEquals(classes, ours.classes());
        assertEquals(samples, ours.samples().stream().map(s -> root.resolve("train").relativize(s.path()) + " -> "
                + s.label()).toList());
        System.out.println("torchvision and the trainer agree on " + classes.size() + " classes, " + samples.size()
                + " samples: " + classes);
    }
}
