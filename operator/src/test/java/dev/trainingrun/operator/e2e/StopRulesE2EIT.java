package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.StopReason;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stop rule reaches the run's status through the real trainer in a real pod: the trainer's termination message
 * tells the operator why the run ended early, and the run's Succeeded or Failed condition carries that reason.
 */
@OnLocalCluster
class StopRulesE2EIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(6);

    private static EndToEnd e2e;
    private static KubernetesClient client;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster cluster) {
        client = kubernetes;
        e2e = EndToEnd.prepare(StopRulesE2EIT.class, client, cluster, 100);
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void aTargetAccuracyEndsTheRunSucceededWithReasonTargetReached() throws Exception {
        e2e.create("target", EndToEnd.RESUMABLE_SPEC.replace("warmupEpochs: 1}",
                "warmupEpochs: 1, stopWhen: {validationAccuracy: 0.5}}"));
        TrainingRun done = e2e.awaitFinished("target", TIMEOUT);

        assertEquals(Phase.Succeeded, done.getStatus().getPhase(), () -> e2e.logs("target"));
        Condition succeeded = condition(done, "Succeeded");
        assertEquals(StopReason.TargetReached.name(), succeeded.getReason(), succeeded::getMessage);
        List<JsonNode> metrics = e2e.metrics(done);
        JsonNode last = metrics.get(metrics.size() - 1);
        assertTrue(metrics.size() < 4, "stopped before the last of 4 epochs: " + metrics);
        assertEquals("TargetReached", last.get("stopped").asText(), last.toString());
        assertTrue(succeeded.getMessage().contains("at epoch " + last.get("epoch").asInt() + " reached the target of "
                + "50.00 %"), succeeded::getMessage);
        assertEquals(last.get("epoch").asInt(), EndToEnd.statusEpochs(done).get(EndToEnd.statusEpochs(done).size() - 1));
        assertTrue(Files.exists(e2e.runDirectory(done).resolve("model-final.safetensors")));
    }

    @Test
    void aDivergedRunFailsAtOnceWithReasonDivergedNamingTheStep() {
        // Within the spec's bounds: AdamW's decay multiplies each weight by 1 - 10 * 1 = -9 per step.
        e2e.create("diverged", EndToEnd.RESUMABLE_SPEC.replace("learningRate: 0.001, warmupEpochs: 1",
                "learningRate: 10, weightDecay: 1, warmupEpochs: 0"));
        TrainingRun failed = e2e.awaitFinished("diverged", TIMEOUT);

        assertEquals(Phase.Failed, failed.getStatus().getPhase(), () -> e2e.logs("diverged"));
        Condition condition = condition(failed, "Failed");
        assertEquals(StopReason.Diverged.name(), condition.getReason(), condition::getMessage);
        assertTrue(condition.getMessage().matches("Training diverged, so the run failed without a retry: the training "
                + "loss of step \\d+ \\(epoch \\d+, step \\d+ of \\d+\\) is (NaN|[+-]Inf): .*"), condition::getMessage);
        assertFalse(condition.getMessage().contains("Exception"), condition::getMessage);
        assertEquals(1, e2e.pods("diverged").size(), "one pod, no retry");
    }

    private static Condition condition(TrainingRun run, String type) {
        return run.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow();
    }
}
