package dev.trainingrun.operator.it;

import dev.trainingrun.testing.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The peer: the Kubeflow training-operator's PyTorchJob controller, the binary {@code hack/benchmark-operator} builds
 * from the Go module proxy, run as a host process as the benchmark runs ours, watching one namespace. A PyTorchJob
 * with one Master replica of one GPU is its run; it makes the pod (and a Service) itself, with no Job between.
 *
 * <p>Its webhook server needs a certificate before its controllers start: the operator makes one itself (its
 * cert-controller rotation, into the Secret {@value #CERT_SECRET}, which its release creates empty) and expects to find it mounted in
 * {@link #CERT_DIR}, as its Deployment mounts that Secret; the benchmark copies it there. No webhook configuration
 * is installed, so the API server never calls the webhook, and the rotation reports the missing configuration and
 * goes on.
 */
final class KubeflowTrainingOperator implements Contender {
    /** The operator's binary and its PyTorchJob CRD, both from the module hack/benchmark-operator builds. */
    static final String BINARY_ENV = "BENCHMARK_PEER_BINARY";
    static final String CRD_ENV = "BENCHMARK_PEER_CRD";

    private static final String CERT_SECRET = "training-operator-webhook-cert";
    /** Fixed in the operator (v1.8.1, pkg/cert): where it waits for its certificate. */
    private static final Path CERT_DIR = Path.of("/tmp/k8s-webhook-server/serving-certs");
    private static final List<String> CERT_FILES = List.of("tls.crt", "tls.key");
    private static final String JOB_NAME_LABEL = "training.kubeflow.org/job-name";
    private static final ResourceDefinitionContext PYTORCH_JOBS = new ResourceDefinitionContext.Builder()
            .withGroup("kubeflow.org").withVersion("v1").withKind("PyTorchJob").withPlural("pytorchjobs")
            .withNamespaced(true).build();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path binary;
    private final Path crd;
    private final Path kubeconfig;

    KubeflowTrainingOperator(Path binary, Path crd, Path kubeconfig) {
        this.binary = binary;
        this.crd = crd;
        this.kubeconfig = kubeconfig;
    }

    @Override
    public String name() {
        return "Kubeflow training-operator";
    }

    @Override
    public String workloadKind() {
        return "Pod";
    }

    @Override
    public Running start(KubernetesClient client, String namespace) throws IOException {
        CustomResourceDefinition definition;
        try (InputStream in = Files.newInputStream(crd)) {
            definition = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
            client.apiextensions().v1().customResourceDefinitions().resource(definition).serverSideApply();
            client.apiextensions().v1().customResourceDefinitions().withName(definition.getMetadata().getName())
                    .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                            && c.getStatus().getConditions().stream().anyMatch(cond -> "Established".equals(
                                    cond.getType()) && "True".equals(cond.getStatus())), 60, TimeUnit.SECONDS);
        }
        String crdName = definition.getMetadata().getName();
        int probePort = OperatorProcess.freePort();
        Path log = Path.of("target", "operator-logs", "benchmark-peer.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(binary.toString(),
                "--enable-scheme=pytorchjob",
                "--namespace=" + namespace,
                "--metrics-bind-address=0",
                "--health-probe-bind-address=127.0.0.1:" + probePort,
                "--webhook-server-port=" + OperatorProcess.freePort())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        // The namespace of its certificate Secret (in a pod: its own, from the downward API).
        builder.environment().put("MY_POD_NAMESPACE", namespace);
        // Empty, as the release's kustomization makes it (a secretGenerator): the rotation fills it, and ends the
        // operator when it is missing.
        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(CERT_SECRET)
                .endMetadata().build()).create();
        Process process = builder.start();
        try {
            Secret secret = client.secrets().inNamespace(namespace).withName(CERT_SECRET).waitUntilCondition(
                    s -> s != null && s.getData() != null && s.getData().containsKey("tls.key"),
                    START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Files.createDirectories(CERT_DIR);
            for (String file : CERT_FILES) {
                Files.write(CERT_DIR.resolve(file), Base64.getDecoder().decode(secret.getData().get(file)));
            }
            Await.until("the peer (log: " + log.toAbsolutePath() + ") to report ready", START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the peer exited with " + process.exitValue() + "; see " + log);
                }
                return ready(probePort);
            });
        } catch (RuntimeException | IOException e) {
            process.destroyForcibly();
            throw e;
        }
        return new Running() {
            @Override
            public long pid() {
                return process.pid();
            }

            @Override
            public OptionalDouble statusWrites() {
                return OptionalDouble.empty();
            }

            /**
             * Stops the operator and removes what it needed: its certificate files, their folders unless something
             * else is in them, and its CRD.
             */
            @Override
            public void close() {
                process.destroy();
                OperatorProcess.awaitExit(process);
                try {
                    for (String file : CERT_FILES) {
                        Files.deleteIfExists(CERT_DIR.resolve(file));
                    }
                    for (Path folder : List.of(CERT_DIR, CERT_DIR.getParent())) {
                        if (isEmptyFolder(folder)) {
                            Files.delete(folder);
                        }
                    }
                } catch (IOException e) {
                    System.err.println("[benchmark] could not remove the peer's certificate: " + e.getMessage());
                }
                client.apiextensions().v1().customResourceDefinitions().withName(crdName).delete();
            }
        };
    }

    @Override
    public void create(KubernetesClient client, String namespace, String name) {
        // Ours makes a restricted pod for a run; the peer's pod is made restricted by its template, for the same
        // namespace (pod security "restricted") and the same admission work.
        GenericKubernetesResource job = client.getKubernetesSerialization().unmarshal("""
                apiVersion: kubeflow.org/v1
                kind: PyTorchJob
                metadata: {name: %s}
                spec:
                  pytorchReplicaSpecs:
                    Master:
                      replicas: 1
                      restartPolicy: Never
                      template:
                        spec:
                          nodeSelector: {%s: "true"}
                          securityContext:
                            runAsNonRoot: true
                            runAsUser: 1000
                            seccompProfile: {type: RuntimeDefault}
                          containers:
                          - name: pytorch
                            image: trainer.invalid/benchmark:1
                            securityContext:
                              allowPrivilegeEscalation: false
                              capabilities: {drop: [ALL]}
                            resources:
                              limits: {nvidia.com/gpu: 1}
                """.formatted(name, Fixtures.FAKE_NODE_LABEL), GenericKubernetesResource.class);
        client.genericKubernetesResources(PYTORCH_JOBS).inNamespace(namespace).resource(job).create();
    }

    @Override
    public Watch watchRuns(KubernetesClient client, String namespace, BiConsumer<Watcher.Action, String> onEvent) {
        return OperatorBenchmark.watch(client.genericKubernetesResources(PYTORCH_JOBS).inNamespace(namespace),
                (action, job) -> onEvent.accept(action, job.getMetadata().getName()));
    }

    @Override
    public Watch watchWorkloads(KubernetesClient client, String namespace,
            BiConsumer<Watcher.Action, String> onEvent) {
        return OperatorBenchmark.watch(client.pods().inNamespace(namespace),
                (action, pod) -> runOf(pod).ifPresent(run -> onEvent.accept(action, run)));
    }

    @Override
    public Optional<String> runOf(Pod pod) {
        return Optional.ofNullable(pod.getMetadata().getLabels()).map(labels -> labels.get(JOB_NAME_LABEL));
    }

    @Override
    public void deleteRuns(KubernetesClient client, String namespace) {
        client.genericKubernetesResources(PYTORCH_JOBS).inNamespace(namespace).delete();
        Await.until("the peer's pods in " + namespace + " to be gone", Duration.ofMinutes(5),
                () -> client.pods().inNamespace(namespace).withLabel(JOB_NAME_LABEL).list().getItems().isEmpty());
    }

    private static boolean ready(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean isEmptyFolder(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (var entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        }
    }
}
