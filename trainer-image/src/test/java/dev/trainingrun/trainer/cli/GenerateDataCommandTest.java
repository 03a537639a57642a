package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainerExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values the generator cannot write are usage errors naming the option and its range, before anything is written. */
class GenerateDataCommandTest {
    @TempDir
    Path dir;

    @Test
    void valuesOutsideTheGeneratorsRangesAreRefusedBeforeAnythingIsWritten() {
        assertRefused("--classes: must be between 2 and 5, got 9", "--classes", "9");
        assertRefused("--size: must be between 16 and 4096, got 0", "--size", "0");
        assertRefused("--size: must be between 16 and 4096, got 100000", "--size", "100000", "--train-per-class", "1");
        assertRefused("--train-per-class: must be at least 1, got -1", "--train-per-class", "-1");
        assertRefused("--val-per-class: must be at least 0, got -2", "--val-per-class", "-2");
    }

    @Test
    void anOutputBelowAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "");
        Cli.Result result = Cli.run("generate-data", "--output", file.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("--output: " + file + " exists and is not a folder"), result.err());
        TrainCommandTest.assertWithoutJava(result.err());
    }

    /** To Java an empty path is the working folder: a forgotten value would write the images wherever the shell is. */
    @Test
    void anEmptyOutputIsRefused() {
        Cli.Result result = Cli.run("generate-data", "--output", "");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("--output: is empty, expected a folder"), result.err());
        assertFalse(Files.exists(Path.of("train")), "nothing written into the working folder");
    }

    /** Found only on the way, as a full volume is: a failure in one line. */
    @Test
    void aFolderThatCannotBeWrittenOnTheWayFailsInOneLine() throws IOException {
        Path output = Files.createDirectories(dir.resolve("data"));
        Files.writeString(output.resolve("train"), "");
        Cli.Result result = Cli.run("generate-data", "--output", output.toString());
        assertEquals(TrainerExitCode.FAILED.code(), result.exitCode(), result.err());
        assertTrue(result.err().startsWith("error: cannot write images to " + output.resolve("train/circle") + ": "),
                result.err());
        TrainCommandTest.assertWithoutJava(result.err());
    }

    /**
     * A volume that fills up in the middle of an image, as a file size limit (ulimit -f 1: 1 KiB) makes every write
     * past it fail: the command fails naming the file, and no part of an image stays, which a data set would then
     * hold as a corrupt image.
     */
    @Test
    void anImageCutShortByAFullVolumeIsNotLeftBehind() throws Exception {
        Path output = dir.resolve("data");
        // -XX:-UsePerfData: the JVM's own 32 KB performance file would otherwise meet the limit first.
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -f 1 && exec \"$@\"", "generate-data"));
        command.addAll(Cli.inItsOwnJvm(List.of("-XX:-UsePerfData"), "generate-data", "--output", output.toString(),
                "--size", "256"));
        Process generate = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .start();
        String said = new String(generate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(TrainerExitCode.FAILED.code(), generate.waitFor(), said);
        assertEquals("error: cannot write images to " + output.resolve("train/circle") + ": File too large",
                said.strip());
        try (Stream<Path> files = Files.list(output.resolve("train/circle"))) {
            assertEquals(List.of(), files.toList(), said);
        }
    }

    private void assertRefused(String problem, String... options) {
        Path output = dir.resolve("data");
        String[] args = new String[options.length + 3];
        args[0] = "generate-data";
        args[1] = "--output";
        args[2] = output.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        Cli.Result result = Cli.run(args);
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains(problem), result.err());
        assertTrue(result.err().contains("See 'trainer generate-data --help'."), result.err());
        TrainCommandTest.assertWithoutJava(result.err());
        assertTrue(result.out().isEmpty(), result.out());
        assertFalse(Files.exists(output), "nothing is written");
    }
}
