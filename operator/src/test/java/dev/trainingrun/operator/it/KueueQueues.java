package dev.trainingrun.operator.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Kueue objects the Kueue tests queue their runs in, as docs/kueue.md shows them. Kueue's own objects are all
 * removed with Kueue ({@code LocalKueue.stop}).
 */
public final class KueueQueues {
    private KueueQueues() {}

    /**
     * Makes a ResourceFlavor and a ClusterQueue named {@code name}, with {@code quota} (resource → nominal quota) and
     * preemption of lower priorities within it; a LocalQueue {@code localQueue} in {@code namespace} that feeds it;
     * and the WorkloadPriorityClasses {@code <name>-low} (10) and {@code <name>-high} (1000).
     */
    public static void create(KubernetesClient client, String name, Map<String, String> quota, String namespace,
            String localQueue) {
        apply(client, """
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: ResourceFlavor
                metadata: {name: %s}
                """.formatted(name));
        apply(client, """
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: ClusterQueue
                metadata: {name: %s}
                spec:
                  namespaceSelector: {}
                  preemption: {withinClusterQueue: LowerPriority}
                  resourceGroups:
                  - coveredResources: [%s]
                    flavors:
                    - name: %s
                      resources: [%s]
                """.formatted(name, String.join(", ", quota.keySet()), name, quota.entrySet().stream()
                .map(entry -> "{name: %s, nominalQuota: \"%s\"}".formatted(entry.getKey(), entry.getValue()))
                .collect(Collectors.joining(", "))));
        apply(client, """
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: LocalQueue
                metadata: {name: %s, namespace: %s}
                spec: {clusterQueue: %s}
                """.formatted(localQueue, namespace, name));
        for (Map.Entry<String, Integer> priority : Map.of("low", 10, "high", 1000).entrySet()) {
            apply(client, """
                    apiVersion: kueue.x-k8s.io/v1beta2
                    kind: WorkloadPriorityClass
                    metadata: {name: %s-%s}
                    value: %d
                    """.formatted(name, priority.getKey(), priority.getValue()));
        }
    }

    /** Creates or updates an object given as YAML (server-side apply). */
    public static void apply(KubernetesClient client, String yaml) {
        client.resource(yaml).serverSideApply();
    }
}
