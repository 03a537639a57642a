package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.Fixtures.fakeNodeRun;
import static dev.trainingrun.operator.it.Fixtures.runs;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two replicas with leader election: one holds the Lease and reconciles; when it dies, the other takes over. */
@OnLocalCluster
class LeaderElectionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void onlyTheLeaseHolderReconcilesAndTheStandbyTakesOverWhenItDies(KubernetesClient client, Cluster cluster) {
        Fixtures.installClusterWide(client);
        Fixtures.createBoundClaims(client, cluster.namespace());
        Map<String, String> env = Map.of(
                "TRAININGRUN_OPERATOR_NAMESPACES", cluster.namespace(),
                "TRAININGRUN_OPERATOR_LEADER_ELECTION_ENABLED", "true",
                "TRAININGRUN_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", cluster.namespace(),
                "TRAININGRUN_OPERATOR_LEADER_ELECTION_LEASE_DURATION", "4s",
                "TRAININGRUN_OPERATOR_LEADER_ELECTION_RENEW_DEADLINE", "3s",
                "TRAININGRUN_OPERATOR_LEADER_ELECTION_RETRY_PERIOD", "1s");
        try (OperatorProcess first = OperatorProcess.start("LeaderElectionIT-first", cluster.kubeconfig(),
                        with(env, "first"));
                OperatorProcess second = OperatorProcess.start("LeaderElectionIT-second", cluster.kubeconfig(),
                        with(env, "second"))) {
            String leader = Await.until("a leader", TIMEOUT, () -> holder(client), holder -> holder != null);
            OperatorProcess leading = leader.equals("first") ? first : second;
            OperatorProcess standby = leading == first ? second : first;

            runs(client).resource(fakeNodeRun("led", 0)).create();
            Await.until("the leader to make the Job", TIMEOUT,
                    () -> client.batch().v1().jobs().withName("led").get() != null);

            leading.kill();
            String next = Await.until("the standby to take the Lease", TIMEOUT, () -> holder(client),
                    holder -> holder != null && !holder.equals(leader));
            assertNotEquals(leader, next);
            assertTrue(next.equals("first") || next.equals("second"), next);
            runs(client).resource(fakeNodeRun("after", 0)).create();
            Await.until("the new leader to make the Job", TIMEOUT,
                    () -> client.batch().v1().jobs().withName("after").get() != null);
            assertTrue(standby.isAlive());
        } finally {
            Fixtures.deleteRuns(client, cluster.namespace());
            Fixtures.deleteBoundClaimVolumes(client, cluster.namespace());
        }
    }

    private static String holder(KubernetesClient client) {
        Lease lease = client.leases().withName("trainingrun-operator").get();
        return lease != null && lease.getSpec() != null ? lease.getSpec().getHolderIdentity() : null;
    }

    private static Map<String, String> with(Map<String, String> env, String identity) {
        Map<String, String> all = new HashMap<>(env);
        all.put("TRAININGRUN_OPERATOR_LEADER_ELECTION_IDENTITY", identity);
        return all;
    }
}
