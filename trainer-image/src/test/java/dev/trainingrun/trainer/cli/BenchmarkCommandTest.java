package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark command's memory-format choice, on one short training step of ResNet-18 per run. */
class BenchmarkCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
