package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.api.StopReason;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.trainer.RunTrainer;
import dev.trainingrun.trainer.config.Manifests;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.engine.StopRequest;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.files.JsonLines;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.files.RunJson;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way a run ends early, on a small real run of generated shapes: a target accuracy and a patience end it after
 * the epoch that meets them, as if that epoch were its last (its checkpoint, model-final and metrics.jsonl are of that
 * epoch, and the termination message tells the operator why); a step whose loss is not finite ends it at once with
 * exit code 4, and nothing of that step is saved. Which epoch a rule fires at depends on the (seeded, repeatable) run;
 * each test derives it from the run's own metrics and requires it to come before the last epoch.
 */
class StopRulesTest {
    private static final int EPOCHS = 5;
    private static final String HEADER = "apiVersion: trainingrun.dev/v1alpha1\nkind: TrainingRun\nmetadata: {name: t}\n";

    @TempDir
    static Path dir;

    @BeforeAll
    static void generateData() {
        ShapesDataSet.write(dir.resolve("data"), new ShapesDataSet.Spec(3, 32, 10, 32, 0));
    }

    /** Every epoch checkpointed and kept, so that the test sees each one. */
    private static String spec(String training) {
        return """
                model: {architecture: ResNet18, numClasses: 3}
                data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 2}
                checkpoints: {saveAfterEpoch: 0, keep: 100}
                resources: {gpus: 0}
                training: {epochs: %d, batchSize: 16, validationBatchSize: 30, %s}
                """.formatted(EPOCHS, training);
    }

    @Test
    void aTargetAccuracyEndsTheRunAfterTheFirstEpochThatReachesIt() throws IOException {
        Path out = dir.resolve("target");
        Path message = dir.resolve("target-termination-log");
        Cli.Result result = train(spec("learningRate: 0.001, warmupEpochs: 0, stopWhen: {validationAccuracy: 0.5}"),
                out, message);

        assertEquals(TrainerExitCode.SUCCEEDED.code(), result.exitCode(), result.err());
        List<JsonNode> lines = JsonLines.read(out.resolve("metrics.jsonl"), JsonNode.class);
        int reached = IntStream.range(0, lines.size()).filter(i -> lines.get(i).get("valAccuracy").asDouble() >= 0.5)
                .findFirst().orElseThrow() + 1;
        assertEquals(lines.size(), reached, "the run ends with the first epoch at the target: " + lines);
        assertTrue(reached < EPOCHS, "the target is met before the last epoch: " + lines);
        JsonNode last = lines.get(lines.size() - 1);
        assertEquals("TargetReached", last.get("stopped").asText(), last.toString());
        lines.subList(0, lines.size() - 1).forEach(line -> assertFalse(line.has("stopped"), line.toString()));
        assertEndedAt(RunDirectory.open(out), lines);

        EarlyStop told = EarlyStop.parse(Files.readString(message)).orElseThrow();
        assertEquals(StopReason.TargetReached, told.reason());
        assertTrue(told.message().contains("at epoch " + reached + " reached the target of 50.00 %"), told.message());
        assertEquals(last.get("stopMessage").asText(), told.message());
        JsonNode resolved = RunJson.MAPPER.readTree(out.resolve("config.json").toFile()).get("resolved");
        assertEquals(0.5, resolved.get("stopWhen").get("validationAccuracy").asDouble(), resolved.toString());
        assertFalse(resolved.get("stopWhen").has("epochsWithoutImprovement"), resolved.toString());
    }

    @Test
    void aPatienceEndsTheRunAfterThatManyEpochsWithoutANewBestCountedAcrossARestart() throws IOException {
        // A learning rate too small to change a float32 weight: only batch norm's running statistics move, so the
        // validation metrics wander and soon fail to improve.
        TrainingConfig config = TrainingConfig.from(Manifests.withSpec(spec(
                "learningRate: 1.0e-9, warmupEpochs: 0, stopWhen: {epochsWithoutImprovement: 1}")),
                dir.resolve("data"), dir.resolve("patience"));
        StopRequest stop = new StopRequest();
        RunListener stopAfterFirstEpoch = new RunListener() {
            @Override
            public void onEpoch(EpochReport report) {
                stop.request("test");
            }
        };
        RunResult first = RunTrainer.run(config, List.of(stopAfterFirstEpoch), stop, Clock.systemUTC());
        assertTrue(first.stopped(), "stopped on request after epoch 1");
        Recorder recorder = new Recorder();
        RunResult result = RunTrainer.run(config, List.of(recorder));

        List<EpochMetrics> metrics = result.metrics();
        int expected = firstEpochWithoutNewBest(metrics);
        assertEquals(expected, result.last().epoch(), "stops at the first epoch without a new best: " + metrics);
        assertTrue(expected < EPOCHS, "a new best in every epoch: " + metrics);
        EarlyStop stopped = result.stoppedEarly().orElseThrow();
        assertEquals(StopReason.NoImprovement, stopped.reason());
        assertTrue(stopped.message().contains("stopped at epoch " + expected), stopped.message());
        assertEquals(List.of(1), first.metrics().stream().map(EpochMetrics::epoch).toList());
        assertEquals(IntStream.rangeClosed(2, expected).boxed().toList(), recorder.trained,
                "the second attempt continued after epoch 1 and stopped by the run's whole history");

        List<JsonNode> lines = JsonLines.read(dir.resolve("patience/metrics.jsonl"), JsonNode.class);
        assertEquals("NoImprovement", lines.get(lines.size() - 1).get("stopped").asText());
        assertEndedAt(RunDirectory.open(dir.resolve("patience")), lines);

        // Started again on its folder, the ended run trains nothing more and says why it ended.
        Recorder again = new Recorder();
        RunResult rerun = RunTrainer.run(config, List.of(again));
        assertEquals(List.of(), again.trained);
        assertEquals(result.stoppedEarly(), rerun.stoppedEarly());
        assertEquals(lines, JsonLines.read(dir.resolve("patience/metrics.jsonl"), JsonNode.class));
    }

    @Test
    void aNonFiniteLossEndsTheRunAtOnceWithExitCode4AndSavesNothingOfThatStep() throws IOException {
        // Within the spec's bounds: AdamW's decoupled decay multiplies every weight by 1 - 10 * 1 = -9 per step, so
        // the weights overflow float32 within a few dozen steps. The warm-up is off so the first steps count.
        Path out = dir.resolve("diverged");
        Path message = dir.resolve("diverged-termination-log");
        Cli.Result result = train(spec("learningRate: 10, weightDecay: 1, warmupEpochs: 0"), out, message);

        assertEquals(TrainerExitCode.DIVERGED.code(), result.exitCode(), result.err());
        Matcher step = Pattern.compile("error: the training loss of step (\\d+) \\(epoch (\\d+), step (\\d+) of (\\d+)\\)"
                + " is (NaN|[+-]Inf): training diverged").matcher(result.err());
        assertTrue(step.find(), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
        int epoch = Integer.parseInt(step.group(2));
        long stepsPerEpoch = Long.parseLong(step.group(4));
        assertEquals((epoch - 1) * stepsPerEpoch + Long.parseLong(step.group(3)), Long.parseLong(step.group(1)));

        EarlyStop told = EarlyStop.parse(Files.readString(message)).orElseThrow();
        assertEquals(StopReason.Diverged, told.reason());
        assertTrue(result.err().contains(told.message()), told.message());

        RunDirectory run = RunDirectory.open(out);
        List<JsonNode> lines = JsonLines.read(run.metricsJsonl(), JsonNode.class);
        assertEquals(epoch - 1, lines.size(), "the epochs before the diverging one finished: " + lines);
        assertEquals(checkpointsOf(lines), checkpointFiles(run), "only the finished epochs' checkpoints");
        assertFalse(Files.exists(run.stepCheckpoint()), "no step checkpoint of the poisoned weights");
        assertFalse(Files.exists(run.finalModel()), "no final model");
    }

    /** The first epoch that brought no new best (higher accuracy, or equal accuracy and lower loss); 0 if none. */
    private static int firstEpochWithoutNewBest(List<EpochMetrics> metrics) {
        EpochMetrics best = metrics.get(0);
        for (EpochMetrics m : metrics.subList(1, metrics.size())) {
            boolean better = m.valAccuracy() > best.valAccuracy()
                    || m.valAccuracy() == best.valAccuracy() && m.valLoss() < best.valLoss();
            if (!better) {
                return m.epoch();
            }
            best = m;
        }
        return 0;
    }

    /** The run's files end at its last line's epoch: the checkpoints, the latest pointer and model-final. */
    private static void assertEndedAt(RunDirectory run, List<JsonNode> lines) throws IOException {
        JsonNode last = lines.get(lines.size() - 1);
        assertEquals(checkpointsOf(lines), checkpointFiles(run));
        assertEquals(last.get("checkpoint").asText() + "\n", Files.readString(run.latestPointer()));
        assertTrue(Files.size(run.finalModel()) > 40_000_000, "model-final is written");
        assertFalse(Files.exists(run.stepCheckpoint()));
    }

    private static TreeSet<String> checkpointsOf(List<JsonNode> lines) {
        return lines.stream().map(line -> line.get("checkpoint").asText())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static TreeSet<String> checkpointFiles(RunDirectory run) throws IOException {
        if (!Files.isDirectory(run.checkpoints())) {
            return new TreeSet<>();
        }
        try (Stream<Path> files = Files.list(run.checkpoints())) {
            return files.map(f -> "checkpoints/" + f.getFileName()).filter(f -> f.endsWith(".safetensors"))
                    .filter(f -> !f.equals("checkpoints/" + run.stepCheckpoint().getFileName()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Cli.Result train(String spec, Path out, Path terminationMessage) throws IOException {
        Path manifest = Files.writeString(dir.resolve(out.getFileName() + ".yaml"), HEADER + "spec:\n"
                + spec.indent(2));
        return Cli.run("train", manifest.toString(), "--data", dir.resolve("data").toString(), "--output",
                out.toString(), "--termination-message", terminationMessage.toString());
    }

    /** The epochs an attempt trained. */
    private static final class Recorder implements RunListener {
        final List<Integer> trained = new ArrayList<>();

        @Override
        public void onEpoch(EpochReport report) {
            trained.add(report.epoch());
        }
    }
}
