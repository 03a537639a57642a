package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.Fixtures.awaitCondition;
import static dev.trainingrun.operator.it.Fixtures.condition;
import static dev.trainingrun.operator.it.Fixtures.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on the cluster's real node, where kubelet and containerd really start the pod the operator specified:
 * under the restricted profile, with its volumes, identity and read-only root filesystem; and the real stuck and
 * failure states with the kubelet's own words.
 */
@OnLocalCluster
class RealNodeIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /**
     * Stands in for the trainer: checks, as the trainer's user, everything the pod must give it, then trains for
     * a few seconds. {@code set -x} makes a failed check the pod's termination message.
     */
    private static final String FAKE_TRAINER = """
            set -eux
            test "$1" = --run && test "$3" = --data && test "$5" = --output
            run="$2" data="$4" out="$6"
            test "$(id -u)" = 1000
            grep -q "TrainingRun" "$run"
            test -d "$data"
            if touch "$data/probe" 2>/dev/null; then echo "the data volume is writable"; exit 10; fi
            if touch /probe 2>/dev/null; then echo "the root filesystem is writable"; exit 11; fi
            touch /tmp/probe "$HOME/probe"
            mkdir -p "$out" && echo ok > "$out/probe"
            test -n "$TRAININGRUN_NAME" && test -n "$TRAININGRUN_NAMESPACE" && test "$DJL_OFFLINE" = true
            test -s /var/run/secrets/kubernetes.io/serviceaccount/token
            sleep 4
            """;

    private static KubernetesClient client;
    private static Cluster cluster;
    private static OperatorProcess operator;
    private static String fakeTrainerImage;
    private static String node;
    @TempDir
    static Path scratch;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster localCluster) throws Exception {
        client = kubernetes;
        cluster = localCluster;
        node = Fixtures.realNode(client);
        fakeTrainerImage = pushFakeTrainer();
        Fixtures.installClusterWide(client);
        client.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("images").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce")
                    .withNewResources().addToRequests("storage", new Quantity("100Mi")).endResources()
                .endSpec().build()).create();
        operator = OperatorProcess.start(RealNodeIT.class.getSimpleName(), cluster.kubeconfig(),
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", cluster.namespace()));
    }

    @AfterAll
    static void stopOperator() {
        if (operator != null) {
            operator.close();
        }
        Fixtures.deleteRuns(client, cluster.namespace());
    }

    private static TrainingRun realNodeRun(String name, String image) {
        return Fixtures.run(name, """
                {image: "%s",
                 data: {volume: {persistentVolumeClaim: {claimName: images}}},
                 checkpoints: {size: 100Mi, reclaimPolicy: Delete},
                 resources: {gpus: 0, nodeSelector: {kubernetes.io/hostname: %s}},
                 runPolicy: {backoffLimit: 0}}""".formatted(image, node));
    }

    @Test
    void theSpecifiedPodReallyStartsRunsAndSucceeds() {
        runs(client).resource(realNodeRun("real", fakeTrainerImage)).create();
        TrainingRun running = awaitCondition(client, "real", "Running", "PodRunning", TIMEOUT);
        assertTrue(condition(running, "Running").orElseThrow().getMessage().contains("on node " + node));
        TrainingRun done = Await.until("the run to finish", TIMEOUT, () -> Fixtures.get(client, "real"),
                run -> run.getStatus().getPhase().isFinished());
        assertEquals(Phase.Succeeded, done.getStatus().getPhase(),
                () -> "the fake trainer's checks failed: " + condition(done, "Failed").orElseThrow().getMessage());
        assertTrue(done.getStatus().getStartTime().compareTo(done.getStatus().getCompletionTime()) <= 0);
    }

    @Test
    void anImageThatDoesNotExistIsStuckWithTheKubeletsMessage() {
        String missing = cluster.registry() + "/trainingrun-tests/missing:0";
        runs(client).resource(realNodeRun("missing", missing)).create();
        TrainingRun stuck = Await.until("an image pull error", TIMEOUT, () -> Fixtures.get(client, "missing"),
                run -> Fixtures.hasCondition(run, "Stuck", "True", "ErrImagePull")
                        || Fixtures.hasCondition(run, "Stuck", "True", "ImagePullBackOff"));
        assertEquals(Phase.Pending, stuck.getStatus().getPhase());
        String message = condition(stuck, "Stuck").orElseThrow().getMessage();
        assertTrue(message.contains("trainingrun-tests/missing:0"), message);
    }

    @Test
    void aTrainerThatExitsWithAnErrorFailsTheRunQuotingItsLastWords() {
        // busybox's shell is no trainer: it cannot open the "train" script the arguments name, and exits 2, which
        // the pod contract reads as input the trainer refuses (TrainerExitCode.INVALID_INPUT): failed at once.
        runs(client).resource(realNodeRun("broken", cluster.busyboxImage())).create();
        TrainingRun failed = awaitCondition(client, "broken", "Failed", "InvalidInput", TIMEOUT);
        String message = condition(failed, "Failed").orElseThrow().getMessage();
        assertTrue(message.contains("can't open") && message.contains("train"), message);
    }

    /** The fake trainer as a one-layer image on busybox (whose entrypoint, {@code /bin/sh}, runs {@code /train}). */
    private static String pushFakeTrainer() throws IOException, InterruptedException {
        Path script = scratch.resolve("train");
        Files.writeString(script, FAKE_TRAINER);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path layer = scratch.resolve("layer.tar");
        run(List.of("tar", "-C", scratch.toString(), "--owner=0", "--group=0", "-cf", layer.toString(), "train"));
        String image = cluster.registry() + "/trainingrun-tests/fake-trainer:" + Long.toHexString(System.nanoTime());
        run(List.of(cluster.tool("crane").toString(), "append", "--insecure", "-b", cluster.busyboxImage(),
                "-f", layer.toString(), "-t", image));
        return image;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
