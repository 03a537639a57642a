package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.trainer.data.TestImages;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line exits non-zero with a message naming the field, folder or file for every kind of bad input. */
class TrainCommandTest {
    @TempDir
    Path dir;

    private static final String HEADER = "apiVersion: trainingrun.dev/v1alpha1\nkind: TrainingRun\nmetadata: {name: t}\n";
    private static final String GOOD_SPEC = "spec:\n  model: {numClasses: 3}\n"
            + "  data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32}\n"
            + "  resources: {gpus: 0}\n";

    @Test
    void anUnknownFieldIsNamed() throws IOException {
        Cli.Result result = train(HEADER + "spec:\n  data: {volume: {persistentVolumeClaim: {claimName: d}}}\n"
                + "  training: {epoch: 3}\n", dir);
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("spec.training.epoch: unknown field"), result.err());
    }

    @Test
    void aBadValueIsNamed() throws IOException {
        Cli.Result result = train(HEADER + GOOD_SPEC + "  training: {epochs: 2, warmupEpochs: 3}\n", dir);
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("spec.training.warmupEpochs: Invalid value: warmupEpochs must not be greater "
                + "than epochs"), result.err());
    }

    @Test
    void aMissingManifestIsNamed() {
        Cli.Result result = Cli.run("train", dir.resolve("none.yaml").toString(), "--data", dir.toString(),
                "--output", dir.resolve("out").toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains(dir.resolve("none.yaml") + ": no such file"), result.err());
    }

    @Test
    void theOperatorsFormNamesTheManifestWithRun() {
        Cli.Result result = Cli.run("train", "--run", dir.resolve("none.yaml").toString(), "--data", dir.toString(),
                "--output", dir.resolve("out").toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains(dir.resolve("none.yaml") + ": no such file"), result.err());
    }

    @Test
    void aManifestGivenTwiceIsAUsageError() {
        Cli.Result result = Cli.run("train", "a.yaml", "--run", "b.yaml", "--data", dir.toString(), "--output",
                dir.resolve("out").toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("mutually exclusive"), result.err());
    }

    @Test
    void aMissingDataFolderIsNamed() throws IOException {
        Cli.Result result = train(HEADER + GOOD_SPEC, dir.resolve("no-data"));
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("--data: folder " + dir.resolve("no-data") + " does not exist"), result.err());
    }

    @Test
    void dataThatDisagreesWithTheManifestIsNamedBeforeTraining() throws IOException {
        Files.createDirectories(dir.resolve("data/train/a"));
        Cli.Result result = train(HEADER + GOOD_SPEC, dir.resolve("data"));
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("error: spec.data.trainDir: class folder " + dir.resolve("data/train/a")
                + " has no images"), result.err());
        assertTrue(result.err().contains("error: spec.data.valDir: folder " + dir.resolve("data/val")
                + " does not exist"), result.err());
        assertFalse(Files.exists(dir.resolve("out")), "refused input leaves no output folder behind");
    }

    @Test
    void aDataRootThatIsAFileIsNamedAsAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("data.yaml"), "not a folder");
        Cli.Result result = train(HEADER + GOOD_SPEC, file);
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("--data: " + file + " is a file, expected the data volume's folder"),
                result.err());
    }

    @Test
    void aFolderGivenAsTheManifestIsNamedWithoutAStackTrace() {
        Cli.Result result = Cli.run("train", dir.toString(), "--data", dir.toString(), "--output",
                dir.resolve("out").toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains(dir + ": is a folder, expected a manifest file"), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
    }

    @Test
    void aClassWithoutAReadableImageAndAFolderOfMostlyBrokenFilesAreRefusedBeforeTraining() throws IOException {
        Path data = dir.resolve("data");
        for (String image : List.of("train/a/1.png", "train/b/1.png", "val/a/1.png", "val/b/1.png", "val/c/1.png")) {
            TestImages.write(data.resolve(image), 8, 8, 0x102030);
        }
        Files.createDirectories(data.resolve("train/c"));
        Files.writeString(data.resolve("train/c/1.jpg"), "WebP data behind a .jpg name would read; this does not");
        for (int i = 0; i < 3; i++) {
            Files.writeString(data.resolve("val/a/broken-" + i + ".png"), "cut short");
        }
        Cli.Result result = train(HEADER + GOOD_SPEC, data);
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("error: spec.data.trainDir: class folder " + data.resolve("train/c")
                + " has no readable image: none of its 1 image files can be decoded (1.jpg: not an image"), result.err());
        assertTrue(result.err().contains("error: spec.data.valDir: 3 of the 6 image files in " + data.resolve("val")
                + " cannot be read (50 %, more than the 10 % a run accepts"), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
    }

    @Test
    void aMissingOptionIsAUsageError() {
        Cli.Result result = Cli.run("train", "x.yaml");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("Missing required options: '--data=DIR', '--output=DIR'"), result.err());
    }

    @Test
    void anOutputFolderThatCannotBeMadeIsNamedInWords() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "");
        Cli.Result below = train(HEADER + GOOD_SPEC, dir, file.resolve("run").toString());
        assertEquals(2, below.exitCode());
        assertTrue(below.err().contains("error: --output: " + file + " exists and is not a folder, so folder "
                + file.resolve("run") + " cannot be made"), below.err());
        assertWithoutJava(below.err());

        Files.createDirectories(dir.resolve("run"));
        Files.writeString(dir.resolve("run/checkpoints"), "");
        Cli.Result checkpoints = train(HEADER + GOOD_SPEC, shapes(), dir.resolve("run").toString());
        assertEquals(2, checkpoints.exitCode());
        assertTrue(checkpoints.err().contains("error: --output: cannot use folder " + dir.resolve("run") + ": "
                + dir.resolve("run/checkpoints") + " exists and is not a folder"), checkpoints.err());
        assertWithoutJava(checkpoints.err());
    }

    /** A file the run cannot write on its way is a failure a retry may pass, said in one line. */
    @Test
    void aFileThatCannotBeWrittenWhileTrainingFailsTheRunInOneLine() throws IOException {
        Path output = Files.createDirectories(dir.resolve("run/position.json")).getParent();
        Cli.Result result = train(HEADER + GOOD_SPEC + "  training: {epochs: 1, warmupEpochs: 0}\n", shapes(),
                output.toString());
        assertEquals(TrainerExitCode.FAILED.code(), result.exitCode(), result.err());
        assertTrue(result.err().contains("error: cannot write " + output.resolve("position.json") + ": Is a directory"),
                result.err());
        assertWithoutJava(result.err());
    }

    @Test
    void anEmptyFolderIsRefusedNotTakenAsTheWorkingFolder() throws IOException {
        Cli.Result output = train(HEADER + GOOD_SPEC, shapes(), "");
        assertEquals(2, output.exitCode());
        assertTrue(output.err().contains("error: --output: is empty, expected a folder"), output.err());

        Cli.Result data = train(HEADER + GOOD_SPEC, Path.of(""), dir.resolve("out").toString());
        assertEquals(2, data.exitCode());
        assertTrue(data.err().contains("error: --data: is empty, expected the data volume's folder"), data.err());
    }

    /** The run's own files there (curves.png) would be taken for images when it starts again. */
    @Test
    void anOutputFolderAmongTheImagesIsRefusedNamingBoth() throws IOException {
        Path data = shapes();
        Path inside = data.resolve("train/circle/run");
        Cli.Result train = train(HEADER + GOOD_SPEC, data, inside.toString());
        assertEquals(2, train.exitCode());
        assertTrue(train.err().contains("error: --output: folder " + inside + " is inside " + data.resolve("train")
                + " (spec.data.trainDir)"), train.err());
        assertFalse(Files.exists(inside));

        Path link = Files.createSymbolicLink(dir.resolve("link"), data.resolve("val"));
        Cli.Result val = train(HEADER + GOOD_SPEC, data, link.resolve("runs/a").toString());
        assertEquals(2, val.exitCode());
        assertTrue(val.err().contains("error: --output: folder " + link.resolve("runs/a") + " is inside "
                + data.resolve("val") + " (spec.data.valDir)"), val.err());
    }

    private Cli.Result train(String manifest, Path data) throws IOException {
        return train(manifest, data, dir.resolve("out").toString());
    }

    private Cli.Result train(String manifest, Path data, String output) throws IOException {
        Path file = Files.writeString(dir.resolve("run.yaml"), manifest);
        return Cli.run("train", file.toString(), "--data", data.toString(), "--output", output);
    }

    /** A small data set of the three classes GOOD_SPEC trains. */
    private Path shapes() {
        Path data = dir.resolve("data");
        ShapesDataSet.write(data, new ShapesDataSet.Spec(3, 4, 2, 32, 0));
        return data;
    }

    /** Neither a stack trace nor an exception's class name, which tell a user nothing. */
    static void assertWithoutJava(String err) {
        assertFalse(err.contains("Exception") || err.contains("java.") || err.contains("\tat "), err);
    }
}
