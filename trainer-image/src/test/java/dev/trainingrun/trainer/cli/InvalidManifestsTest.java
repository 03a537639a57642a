package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.testing.ManifestCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trainer refuses everything the API server refuses: each manifest of the shared invalid corpus (which
 * TrainingRunApiClusterTest sends to a real API server) makes {@code train} exit with the invalid-input code, naming
 * the field the API server names, before it writes anything.
 */
class InvalidManifestsTest {
    @TempDir
    Path dir;

    static List<ManifestCorpus.Refused> refusedOnCreate() {
        return ManifestCorpus.refusedOnCreate();
    }

    @ParameterizedTest
    @MethodSource("refusedOnCreate")
    void trainRefusesItNamingTheField(ManifestCorpus.Refused refused) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path output = dir.resolve("output");
        Cli.Result result = Cli.run("train", refused.file().toString(), "--data", data.toString(), "--output",
                output.toString());
        assertEquals(TrainerExitCode.INVALID_INPUT.code(), result.exitCode(), result::err);
        assertTrue(result.err().lines().anyMatch(line -> line.startsWith("error: ")
                        && line.contains(": " + refused.field() + ": ")),
                () -> refused + " should be refused at " + refused.field() + ":\n" + result.err());
        assertFalse(Files.exists(output), "nothing written");
    }
}
