package dev.trainingrun.operator.it;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiConsumer;

/** Our operator as it ships (the packaged Quarkus application) with the given JVM options. */
final class TrainingRunContender implements Contender {
    private final Path kubeconfig;
    private final List<String> jvmOptions;

    TrainingRunContender(Path kubeconfig, List<String> jvmOptions) {
        this.kubeconfig = kubeconfig;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    @Override
    public String name() {
        return "trainingrun-operator";
    }

    @Override
    public String workloadKind() {
        return "Job";
    }

    @Override
    public Running start(KubernetesClient client, String namespace) {
        Fixtures.installClusterWide(client);
        Fixtures.createBoundClaims(client, namespace);
        OperatorProcess operator = OperatorProcess.start("benchmark", kubeconfig,
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", namespace), jvmOptions);
        return new Running() {
            @Override
            public long pid() {
                return operator.pid();
            }

            @Override
            public OptionalDouble statusWrites() {
                return OptionalDouble.of(OperatorBenchmark.counter(operator.metrics(),
                        "trainingrun_status_writes_total"));
            }

            @Override
            public void close() {
                operator.stop();
            }
        };
    }

    @Override
    public void create(KubernetesClient client, String namespace, String name) {
        client.resources(TrainingRun.class).inNamespace(namespace).resource(Fixtures.fakeNodeRun(name, 1)).create();
    }

    @Override
    public Watch watchRuns(KubernetesClient client, String namespace, BiConsumer<Watcher.Action, String> onEvent) {
        return OperatorBenchmark.watch(client.resources(TrainingRun.class).inNamespace(namespace),
                (action, run) -> onEvent.accept(action, run.getMetadata().getName()));
    }

    @Override
    public Watch watchWorkloads(KubernetesClient client, String namespace,
            BiConsumer<Watcher.Action, String> onEvent) {
        return OperatorBenchmark.watch(client.batch().v1().jobs().inNamespace(namespace),
                (action, job) -> onEvent.accept(action, job.getMetadata().getLabels().get(RunResources.RUN_LABEL)));
    }

    @Override
    public Optional<String> runOf(Pod pod) {
        return Optional.ofNullable(pod.getMetadata().getLabels().get(RunResources.RUN_LABEL));
    }

    @Override
    public void deleteRuns(KubernetesClient client, String namespace) {
        Fixtures.deleteRuns(client, namespace);
    }
}
