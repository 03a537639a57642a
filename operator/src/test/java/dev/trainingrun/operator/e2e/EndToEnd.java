package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.it.Fixtures;
import dev.trainingrun.operator.it.OperatorProcess;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The whole product in one namespace, as a user would have it: the CRD, the quickstart's data on a claim, the
 * trainer image in the cluster's registry and the operator as it ships, configured to use that image. Each
 * end-to-end test class makes one and closes it at the end; the runs train for real on the real node.
 */
final class EndToEnd implements AutoCloseable {
    /** A run of four short epochs that checkpoints after each of them, so that it can resume from any. */
    static final String RESUMABLE_SPEC = """
            {model: {architecture: ResNet18, numClasses: 3},
             data: {volume: {persistentVolumeClaim: {claimName: %s}}, imageSize: 64, loaderThreads: 2},
             training: {epochs: 4, batchSize: 16, validationBatchSize: 32, learningRate: 0.001, warmupEpochs: 1},
             checkpoints: {size: 200Mi, saveAfterEpoch: 0, reclaimPolicy: Delete},
             resources: {gpus: 0, memory: 2Gi},
             runPolicy: {backoffLimit: 2}}""".formatted(ShapesData.CLAIM);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final KubernetesClient client;
    private final Cluster cluster;
    private final String image;
    private OperatorProcess operator;

    private EndToEnd(String name, KubernetesClient client, Cluster cluster, String image) {
        this.name = name;
        this.client = client;
        this.cluster = cluster;
        this.image = image;
    }

    /** Sets everything up and starts the operator; {@code trainPerClass} images per class make an epoch's length. */
    static EndToEnd prepare(Class<?> testClass, KubernetesClient client, Cluster cluster, int trainPerClass) {
        Fixtures.installClusterWide(client);
        String image = TrainerImage.pushedTo(cluster);
        ShapesData.generate(client, image, trainPerClass, 20);
        EndToEnd endToEnd = new EndToEnd(testClass.getSimpleName(), client, cluster, image);
        endToEnd.startOperator();
        return endToEnd;
    }

    void startOperator() {
        operator = OperatorProcess.start(name, cluster.kubeconfig(), Map.of(
                "TRAININGRUN_OPERATOR_NAMESPACES", cluster.namespace(),
                "TRAININGRUN_OPERATOR_TRAINER_IMAGE", image));
    }

    OperatorProcess operator() {
        return operator;
    }

    TrainingRun create(String run, String spec) {
        return Fixtures.runs(client).resource(Fixtures.run(run, spec)).create();
    }

    TrainingRun get(String run) {
        return Fixtures.get(client, run);
    }

    /** Waits until the run satisfies {@code done}; on a timeout the message has the run's status and pod logs. */
    TrainingRun await(String run, String what, Duration timeout, Predicate<TrainingRun> done) {
        try {
            return Await.until(run + " " + what, timeout, () -> get(run), r -> r != null && done.test(r));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ntrainer logs:\n" + logs(run), e);
        }
    }

    TrainingRun awaitFinished(String run, Duration timeout) {
        return await(run, "to finish", timeout, r -> r.getStatus() != null && r.getStatus().getPhase() != null
                && r.getStatus().getPhase().isFinished());
    }

    /** The epochs the run's status lists. */
    static List<Integer> statusEpochs(TrainingRun run) {
        return run.getStatus() == null || run.getStatus().getEpochs() == null ? List.of()
                : run.getStatus().getEpochs().stream().map(e -> e.getEpoch()).toList();
    }

    /** The run's Job (named after the run). */
    Job job(String run) {
        return client.batch().v1().jobs().inNamespace(cluster.namespace()).withName(run).get();
    }

    /**
     * Asserts that the run's later pod continued from the step checkpoint its stopped pod saved at step
     * {@code savedAt}, with no step redone, as the trainer logs it at start.
     */
    void assertContinuedAfterStop(String run, long savedAt) {
        String log = logs(run);
        assertTrue(log.contains("the last attempt was stopped at step " + savedAt + "; 0 step(s)"), log);
    }

    /**
     * Asserts that the run ended as the uninterrupted run {@code steadyName} of the same spec: the same metrics for
     * each epoch, each epoch once, and the same final weights to the last bit.
     */
    void assertEndsAs(String steadyName, TrainingRun run, Duration timeout) throws IOException {
        TrainingRun steady = awaitFinished(steadyName, timeout);
        assertEquals(Phase.Succeeded, steady.getStatus().getPhase(), () -> logs(steadyName));
        List<JsonNode> expected = metrics(steady);
        List<JsonNode> actual = metrics(run);
        assertEquals(expected.stream().map(m -> m.get("epoch").asInt()).toList(),
                actual.stream().map(m -> m.get("epoch").asInt()).toList(), "each epoch once");
        for (int i = 0; i < expected.size(); i++) {
            for (String metric : List.of("trainLoss", "valLoss", "valAccuracy")) {
                assertEquals(expected.get(i).get(metric).asDouble(), actual.get(i).get(metric).asDouble(),
                        metric + " of epoch " + (i + 1));
            }
        }
        assertArrayEquals(Files.readAllBytes(runDirectory(steady).resolve("model-final.safetensors")),
                Files.readAllBytes(runDirectory(run).resolve("model-final.safetensors")),
                "the final weights are those of the uninterrupted run");
    }

    /** The run's pods, oldest first. */
    List<Pod> pods(String run) {
        return Fixtures.pods(client, run).stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp())).toList();
    }

    /** Every pod's log of the run, oldest pod first. */
    String logs(String run) {
        return pods(run).stream().map(pod -> {
            String log;
            try {
                log = client.pods().resource(pod).getLog();
            } catch (RuntimeException e) {
                log = "(no log: " + e.getMessage() + ")";
            }
            return "---- " + pod.getMetadata().getName() + "\n" + log;
        }).collect(Collectors.joining("\n"));
    }

    /** Runs kubectl in the test's namespace and returns what it printed, or throws with it. */
    String kubectl(String... arguments) {
        return cluster.kubectl(Duration.ofSeconds(30), arguments).orThrow().output();
    }

    /** The run's directory on its checkpoint claim, as its status names it. */
    Path runDirectory(TrainingRun run) {
        var where = run.getStatus().getCheckpoints();
        return ClaimFiles.root(client, where.getClaimName()).resolve(where.getDirectory());
    }

    /** metrics.jsonl of the run: one object per finished epoch, in the order they were written. */
    List<JsonNode> metrics(TrainingRun run) {
        try {
            return Files.readAllLines(runDirectory(run).resolve("metrics.jsonl")).stream()
                    .filter(line -> !line.isBlank()).map(EndToEnd::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (operator != null) {
            operator.close();
        }
    }
}
