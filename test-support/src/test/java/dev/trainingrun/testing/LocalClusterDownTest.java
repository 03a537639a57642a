package dev.trainingrun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@code hack/local-cluster down} leaves no process, network namespace, link, mount or cgroup behind. It
 * takes down the very cluster the earlier test classes of this JVM used, with a pod still running
 * on it, so it runs last, and only on a cluster this JVM started: a cluster named by KUBECONFIG or
 * started by hand is not ours to stop. A test class after it would get a freshly started cluster.
 */
@OnLocalCluster
@Order(Integer.MAX_VALUE)
class LocalClusterDownTest {

    @Test
    void downLeavesNoProcessNamespaceLinkMountOrCgroup(KubernetesClient client, Cluster cluster) {
        LocalCluster local = cluster.localCluster();
        Assumptions.assumeTrue(local.startedHere(), "this JVM did not start the cluster (KUBECONFIG was set, or it "
                + "already ran), so it does not take it down; run the tests without a running cluster to test `down`");
        startBusyPod(client, cluster);

        HostSnapshot before = HostSnapshot.of(cluster);
        assertTrue(before.netnsExists() && before.linkExists(), "the cluster's namespace and link exist while it is up");
        assertTrue(before.processes().size() >= 10, () -> "found only " + before.processes());
        assertTrue(before.processes().values().stream().anyMatch(c -> c.endsWith(" sleep 3600")),
                () -> "the busy pod's process is among the cluster's: " + before.processes());
        assertFalse(before.mounts().isEmpty(), "containerd and the kubelet have mounts under the state folder");
        assertFalse(before.containerCgroups().isEmpty(), "the containers have cgroups of their own");

        local.stopIfStartedHere();

        HostSnapshot after = HostSnapshot.of(cluster);
        assertEquals(List.of(), before.stillRunning(), "processes of the cluster still running after down");
        assertEquals(Map.of(), after.processes(), "processes that still belong to the cluster after down");
        assertFalse(after.netnsExists(), "network namespace left behind");
        assertFalse(after.linkExists(), "host link left behind");
        assertEquals(List.of(), after.mounts(), "mounts left behind");
        assertFalse(after.stateDirExists(), "state folder left behind");
        assertEquals(List.of(), HostSnapshot.existingCgroups(before.containerCgroups()), "cgroups left behind");
    }

    /** A pod that holds everything down must undo: a container, its sandbox, a claim, an emptyDir, a token. */
    private static void startBusyPod(KubernetesClient client, Cluster cluster) {
        client.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("scratch").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().withRequests(Map.of("storage", new Quantity("1Mi"))).endResources()
                .endSpec().build()).create();
        client.pods().resource(new PodBuilder().withNewMetadata().withName("busy").endMetadata().withNewSpec()
                .withNodeSelector(Map.of("trainingrun.dev/real-node", "true"))
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName("busy").withImage(cluster.busyboxImage())
                .withCommand("sleep", "3600")
                .withNewSecurityContext().withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("scratch").withNewPersistentVolumeClaim().withClaimName("scratch")
                .endPersistentVolumeClaim().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build()).create();
        Pods.awaitPhase(client, "busy", Duration.ofMinutes(3), "Running");
    }
}
