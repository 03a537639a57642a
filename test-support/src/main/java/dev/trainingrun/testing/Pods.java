package dev.trainingrun.testing;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Waits for pods with a deadline and, when one does not get there, says why (status and events). */
public final class Pods {

    private Pods() {
    }

    /**
     * Waits until the pod (in the client's namespace) reaches one of the phases, e.g. {@code
     * "Succeeded", "Failed"}, and returns it; fails with the pod's status and events otherwise.
     */
    public static Pod awaitPhase(KubernetesClient client, String name, Duration timeout, String... phases) {
        Set<String> wanted = Set.of(phases);
        try {
            return client.pods().withName(name).waitUntilCondition(
                    p -> p != null && p.getStatus() != null && wanted.contains(p.getStatus().getPhase()),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new AssertionError("pod " + name + " did not reach " + wanted + " within " + timeout + "\n"
                    + describe(client, name), e);
        }
    }

    /**
     * Kills a container of a pod on the real node with SIGKILL, through the cluster's containerd, as the kernel's
     * OOM killer or a kubelet past the grace period would: the process gets no chance to save anything.
     */
    public static void killContainer(Cluster cluster, Pod pod, String container) {
        String id = pod.getStatus().getContainerStatuses().stream()
                .filter(status -> container.equals(status.getName()) && status.getContainerID() != null)
                .map(status -> status.getContainerID().replaceFirst("^containerd://", ""))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("pod " + pod.getMetadata().getName()
                        + " has no running container " + container));
        Command.check(Duration.ofSeconds(30), "ctr", "--address", cluster.setting("TRAININGRUN_CONTAINERD_SOCKET"),
                "-n", "k8s.io", "tasks", "kill", "--signal", "SIGKILL", id);
    }

    /** The pod's phase, conditions and container states, and the events of the namespace about it. */
    public static String describe(KubernetesClient client, String name) {
        Pod pod = client.pods().withName(name).get();
        StringBuilder text = new StringBuilder();
        if (pod == null) {
            text.append("the pod does not exist\n");
        } else {
            text.append("phase: ").append(pod.getStatus().getPhase()).append('\n');
            pod.getStatus().getConditions().forEach(c -> text.append("condition ").append(c.getType()).append('=')
                    .append(c.getStatus()).append(c.getMessage() == null ? "" : " (" + c.getMessage() + ")")
                    .append('\n'));
            pod.getStatus().getContainerStatuses().forEach(s -> text.append("container ").append(s.getName())
                    .append(": ").append(s.getState()).append('\n'));
        }
        String events = client.v1().events().list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(Event::getLastTimestamp, Comparator.nullsLast(Comparator.naturalOrder())))
                .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage())
                .collect(Collectors.joining("\n"));
        return text.append("events:\n").append(events).toString();
    }
}
