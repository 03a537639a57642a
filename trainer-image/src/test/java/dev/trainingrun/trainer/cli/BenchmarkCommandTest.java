package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark command: its memory-format choice, on one short training step of ResNet-18 per run, the values it
 * refuses before measuring, and the folders it makes and removes.
 */
class BenchmarkCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theFiguresNameTheFormatTrainingChoseOrTheOneAskedFor() throws IOException {
        assertEquals("contiguous", trainingFigure(32).path("memoryFormat").asText(), "below 128 px, as training");
        assertEquals("channels-last", trainingFigure(32, "--memory-format", "channels-last").path("memoryFormat")
                .asText());
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheOptionAndTheChoices() {
        Cli.Result result = Cli.run("benchmark", "--memory-format", "nhwc");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("--memory-format") && result.err().contains(
                "expected contiguous or channels-last, got 'nhwc'"), result.err());
        assertTrue(result.err().contains("See 'trainer benchmark --help'."), result.err());
        assertFalse(result.err().contains("Usage:"), "the error stays in sight: " + result.err());
        assertTrue(result.out().isEmpty(), result.out());
    }

    @Test
    void aSkipThatNamesNoPartOrLeavesNothingIsRefused() {
        Cli.Result unknown = Cli.run("benchmark", "--skip", "train,pipeline");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("--skip") && unknown.err().contains(
                "expected one of train, data, checkpoint, got 'pipeline'"), unknown.err());

        Cli.Result nothing = Cli.run("benchmark", "--skip", "checkpoint,train,data");
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.err().contains("--skip leaves out every part (train, data, checkpoint): nothing to "
                + "measure"), nothing.err());
        assertTrue(nothing.out().isEmpty(), nothing.out());
    }

    /**
     * The sizes, batch and loader threads are checked as a run's are (the CRD's bounds, the trainer's own checks),
     * before anything is generated or measured; each problem names its option and the field whose rule it broke.
     */
    @Test
    void valuesNoRunCouldHaveAreRefusedBeforeAnythingIsMeasured() {
        assertRefused(List.of("--sizes", "224,100000"), "--sizes: spec.data.imageSize: Invalid value: 100000: "
                + "should be less than or equal to 1024");
        assertRefused(List.of("--sizes", "16"), "--sizes: spec.data.imageSize: Invalid value: 16: "
                + "should be greater than or equal to 32");
        assertRefused(List.of("--batch", "0"), "--batch: spec.training.batchSize: Invalid value: 0");
        assertRefused(List.of("--loader-threads", "65"), "--loader-threads: spec.data.loaderThreads: Invalid value: "
                + "65");
        assertRefused(List.of("--sizes", "32", "--batch", "1"), "--batch: spec.training.batchSize: 1 gives 1 image "
                + "per device, and at spec.data.imageSize 32");
    }

    @Test
    void aModelOrSizeGivenTwiceIsRefusedRatherThanMeasuredTwice() {
        assertRefused(List.of("--sizes", "224,64,224"), "--sizes: 224 is given twice");
        assertRefused(List.of("--models", "ResNet50,ResNet50"), "--models: ResNet50 is given twice");
    }

    @Test
    void countsAndSecondsBelowTheirLeastAreRefused() {
        assertRefused(List.of("--warmup-steps", "-1"), "--warmup-steps: must be at least 0, got -1");
        assertRefused(List.of("--min-steps", "0"), "--min-steps: must be at least 1, got 0");
        assertRefused(List.of("--min-seconds", "-0.5"), "--min-seconds: must be at least 0, got -0.5");
        assertRefused(List.of("--saves", "-1"), "--saves: must be at least 1, got -1");
        // Beside another problem, so that without the check the benchmark is refused at once, not run for ever.
        assertRefused(List.of("--min-seconds", "Infinity", "--saves", "0"), "--min-seconds: must be a number of "
                + "seconds, got Infinity, which would never end");
    }

    @Test
    void foldersThatCannotBeUsedAreRefusedBeforeAnythingIsMeasured() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "");
        assertRefused(List.of("--checkpoint-dir", file.toString()), "--checkpoint-dir: " + file + " is not a folder");
        assertRefused(List.of("--checkpoint-dir", ""), "--checkpoint-dir: is empty, expected a folder");
        assertRefused(List.of("--checkpoint-dir", dir.resolve("none").toString()), "--checkpoint-dir: folder "
                + dir.resolve("none") + " does not exist");
        assertRefused(List.of("--data", file.toString()), "--data: " + file + " exists and is not a folder");
    }

    @Test
    void aDataFolderThatCannotBeWrittenOnTheWayFailsInOneLine() throws IOException {
        Files.writeString(dir.resolve("32"), "");
        Cli.Result result = Cli.run("benchmark", "--skip", "train,checkpoint", "--sizes", "32", "--data",
                dir.toString());
        assertEquals(TrainerExitCode.FAILED.code(), result.exitCode(), result.err());
        assertTrue(result.err().startsWith("error: cannot write images to " + dir.resolve("32/train/circle") + ": "),
                result.err());
        TrainCommandTest.assertWithoutJava(result.err());
    }

    /** In a JVM of its own, whose temporary folder is this test's. */
    @Test
    void theFoldersItMakesAreRemovedAfterwards() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process benchmark = benchmark(tmp, "--skip", "train", "--models", "ResNet18", "--sizes", "32",
                "--min-seconds", "0", "--saves", "1");
        assertTrue(benchmark.waitFor(3, TimeUnit.MINUTES), "the benchmark did not finish");
        String log = Files.readString(dir.resolve("log"));
        assertEquals(0, benchmark.exitValue(), log);
        assertTrue(log.contains("\"kind\": \"data\"") && log.contains("\"kind\": \"step-checkpoint\""), log);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    /**
     * SIGTERM while the images are read (Ctrl-C's SIGINT takes the same path, but a process started in the background,
     * as CI starts the tests, ignores SIGINT): the benchmark stops between two batches, with exit code 3 and one line,
     * and removes the folder the images were written to.
     */
    @Test
    void theFolderItMakesIsRemovedWhenItIsStopped() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        // The data part measures for a quarter of --min-seconds: long enough to be interrupted.
        Process benchmark = benchmark(tmp, "--skip", "train,checkpoint", "--sizes", "32", "--min-seconds", "400");
        // The last of the 128 images of the last class: the images are written, the reading is measured.
        Await.until("the benchmark's images", Duration.ofMinutes(2), () -> {
            try (Stream<Path> made = Files.find(tmp, 5,
                    (path, attributes) -> path.endsWith("train/triangle/triangle-0127.png"))) {
                return made.findAny().isPresent();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        benchmark.destroy();
        assertTrue(benchmark.waitFor(1, TimeUnit.MINUTES), "the benchmark did not end on SIGTERM");
        String log = Files.readString(dir.resolve("log"));
        assertEquals(TrainerExitCode.STOPPED.code(), benchmark.exitValue(), log);
        assertTrue(log.endsWith("SIGTERM: stopping after the current step; what the benchmark made is removed\n"
                + "stopped on request: no figure for the part that was running\n"), log);
        TrainCommandTest.assertWithoutJava(log);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), log);
        }
    }

    /** A heap too small for the batches the loader makes: one line that says so, exit code 1. */
    @Test
    void memoryThatRunsOutIsOneLine() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process benchmark = benchmark(tmp, List.of("-Xmx48m"), "--skip", "train,checkpoint", "--sizes", "1024",
                "--batch", "64");
        assertTrue(benchmark.waitFor(3, TimeUnit.MINUTES), "the benchmark did not finish");
        String log = Files.readString(dir.resolve("log"));
        assertEquals(TrainerExitCode.FAILED.code(), benchmark.exitValue(), log);
        assertTrue(log.strip().endsWith("error: out of memory in the JVM (Java heap space). A smaller batch or image size "
                + "needs less; or give the trainer more: the pod's memory limit, and TRAINER_JAVA_OPTS=-Xmx... for "
                + "the JVM's heap."), log);
        assertFalse(log.contains("\tat "), log);
    }

    private Process benchmark(Path tmp, String... options) throws IOException {
        return benchmark(tmp, List.of(), options);
    }

    /**
     * {@code trainer benchmark} with {@code options}, in a JVM of its own with {@code jvmOptions} whose temporary
     * folder is {@code tmp}.
     */
    private Process benchmark(Path tmp, List<String> jvmOptions, String... options) throws IOException {
        List<String> jvm = new ArrayList<>(jvmOptions);
        jvm.add("-Djava.io.tmpdir=" + tmp);
        List<String> args = new ArrayList<>(List.of("benchmark"));
        args.addAll(List.of(options));
        return new ProcessBuilder(Cli.inItsOwnJvm(jvm, args.toArray(String[]::new)))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile())
                .start();
    }

    private static void assertRefused(List<String> options, String expected) {
        List<String> args = new ArrayList<>(List.of("benchmark"));
        args.addAll(options);
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains(expected), result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
        assertTrue(result.out().isEmpty(), result.out());
    }

    private static JsonNode trainingFigure(int side, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("benchmark", "--skip", "data,checkpoint", "--models", "ResNet18",
                "--sizes", Integer.toString(side), "--warmup-steps", "0", "--min-steps", "1", "--min-seconds", "0"));
        args.addAll(List.of(options));
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.err());
        JsonNode figure = JSON.readTree(result.out().strip());
        assertEquals("train", figure.path("kind").asText());
        return figure;
    }
}
