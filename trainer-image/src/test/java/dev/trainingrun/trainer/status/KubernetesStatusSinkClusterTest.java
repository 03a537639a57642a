package dev.trainingrun.trainer.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.EpochResult;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.Progress;
import dev.trainingrun.api.StatusOwner;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.api.TrainingRunYaml;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.Crds;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status writer against the real API server: server-side apply under the trainer's field manager beside the
 * operator's, epochs that leave the list when no longer sent, and an outage between trainer and API server that
 * training never notices and after which the newest state arrives.
 */
@OnLocalCluster
class KubernetesStatusSinkClusterTest {
    private static final Path CRD = Path.of("..", "crds", "trainingruns.trainingrun.dev.yaml");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static KubernetesClient client;
    private static Cluster cluster;

    @BeforeAll
    static void installCrd(KubernetesClient kubernetes, Cluster localCluster) {
        client = kubernetes;
        cluster = localCluster;
        Crds.install(client, CRD);
    }

    @Test
    void theTrainersFieldsLiveBesideTheOperatorsAndEpochsNoLongerSentLeaveTheList() throws Exception {
        createRun("beside");
        applyAsOperator("beside", "{\"phase\": \"Running\", \"jobName\": \"beside\"}");
        try (KubernetesStatusSink writer = KubernetesStatusSink.connect(adminConfig(), cluster.namespace(),
                "beside")) {
            writer.write(status(1, 2, 3));
            TrainingRun run = client.resources(TrainingRun.class).withName("beside").get();
            assertEquals(Phase.Running, run.getStatus().getPhase(), "the operator's field stays");
            assertEquals(List.of(1, 2, 3), epochs(run));
            assertEquals(3, run.getStatus().getProgress().getEpoch());

            writer.write(status(2, 3, 4));
            run = client.resources(TrainingRun.class).withName("beside").get();
            assertEquals(List.of(2, 3, 4), epochs(run), "epoch 1 is no longer sent, so it is gone");
            assertEquals(Phase.Running, run.getStatus().getPhase());
            assertEquals(1L, run.getMetadata().getGeneration(), "status writes leave the spec alone");
            assertTrue(run.getMetadata().getManagedFields().stream().anyMatch(entry ->
                    StatusOwner.TRAINER.fieldManager().equals(entry.getManager())
                            && "status".equals(entry.getSubresource())), "the trainer's own field manager");
        }
    }

    @Test
    void anOutageIsReportedOnceAndTheNewestStateArrivesWhenTheApiServerIsReachableAgain() throws Exception {
        createRun("outage");
        URI server = URI.create(adminConfig().getMasterUrl());
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        try (TcpRelay relay = new TcpRelay(new InetSocketAddress(server.getHost(), server.getPort()))) {
            Config throughRelay = new ConfigBuilder(adminConfig())
                    .withMasterUrl("https://127.0.0.1:" + relay.port()).build();
            StatusPublisher publisher = new StatusPublisher(
                    KubernetesStatusSink.connect(throughRelay, cluster.namespace(), "outage"),
                    new PrintStream(logged, true, StandardCharsets.UTF_8), Duration.ofMillis(200),
                    Duration.ofSeconds(1), Duration.ofSeconds(10));
            publisher.publish(status(1));
            awaitEpochs("outage", List.of(1));

            relay.cut();
            long start = System.nanoTime();
            publisher.publish(status(1, 2));
            publisher.publish(status(1, 2, 3));
            assertTrue((System.nanoTime() - start) < 100_000_000L, "publishing never waits for the network");
            awaitLog(logged, text -> text.contains("status: cannot write"));
            // Several failed attempts, so that "reported once" means something.
            Await.until("attempts to reach the API server during the outage", TIMEOUT, relay::dropped,
                    attempts -> attempts >= 3);
            relay.restore();
            awaitEpochs("outage", List.of(1, 2, 3));
            publisher.close();
        }
        String text = logged.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertEquals(1, text.split("status: cannot write", -1).length - 1, text);
        assertTrue(text.contains("status: written again after"), text);
    }

    private static Config adminConfig() throws Exception {
        return Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
    }

    private static void createRun(String name) {
        client.resource(TrainingRunYaml.read("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: %s}
                spec: {data: {volume: {persistentVolumeClaim: {claimName: data}}}, resources: {gpus: 0}}
                """.formatted(name), name)).create();
    }

    private static void applyAsOperator(String name, String status) {
        client.resources(TrainingRun.class).withName(name).subresource("status").patch(new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager("operator-in-this-test").withForce(true)
                .build(), """
                {"apiVersion": "trainingrun.dev/v1alpha1", "kind": "TrainingRun", "metadata": {"name": "%s"},
                 "status": %s}""".formatted(name, status));
    }

    private static TrainingRunStatus status(int... epochs) {
        TrainingRunStatus status = new TrainingRunStatus();
        Progress progress = new Progress();
        progress.setEpoch(epochs[epochs.length - 1]);
        status.setProgress(progress);
        status.setEpochs(IntStream.of(epochs).mapToObj(epoch -> {
            EpochResult result = new EpochResult(epoch);
            result.setValAccuracy(0.5);
            return result;
        }).toList());
        return status;
    }

    private static List<Integer> epochs(TrainingRun run) {
        return run.getStatus().getEpochs().stream().map(EpochResult::getEpoch).toList();
    }

    private static void awaitEpochs(String name, List<Integer> expected) {
        Await.until("status epochs of " + name + " to be " + expected, TIMEOUT, () -> {
            TrainingRun run = client.resources(TrainingRun.class).withName(name).get();
            return run.getStatus() == null || run.getStatus().getEpochs() == null ? List.<Integer>of() : epochs(run);
        }, expected::equals);
    }

    private static void awaitLog(ByteArrayOutputStream logged, Predicate<String> done) {
        Await.until("the publisher's log", TIMEOUT, () -> logged.toString(StandardCharsets.UTF_8), done);
    }
}
