package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.Fixtures.awaitCondition;
import static dev.trainingrun.operator.it.Fixtures.endRunningPod;
import static dev.trainingrun.operator.it.Fixtures.fakeNodeRun;
import static dev.trainingrun.operator.it.Fixtures.get;
import static dev.trainingrun.operator.it.Fixtures.jobs;
import static dev.trainingrun.operator.it.Fixtures.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator killed with SIGKILL and started again, mid-run and mid-burst: exactly one Job per run, always. */
@OnLocalCluster
class OperatorRestartIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static KubernetesClient client;
    private static String namespace;
    private static Path kubeconfig;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster cluster) {
        client = kubernetes;
        namespace = cluster.namespace();
        kubeconfig = cluster.kubeconfig();
        Fixtures.installClusterWide(client);
        Fixtures.createBoundClaims(client, namespace);
    }

    @AfterAll
    static void cleanUp() {
        Fixtures.deleteRuns(client, namespace);
        Fixtures.deleteBoundClaimVolumes(client, namespace);
    }

    private static OperatorProcess startOperator() {
        return OperatorProcess.start(OperatorRestartIT.class.getSimpleName(), kubeconfig,
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", namespace));
    }

    @Test
    void killedMidRunTheOperatorComesBackToTheSameJobAndFollowsItToTheEnd() {
        String jobUid;
        String podName;
        try (OperatorProcess operator = startOperator()) {
            runs(client).resource(fakeNodeRun("survivor", 1)).create();
            awaitCondition(client, "survivor", "Running", null, TIMEOUT);
            jobUid = client.batch().v1().jobs().withName("survivor").get().getMetadata().getUid();
            podName = Fixtures.pods(client, "survivor").get(0).getMetadata().getName();
            operator.kill();
        }
        // While no operator runs, the pod finishes: the status can only learn of it after the restart.
        endRunningPod(client, "survivor", 0);
        Await.until("the Job to complete", TIMEOUT, () -> client.batch().v1().jobs().withName("survivor").get()
                .getStatus().getSucceeded(), succeeded -> succeeded != null && succeeded == 1);
        assertEquals(Phase.Running, get(client, "survivor").getStatus().getPhase());

        try (OperatorProcess operator = startOperator()) {
            TrainingRun done = awaitCondition(client, "survivor", "Succeeded", null, TIMEOUT);
            assertEquals(Phase.Succeeded, done.getStatus().getPhase());
            List<Job> survivorJobs = jobs(client).stream()
                    .filter(job -> job.getMetadata().getName().startsWith("survivor")).toList();
            assertEquals(1, survivorJobs.size(), "exactly one Job");
            assertEquals(jobUid, survivorJobs.get(0).getMetadata().getUid(), "the same Job, never made again");
            assertEquals(List.of(podName), Fixtures.pods(client, "survivor").stream()
                    .map(Pod::getMetadata).map(meta -> meta.getName()).toList());
            assertEquals(1, done.getStatus().getAttempts());
        }
    }

    @Test
    void killedWhileCreatingABurstOfRunsTheOperatorMakesEachJobExactlyOnce() throws Exception {
        int count = 30;
        List<String> names = IntStream.range(0, count).mapToObj(i -> "burst-" + i).toList();
        try (OperatorProcess operator = startOperator()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (String name : names) {
                    pool.submit(() -> runs(client).resource(fakeNodeRun(name, 0)).create());
                }
                // Kill it as soon as it has started making Jobs, so some runs are half-way when it dies.
                Await.until("the first burst Job", TIMEOUT, () -> jobs(client).stream()
                        .anyMatch(job -> job.getMetadata().getName().startsWith("burst-")));
                operator.kill();
            } finally {
                pool.shutdown();
            }
        }
        long before = jobs(client).stream().filter(job -> job.getMetadata().getName().startsWith("burst-")).count();
        try (OperatorProcess operator = startOperator()) {
            Await.until("every burst run to run", TIMEOUT, () -> names.stream()
                    .map(name -> get(client, name))
                    .allMatch(run -> run != null && run.getStatus() != null
                            && run.getStatus().getPhase() == Phase.Running));
            Map<String, Long> jobsPerRun = jobs(client).stream()
                    .map(job -> job.getMetadata().getLabels().get("trainingrun.dev/run"))
                    .filter(name -> name.startsWith("burst-"))
                    .collect(Collectors.groupingBy(name -> name, Collectors.counting()));
            assertEquals(count, jobsPerRun.size());
            assertFalse(jobsPerRun.values().stream().anyMatch(n -> n != 1), jobsPerRun.toString());
            System.out.printf("[restart] %d of %d Jobs existed when the operator was killed%n", before, count);
        }
    }
}
