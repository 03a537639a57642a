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
