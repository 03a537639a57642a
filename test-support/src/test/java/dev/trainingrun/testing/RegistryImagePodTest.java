package dev.trainingrun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod from an image pushed to the local registry runs on the real node as a non-root user under
 * the restricted profile, writes to a dynamically provisioned claim, and calls the API server with
 * its ServiceAccount token.
 */
@OnLocalCluster
@Order(1)
class RegistryImagePodTest {

    private static final String REAL_NODE_LABEL = "trainingrun.dev/real-node";
    private static String image;

    /** busybox (from the registry) plus a layer with the static kubectl that hack/local-cluster built. */
    @BeforeAll
    static void pushImage(Cluster cluster, @TempDir Path work) throws IOException {
        Path root = work.resolve("layer");
        Path bin = Files.createDirectories(root.resolve("usr/local/bin"));
        Files.copy(cluster.tool("kubectl"), bin.resolve("kubectl"));
        Files.setPosixFilePermissions(bin.resolve("kubectl"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path layer = work.resolve("layer.tar");
        Command.check(Duration.ofMinutes(2), "tar", "--owner=0", "--group=0", "--numeric-owner",
                "-C", root.toString(), "-cf", layer.toString(), ".");
        image = cluster.registry() + "/trainingrun-test/kubectl:" + cluster.namespace();
        Command.check(Duration.ofMinutes(2), cluster.tool("crane").toString(), "append", "--insecure",
                "--base", cluster.busyboxImage(), "-f", layer.toString(), "-t", image);
    }

    @Test
    void podFromLocalRegistryRunsAsNonRootWritesClaimAndCallsApiServer(KubernetesClient client, Cluster cluster) {
        String ns = cluster.namespace();
        client.serviceAccounts().resource(new ServiceAccountBuilder().withNewMetadata().withName("probe")
                .endMetadata().build()).create();
        client.rbac().roles().resource(new RoleBuilder().withNewMetadata().withName("read-pods").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get").endRule().build()).create();
        client.rbac().roleBindings().resource(new RoleBindingBuilder().withNewMetadata().withName("probe-reads-pods")
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "read-pods")
                .addNewSubject().withKind("ServiceAccount").withName("probe").withNamespace(ns).endSubject()
                .build()).create();
        // No storage class named: the default one (local-path) provisions it when the pod is scheduled.
        client.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().withRequests(Map.of("storage", new Quantity("16Mi"))).endResources()
                .endSpec().build()).create();

        String script = String.join("\n",
                "set -eu",
                "echo \"uid=$(id -u)\"",
                "echo \"written by $HOSTNAME\" > /data/proof.txt",
                "echo \"read=$(cat /data/proof.txt)\"",
                "echo \"whoami=$(kubectl auth whoami -o jsonpath='{.status.userInfo.username}')\"",
                "echo \"node=$(kubectl get pod \"$HOSTNAME\" -o jsonpath='{.spec.nodeName}')\"",
                "echo \"version=$(kubectl get --raw /version | grep gitVersion | tr -d ' \",')\"");
        client.pods().resource(new PodBuilder().withNewMetadata().withName("probe").endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName("probe")
                .withNodeSelector(Map.of(REAL_NODE_LABEL, "true"))
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L).withRunAsGroup(1000L)
                .withFsGroup(1000L).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewContainer().withName("probe").withImage(image)
                .withCommand("/bin/sh", "-c", script)
                .addNewEnv().withName("HOME").withValue("/tmp").endEnv()
                .addNewEnv().withName("PATH").withValue("/usr/local/bin:/bin").endEnv()
                .withNewResources().withLimits(Map.of("memory", new Quantity("128Mi"), "cpu", new Quantity("500m")))
                .endResources()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("data")
                .endPersistentVolumeClaim().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build()).create();

        Pod pod = Pods.awaitPhase(client, "probe", Duration.ofMinutes(3), "Succeeded", "Failed");
        String log = client.pods().withName("probe").getLog();
        assertEquals("Succeeded", pod.getStatus().getPhase(), () -> "the pod failed; it printed:\n" + log);
        List<String> lines = log.lines().toList();
        String serverVersion = client.getKubernetesVersion().getGitVersion();
        assertEquals(List.of(
                "uid=1000",
                "read=written by probe",
                "whoami=system:serviceaccount:" + ns + ":probe",
                "node=" + realNodeName(client),
                "version=gitVersion:" + serverVersion), lines);

        PersistentVolumeClaim claim = client.persistentVolumeClaims().withName("data").get();
        assertEquals("Bound", claim.getStatus().getPhase());
        StorageClass storageClass = client.storage().v1().storageClasses()
                .withName(claim.getSpec().getStorageClassName()).get();
        assertEquals("true", storageClass.getMetadata().getAnnotations()
                .get("storageclass.kubernetes.io/is-default-class"), "the claim was bound by the default class");
    }

    @Test
    void apiServerRejectsAPodThatBreaksTheRestrictedProfile(KubernetesClient client) {
        Pod privileged = new PodBuilder().withNewMetadata().withName("root").endMetadata().withNewSpec()
                .addNewContainer().withName("root").withImage(image).withCommand("true")
                .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer()
                .endSpec().build();
        KubernetesClientException refused = assertThrows(KubernetesClientException.class,
                () -> client.pods().resource(privileged).create());
        assertEquals(403, refused.getCode());
        assertTrue(refused.getMessage().contains("violates PodSecurity \"restricted:latest\""), refused::getMessage);
    }

    private static String realNodeName(KubernetesClient client) {
        return client.nodes().withLabel(REAL_NODE_LABEL, "true").list().getItems().get(0).getMetadata().getName();
    }
}
