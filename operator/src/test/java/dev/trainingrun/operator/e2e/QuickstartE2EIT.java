package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.api.EpochResult;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.api.TrainingRunYaml;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart for real: {@code examples/quickstart-cpu.yaml} as it is, applied to the cluster, trains
 * in the trainer image on the real node and reports into its status as it goes; what it leaves on its checkpoint
 * claim is what the status says. Prints the start-up and status-write figures that docs/trainer-image.md quotes.
 */
@OnLocalCluster
class QuickstartE2EIT {
    private static final Path QUICKSTART = Path.of("..", "examples", "quickstart-cpu.yaml");
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern STATUS_WRITES = Pattern.compile("status: (\\d+) writes in ([0-9.]+) min");

    private static EndToEnd e2e;
    private static KubernetesClient client;
    private static Cluster cluster;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster localCluster) {
        client = kubernetes;
        cluster = localCluster;
        e2e = EndToEnd.prepare(QuickstartE2EIT.class, client, cluster, 100);
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void theQuickstartTrainsToSucceededShowingItsProgressAndLeavesWhatItsStatusNames() throws Exception {
        TrainingRun quickstart = TrainingRunYaml.read(QUICKSTART);
        long applied = System.nanoTime();
        client.resource(quickstart).create();
        String name = quickstart.getMetadata().getName();

        e2e.await(name, "to take its first step", TIMEOUT, run -> run.getStatus() != null
                && run.getStatus().getProgress() != null && run.getStatus().getProgress().getStep() > 0);
        double firstStep = (System.nanoTime() - applied) / 1e9;
        e2e.await(name, "to finish its first epoch", TIMEOUT, run -> !EndToEnd.statusEpochs(run).isEmpty());
        String row = e2e.kubectl("get", "tr", name, "--no-headers");
        TrainingRun done = e2e.awaitFinished(name, TIMEOUT);
        assertEquals(Phase.Succeeded, done.getStatus().getPhase(), () -> e2e.logs(name));

        // kubectl get tr, while it ran: NAME PHASE QUEUED EPOCH VAL-ACC BEST AGE, QUEUED empty (no Kueue queue)
        String[] columns = row.strip().split("\\s+");
        assertEquals(6, columns.length, row);
        assertEquals(List.of(name, "Running"), List.of(columns[0], columns[1]), row);
        assertTrue(Integer.parseInt(columns[2]) >= 1, row);
        assertTrue(Double.parseDouble(columns[3]) >= 0 && Double.parseDouble(columns[4]) >= 0, row);

        TrainingRunStatus status = done.getStatus();
        int epochs = quickstart.getSpec().getTraining().getEpochs();
        int saveAfter = quickstart.getSpec().getCheckpoints().getSaveAfterEpoch();
        assertEquals(IntStream.rangeClosed(1, epochs).boxed().toList(), EndToEnd.statusEpochs(done));
        for (EpochResult epoch : status.getEpochs()) {
            assertNotNull(epoch.getTrainLoss());
            assertNotNull(epoch.getValLoss());
            assertNotNull(epoch.getValAccuracy());
            assertNotNull(epoch.getLearningRate());
            assertNotNull(epoch.getSeconds());
            if (epoch.getEpoch() > saveAfter) {
                assertNotNull(epoch.getCheckpoint(), "epoch " + epoch.getEpoch() + " is saved");
            } else {
                assertNull(epoch.getCheckpoint(), "epoch " + epoch.getEpoch() + " is not saved");
            }
        }
        double bestAccuracy = status.getEpochs().stream().mapToDouble(EpochResult::getValAccuracy).max().orElseThrow();
        assertEquals(bestAccuracy, status.getBest().getValAccuracy());
        assertEquals(epochs, status.getProgress().getEpoch());
        assertEquals(status.getProgress().getTotalSteps(), status.getProgress().getStep());
        assertEquals(name + "-checkpoints", status.getCheckpoints().getClaimName());
        assertEquals(name + "-" + done.getMetadata().getUid().substring(0, 8), status.getCheckpoints().getDirectory());

        Path directory = e2e.runDirectory(done);
        for (String file : List.of("config.json", "metrics.jsonl", "curves.png", "model-final.safetensors",
                "model-best.safetensors", status.getCheckpoints().getLatest(), status.getCheckpoints().getBest())) {
            assertTrue(Files.isRegularFile(directory.resolve(file)) && Files.size(directory.resolve(file)) > 0,
                    file + " in " + directory);
        }
        List<JsonNode> metrics = e2e.metrics(done);
        assertEquals(IntStream.rangeClosed(1, epochs).boxed().toList(),
                metrics.stream().map(m -> m.get("epoch").asInt()).toList());
        for (JsonNode line : metrics) {
            EpochResult reported = status.getEpochs().get(line.get("epoch").asInt() - 1);
            assertEquals(line.get("valAccuracy").asDouble(), reported.getValAccuracy(), 1e-4);
            assertEquals(line.has("checkpoint") ? line.get("checkpoint").asText() : null, reported.getCheckpoint());
        }

        report(done, firstStep);
    }

    /**
     * The figures issue 8 asks for, from this run: where the time from {@code kubectl apply} to the first training
     * step went (server timestamps, whole seconds; the first step by this test's clock), the image pull of the data
     * Job (the first pod of the image on the node), and the trainer's status writes.
     */
    private static void report(TrainingRun done, double firstStep) {
        String name = done.getMetadata().getName();
        Pod pod = e2e.pods(name).get(0);
        Instant applied = Instant.parse(done.getMetadata().getCreationTimestamp());
        Instant scheduled = Instant.parse(pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType())).findFirst().orElseThrow().getLastTransitionTime());
        Instant started = Instant.parse(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated()
                .getStartedAt());
        String pull = client.v1().events().list().getItems().stream()
                .filter(e -> "Pulled".equals(e.getReason()) && e.getMessage().startsWith("Successfully pulled"))
                .map(e -> e.getInvolvedObject().getName() + ": " + e.getMessage()).findFirst().orElse("none in this namespace: the node had the image already");
        Matcher writes = STATUS_WRITES.matcher(e2e.logs(name));
        assertTrue(writes.find(), "the trainer reports its status writes at the end");
        double perMinute = Integer.parseInt(writes.group(1)) / Double.parseDouble(writes.group(2));
        System.out.printf(Locale.ROOT, "[e2e] quickstart: kubectl apply -> pod scheduled %d s (checkpoint claim"
                + " provisioned) -> container started %d s -> first training step %.1f s; %s status writes in %s min"
                + " (%.1f per minute); %d epochs, best val-acc %.4f%n[e2e] image pull %s%n",
                Duration.between(applied, scheduled).toSeconds(), Duration.between(applied, started).toSeconds(),
                firstStep, writes.group(1), writes.group(2), perMinute, done.getStatus().getEpochs().size(),
                done.getStatus().getBest().getValAccuracy(), pull);
    }
}
