package dev.trainingrun.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.config.Manifests;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.data.ImageDecoder;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.data.TestImages;
import dev.trainingrun.trainer.engine.StopRequest;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.files.JsonLines;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run on a folder as people have them: the junk macOS and Windows leave, a text file with an image's name
 * (refused by the scan) and a JPEG cut short after its header (found while training). Batches of 2 at 32 px: the
 * last stage's batch norm sees one value per channel per image, so a batch shortened to one image would stop the
 * run as PyTorch does ("Expected more than 1 value per channel when training").
 */
class MessyFolderTest {
    @TempDir
    static Path dir;
    private static Path truncated;
    private static Path text;

    @BeforeAll
    static void makeAMessyFolder() throws IOException {
        Path data = dir.resolve("data");
        ShapesDataSet.write(data, new ShapesDataSet.Spec(3, 16, 6, 32, 0));
        for (String junk : List.of("train/circle/.DS_Store", "train/circle/._0.png", "train/square/Thumbs.db",
                "train/square/desktop.ini", "val/circle/._1.png")) {
            Files.writeString(data.resolve(junk), "junk");
        }
        TestImages.write(data.resolve("train/__MACOSX/circle/thumb.png"), 8, 8, 0);
        text = Files.writeString(data.resolve("train/square/notes.png"), "a text file with an image's name");
        truncated = data.resolve("train/triangle/cut.jpg");
        BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom random = new SplittableRandom(1);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noise.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ImageIO.write(noise, "jpeg", truncated.toFile());
        byte[] whole = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(whole, whole.length * 2 / 3));
        // Its header is whole: the scan passes it, and training finds it.
        ImageDecoder.forThisProcess().probe(truncated);
    }

    private static TrainingConfig config(int epochs) {
        return config(epochs, "run");
    }

    private static TrainingConfig config(int epochs, String output) {
        return config(epochs, "data", output);
    }

    private static TrainingConfig config(int epochs, String data, String output) {
        return TrainingConfig.from(Manifests.withSpec("""
                model: {architecture: ResNet18, numClasses: 3}
                data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 2}
                training: {epochs: %d, batchSize: 2, validationBatchSize: 9, learningRate: 0.001, warmupEpochs: 0}
                checkpoints: {saveAfterEpoch: 0, keep: 1}
                resources: {gpus: 0}
                """.formatted(epochs)), dir.resolve(data), dir.resolve(output));
    }

    @Test
    void aMessyFolderTrainsOnFullBatchesAndNamesEachUnreadableImageOnce() throws IOException {
        List<SkippedImage> heard = new ArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void onSkippedImage(SkippedImage skipped) {
                heard.add(skipped);
            }
        };

        RunResult result = RunTrainer.run(config(2), List.of(listener));

        assertEquals(49, result.plan().trainImages(), "48 shapes and the cut JPEG, whose header is whole; the junk is no"
                + " image, the text file is left out at the scan");
        assertEquals(List.of("circle", "square", "triangle"), result.plan().classes());
        assertEquals(List.of(text, truncated), heard.stream().map(SkippedImage::path).toList(), heard::toString);
        assertTrue(heard.get(0).reason().startsWith("not an image"), heard.get(0).reason());
        assertTrue(heard.get(1).reason().startsWith("truncated"), heard.get(1).reason());
        assertEquals(heard, result.skipped());
        List<JsonNode> metrics = JsonLines.read(dir.resolve("run/metrics.jsonl"), JsonNode.class);
        assertEquals(List.of(2, 2), metrics.stream().map(m -> m.get("skippedImages").asInt()).toList());
        assertEquals(List.of(text.toString(), truncated.toString()), skippedPaths("run"));

        // Mended after the run: the next attempt on the run's folder keeps it out, as the batches it resumes from did.
        byte[] cut = Files.readAllBytes(truncated);
        TestImages.write(truncated, 32, 32, 0x336699);
        try {
            RunTrainer.run(config(2), List.of());
            assertEquals(List.of(text.toString(), truncated.toString()), skippedPaths("run"));
        } finally {
            Files.write(truncated, cut);
        }
    }

    /**
     * A run stopped (exit 2) by too many images cut short after their headers, before its first checkpoint: mended,
     * the next attempt on its folder trains on them, since there is no checkpoint whose batches it must repeat, and
     * counts no interruption, since the attempt before ended on an error of its own.
     */
    @Test
    void imagesMendedAfterARunStoppedBeforeItsFirstCheckpointAreTrainedOn() throws IOException {
        ShapesDataSet.write(dir.resolve("cut-data"), new ShapesDataSet.Spec(3, 10, 2, 32, 0));
        Map<Path, byte[]> whole = cutShort(dir.resolve("cut-data/train/square"), 4);
        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> RunTrainer.run(config(1, "cut-data", "cut"), List.of()));
        assertTrue(refused.getMessage().contains("4 of the 30 image files"), refused.getMessage());

        for (Map.Entry<Path, byte[]> file : whole.entrySet()) {
            Files.write(file.getKey(), file.getValue());
        }
        RunResult mended = RunTrainer.run(config(1, "cut-data", "cut"), List.of());

        assertEquals(List.of(), mended.skipped());
        assertEquals(List.of(), skippedPaths("cut"));
        assertEquals(List.of(), mended.plan().start().interruptions());
        assertFalse(Files.exists(dir.resolve("cut/interruptions.jsonl")));
    }

    /**
     * Resuming from a checkpoint, the images an earlier attempt listed as unreadable stay out even when mended; when
     * they pass the bound, the error names skipped-images.jsonl and says how to start over.
     */
    @Test
    void aResumedRunBoundByItsListOfUnreadableImagesSaysHowToStartOver() throws IOException {
        ShapesDataSet.write(dir.resolve("listed-data"), new ShapesDataSet.Spec(3, 10, 2, 32, 0));
        StopRequest stop = new StopRequest();
        assertTrue(RunTrainer.run(config(1, "listed-data", "listed"), List.of(new ResumeTest.StopAt(3, stop)), stop,
                Clock.systemUTC()).stopped());
        try (var squares = Files.list(dir.resolve("listed-data/train/square"))) {
            for (Path square : squares.sorted().limit(4).toList()) {
                JsonLines.append(dir.resolve("listed/skipped-images.jsonl"),
                        Map.of("path", square.toString(), "reason", "truncated: since mended"));
            }
        }

        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> RunTrainer.run(config(1, "listed-data", "listed"), List.of()));

        assertTrue(refused.getMessage().contains("4 of them are listed in "
                + dir.resolve("listed/skipped-images.jsonl")),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("set spec.checkpoints.resume to false"), refused.getMessage());
    }

    /** Cuts the first {@code count} images of {@code folder} short after their headers; their whole bytes. */
    private static Map<Path, byte[]> cutShort(Path folder, int count) throws IOException {
        Map<Path, byte[]> whole = new LinkedHashMap<>();
        try (var files = Files.list(folder)) {
            for (Path file : files.sorted().limit(count).toList()) {
                whole.put(file, Files.readAllBytes(file));
                Files.write(file, Arrays.copyOf(whole.get(file), 300));
                ImageDecoder.forThisProcess().probe(file); // the header is whole: the scan passes it
            }
        }
        return whole;
    }

    /** The paths skipped-images.jsonl lists in the run folder {@code run}. */
    private static List<String> skippedPaths(String run) throws IOException {
        return JsonLines.read(dir.resolve(run).resolve("skipped-images.jsonl"), JsonNode.class).stream()
                .map(line -> line.get("path").asText()).toList();
    }

    /**
     * Stopped late in epoch 1 (the loader threads have met the cut JPEG by then, and skipped-images.jsonl lists it)
     * and resumed from the step checkpoint, the run ends as one that never stopped: the same replacements, the same
     * metrics, the same weights.
     */
    @Test
    void aMessyRunStoppedMidEpochAndResumedEndsAsOneThatNeverStopped() throws IOException {
        RunResult oneGo = RunTrainer.run(config(2, "one-go"), List.of());
        StopRequest stop = new StopRequest();
        RunResult stopped = RunTrainer.run(config(2, "stopped"), List.of(new ResumeTest.StopAt(22, stop)), stop,
                Clock.systemUTC());
        assertTrue(stopped.stopped());
        assertEquals(List.of(text.toString(), truncated.toString()), skippedPaths("stopped"));
        RunResult continued = RunTrainer.run(config(2, "stopped"), List.of());

        assertEquals(oneGo.metrics().stream().map(ResumeTest::trainingMetrics).toList(),
                continued.metrics().stream().map(ResumeTest::trainingMetrics).toList());
        assertEquals(List.of(2, 2), continued.metrics().stream().map(EpochMetrics::skippedImages).toList());
        assertEquals(0.0, ResumeTest.largestDifference(dir.resolve("one-go/model-final.safetensors"),
                dir.resolve("stopped/model-final.safetensors")), "the final weights are the same to the last bit");
    }
}
