package dev.trainingrun.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a test class on the local cluster is given besides its {@link KubernetesClient}: its own
 * namespace and where the cluster's registry and tools are.
 */
public final class Cluster {

    private final LocalCluster cluster;
    private final String namespace;

    Cluster(LocalCluster cluster, String namespace) {
        this.cluster = cluster;
        this.namespace = namespace;
    }

    /**
     * The namespace made for this test class, deleted after it; it enforces the restricted Pod Security profile
     * unless the class's {@link OnLocalCluster#podSecurity()} says otherwise.
     */
    public String namespace() {
        return namespace;
    }

    /** The admin kubeconfig of the cluster. */
    public Path kubeconfig() {
        return cluster.kubeconfig();
    }

    /** The cluster's image registry (plain HTTP), e.g. {@code 10.250.0.1:5000}. */
    public String registry() {
        return require("TRAININGRUN_REGISTRY");
    }

    /** A small shell image in the registry (static busybox), e.g. as a base for test images. */
    public String busyboxImage() {
        return require("TRAININGRUN_BUSYBOX_IMAGE");
    }

    /** {@code kubectl}, {@code helm} or {@code crane} as built by {@code hack/local-cluster build}. */
    public Path tool(String name) {
        return Path.of(require(LocalCluster.toolSetting(name)));
    }

    /**
     * Runs the cluster's {@code kubectl} in this class's namespace as the admin, and returns its result (exit code and
     * output) without judging it; at most {@code timeout}.
     */
    public Command.Result kubectl(Duration timeout, String... arguments) {
        List<String> command = new ArrayList<>(List.of(tool("kubectl").toString(), "--namespace", namespace));
        command.addAll(List.of(arguments));
        return Command.run(timeout, null, Map.of("KUBECONFIG", kubeconfig().toString()), command);
    }

    /** A setting of {@code hack/local-cluster env}, e.g. {@code TRAININGRUN_CLUSTER_DIR}. */
    public String setting(String name) {
        return require(name);
    }

    /** The underlying JVM-wide cluster. */
    public LocalCluster localCluster() {
        return cluster;
    }

    private String require(String name) {
        return cluster.setting(name).orElseThrow(() -> new IllegalStateException(
                name + " is unknown: set it, or run the tests inside the repository so that "
                        + LocalCluster.SCRIPT + " env can tell it"));
    }
}
