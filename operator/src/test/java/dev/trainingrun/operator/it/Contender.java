package dev.trainingrun.operator.it;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiConsumer;

/**
 * One operator {@link OperatorBenchmark} measures: how it starts, what one of its runs is (asking for one GPU of the
 * fake nodes), and the first object it makes for a run (our Job, the peer's pod). The benchmark measures both
 * operators with the same harness, nodes, run count and client, one after the other.
 */
interface Contender {
    /** The operator's name in the printed tables. */
    String name();

    /** The kind of the first object the operator makes for a run, e.g. "Job". */
    String workloadKind();

    /** Installs the operator's CRD and starts it watching only {@code namespace}; ready when this returns. */
    Running start(KubernetesClient client, String namespace) throws Exception;

    /** Creates the run {@code name} for one GPU on the fake nodes (the label {@code Fixtures.FAKE_NODE_LABEL}). */
    void create(KubernetesClient client, String namespace, String name);

    /** Calls {@code onEvent} with the name of each run created, modified or deleted in {@code namespace}. */
    Watch watchRuns(KubernetesClient client, String namespace, BiConsumer<Watcher.Action, String> onEvent);

    /** Calls {@code onEvent} with the run each first object (see {@link #workloadKind()}) belongs to. */
    Watch watchWorkloads(KubernetesClient client, String namespace, BiConsumer<Watcher.Action, String> onEvent);

    /** The run a pod of the operator's belongs to, from the pod's labels. */
    Optional<String> runOf(Pod pod);

    /** Deletes every run in {@code namespace}; the objects they own go with them. */
    void deleteRuns(KubernetesClient client, String namespace);

    /** A started operator: its process, for memory and CPU, and what it counts of itself. */
    interface Running extends AutoCloseable {
        long pid();

        /** Status writes the operator counts of itself so far, where it counts them. */
        OptionalDouble statusWrites();

        @Override
        void close();
    }
}
