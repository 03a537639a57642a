package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.testing.Await;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as Kubernetes sends it to a pod it deletes, evicts or preempts, sent to the trainer in a process of its
 * own: it finishes the step it is in, saves a step checkpoint, exits with {@link TrainerExitCode#STOPPED}, and the
 * next start on the same folder continues at the next step with nothing redone.
 */
class StopOnSignalTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sigtermStopsAtTheNextStepBoundaryAndTheNextStartContinuesThere() throws Exception {
        ShapesDataSet.write(dir.resolve("data"), new ShapesDataSet.Spec(3, 200, 10, 32, 0));
        Files.writeString(dir.resolve("run.yaml"), """
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: signal}
                spec:
                  model: {numClasses: 3}
                  data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 1}
                  training: {epochs: 1, batchSize: 8, warmupEpochs: 0}
                  resources: {gpus: 0}
                """);
        Path output = dir.resolve("out");

        Process first = train(output, dir.resolve("first.log"));
        long reached = Await.until("the trainer to take three steps", TIMEOUT, () -> step(output), s -> s >= 3);
        first.destroy(); // SIGTERM
        assertTrue(first.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the trainer did not exit after SIGTERM");
        String log = Files.readString(dir.resolve("first.log"));
        assertEquals(TrainerExitCode.STOPPED.code(), first.exitValue(), log);
        assertTrue(Files.exists(output.resolve("checkpoints/step.safetensors")), log);
        long stoppedAt = step(output);
        assertTrue(stoppedAt >= reached && stoppedAt < 75, "stopped at step " + stoppedAt + " of 75; " + log);
        assertTrue(log.contains("stopped on request at epoch 1, step " + stoppedAt + " of 75"), log);
        assertTrue(position(output).get("stopped").asBoolean());

        Process second = train(output, dir.resolve("second.log"));
        assertTrue(second.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the second attempt did not finish");
        String again = Files.readString(dir.resolve("second.log"));
        assertEquals(TrainerExitCode.SUCCEEDED.code(), second.exitValue(), again);
        assertTrue(again.contains("resuming from checkpoints/step.safetensors: no epoch is done yet, continuing "
                + "epoch 1 at step " + (stoppedAt + 1) + "/75"), again);
        assertTrue(again.contains("the last attempt was stopped at step " + stoppedAt + "; 0 step(s)"), again);
        List<String> interruptions = Files.readAllLines(output.resolve("interruptions.jsonl"));
        assertEquals(1, interruptions.size());
        JsonNode interruption = JSON.readTree(interruptions.get(0));
        assertEquals("Stopped", interruption.get("cause").asText());
        assertEquals(0, interruption.get("stepsRedone").asLong());
        assertEquals(75, step(output));
    }

    private Process train(Path output, Path log) throws IOException {
        return new ProcessBuilder(Cli.inItsOwnJvm(List.of(), "train", dir.resolve("run.yaml").toString(), "--data",
                dir.resolve("data").toString(), "--output", output.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static long step(Path output) {
        try {
            return position(output).path("step").asLong(-1);
        } catch (IOException e) {
            return -1; // not written yet
        }
    }

    private static JsonNode position(Path output) throws IOException {
        return JSON.readTree(Files.readString(output.resolve("position.json"), StandardCharsets.UTF_8).strip());
    }
}
