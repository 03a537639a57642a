package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trainer whose container may use fewer CPUs than the node has runs libtorch and its loader on that many threads:
 * on the real node of two cores, a run limited to one CPU trains on one intra-op and one loader thread, where
 * libtorch alone would take both cores' worth of threads, as it takes a 64-core node's for a 2-CPU pod.
 */
@OnLocalCluster
class CpuLimitE2EIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final String SPEC = EndToEnd.RESUMABLE_SPEC.replace("epochs: 4", "epochs: 1")
            .replace("memory: 2Gi", "memory: 2Gi, cpu: \"1\"");

    private static EndToEnd e2e;

    @BeforeAll
    static void prepare(KubernetesClient client, Cluster cluster) {
        e2e = EndToEnd.prepare(CpuLimitE2EIT.class, client, cluster, 20);
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void aRunLimitedToOneCpuTrainsOnOneIntraOpAndOneLoaderThread() throws IOException {
        e2e.create("one-cpu", SPEC);
        TrainingRun done = e2e.awaitFinished("one-cpu", TIMEOUT);
        String logs = e2e.logs("one-cpu");
        assertEquals(Phase.Succeeded, done.getStatus().getPhase(), logs);
        assertTrue(logs.contains("with 1 intra-op and 1 loader threads (1 CPU)"), logs);
        JsonNode resolved = new ObjectMapper().readTree(e2e.runDirectory(done).resolve("config.json").toFile())
                .get("resolved");
        assertEquals(List.of(1, 1, 1), List.of(resolved.get("cpus").asInt(), resolved.get("intraOpThreads").asInt(),
                resolved.get("loaderThreads").asInt()), "the spec's 2 loader threads, at most the 1 CPU");
    }
}
