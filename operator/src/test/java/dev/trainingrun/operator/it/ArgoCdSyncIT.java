package dev.trainingrun.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.argocd.DocumentedArgocdCm;
import dev.trainingrun.operator.argocd.HealthTests;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.Command;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Argo CD itself syncing a TrainingRun from Git: its application controller, repo server and Redis on the local
 * cluster ({@code hack/local-cluster argocd up}), configured with the argocd-cm that docs/gitops.md gives users, an
 * Application as in the doc pointing at a git repository this test writes and serves with {@code git daemon} from
 * inside the cluster's network namespace, and the operator as it ships. Argo CD's own verdicts are read from the
 * Application's status.
 */
@OnLocalCluster
class ArgoCdSyncIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String ARGOCD_NAMESPACE = "argocd";
    private static final String APPLICATION = "vision-runs";
    /** The Argo CD cluster that hack/local-cluster argocd up registers for this cluster. */
    private static final String DESTINATION = "in-cluster-local";
    private static final String RUN = "synced";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KubernetesClient client;
    private static Cluster cluster;
    private static Path script;
    private static OperatorProcess operator;
    private static Path gitBase;
    private static Path repository;
    private static Process gitDaemon;

    @BeforeAll
    static void startArgoCdTheOperatorAndTheGitServer(KubernetesClient kubernetes, Cluster localCluster)
            throws IOException {
        client = kubernetes;
        cluster = localCluster;
        script = cluster.localCluster().repoRoot().orElseThrow().resolve("hack/local-cluster");
        Command.run(Duration.ofMinutes(15), null, Map.of(), List.of(script.toString(), "argocd", "up")).orThrow();
        // The keys docs/gitops.md tells users to merge into their argocd-cm, as they stand there.
        client.configMaps().inNamespace(ARGOCD_NAMESPACE).withName("argocd-cm").edit(cm -> {
            Map<String, String> data = new HashMap<>(cm.getData() == null ? Map.of() : cm.getData());
            DocumentedArgocdCm.data().fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
            cm.setData(data);
            return cm;
        });
        Fixtures.installCrd(client);
        Fixtures.createBoundClaims(client, cluster.namespace());
        operator = OperatorProcess.start(ArgoCdSyncIT.class.getSimpleName(), cluster.kubeconfig(),
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", cluster.namespace()));

        gitBase = Files.createTempDirectory("argocd-git");
        Path base = gitBase;
        repository = base.resolve("vision");
        Files.createDirectories(repository.resolve("runs"));
        git("init", "-q", "-b", "main");
        commitRun(false);
        // The node's address, where the repo server (in the cluster's network namespace) reaches the daemon.
        gitDaemon = new ProcessBuilder("ip", "netns", "exec", cluster.setting("TRAININGRUN_CLUSTER_NETNS"), "git",
                "daemon", "--reuseaddr", "--export-all", "--base-path=" + base, "--listen=" + nodeAddress(),
                base.toString()).redirectErrorStream(true).redirectOutput(base.resolve("git-daemon.log").toFile())
                .start();
        Await.until("git daemon to serve the repository", Duration.ofSeconds(30),
                () -> Command.run(Duration.ofSeconds(10), null, Map.of(),
                        List.of("git", "ls-remote", repositoryUrl())).succeeded());
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (gitDaemon != null) {
            gitDaemon.destroy();
        }
        if (gitBase != null) {
            try (Stream<Path> files = Files.walk(gitBase)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        if (script != null) {
            Command.run(Duration.ofMinutes(2), null, Map.of(), List.of(script.toString(), "argocd", "down"));
        }
        if (operator != null) {
            operator.close();
        }
        if (client != null) {
            Fixtures.deleteRuns(client, cluster.namespace());
            Fixtures.deleteBoundClaimVolumes(client, cluster.namespace());
        }
    }

    @Test
    void argoCdSyncsARunFromGitStaysSyncedAndJudgesItWithTheHealthCheck() throws IOException {
        client.resource(application()).create();

        // Training on a fake GPU node: Argo CD's health is the script's, with the operator's message.
        JsonNode training = awaitRunHealth("Argo CD to see the run train", "Progressing",
                message -> message.startsWith("Pod ") && message.contains(" runs on node kwok-gpu-"));
        TrainingRun live = Fixtures.get(client, RUN);
        assertEquals(Fixtures.condition(live, "Running").orElseThrow().getMessage(),
                training.path("health").path("message").asText());
        // The operator has written status and the API server has defaulted the spec: no drift.
        assertEquals("Synced", training.path("status").asText(), training.toString());
        JsonNode application = JSON.valueToTree(applicationResource().get());
        assertEquals("Synced", application.path("status").path("sync").path("status").asText());

        // runPolicy edited in Git: Argo CD applies it and reports the run Suspended.
        commitRun(true);
        JsonNode suspended = awaitRunHealth("Argo CD to see the run suspended", "Suspended",
                message -> message.startsWith("SuspendedByUser: "));
        assertEquals("Synced", suspended.path("status").asText(), suspended.toString());
        assertTrue(Fixtures.get(client, RUN).getSpec().getRunPolicy().isSuspend());
    }

    /** The Application of docs/gitops.md, pointed at the test's repository and namespace. */
    private static GenericKubernetesResource application() {
        return HealthTests.YAML.convertValue(Map.of(
                "apiVersion", "argoproj.io/v1alpha1", "kind", "Application",
                "metadata", Map.of("name", APPLICATION, "namespace", ARGOCD_NAMESPACE),
                "spec", Map.of("project", "default",
                        "source", Map.of("repoURL", repositoryUrl(), "targetRevision", "main", "path", "runs"),
                        "destination", Map.of("name", DESTINATION, "namespace", cluster.namespace()),
                        "syncPolicy", Map.of("automated", Map.of("prune", false, "selfHeal", true),
                                "syncOptions", List.of("ServerSideApply=true")))),
                GenericKubernetesResource.class);
    }

    private static Resource<GenericKubernetesResource> applicationResource() {
        return client.genericKubernetesResources("argoproj.io/v1alpha1", "Application").inNamespace(ARGOCD_NAMESPACE)
                .withName(APPLICATION);
    }

    /** Asks Argo CD to compare Git and the cluster again now, rather than at its next periodic reconciliation. */
    private static void refresh() {
        applicationResource().edit(app -> {
            Map<String, String> annotations = new HashMap<>(app.getMetadata().getAnnotations() == null ? Map.of()
                    : app.getMetadata().getAnnotations());
            annotations.put("argocd.argoproj.io/refresh", "normal");
            app.getMetadata().setAnnotations(annotations);
            return app;
        });
    }

    /**
     * The run's entry in the Application's status.resources once its health matches. Each poll asks for a refresh,
     * as {@code argocd app get --refresh} does: Argo CD 3.5 does not refresh an Application when only a resource's
     * status changed and its health status did not (Progressing to Progressing, with a new message), until its next
     * periodic reconciliation (2 to 3 minutes by default).
     */
    private static JsonNode awaitRunHealth(String what, String status, Predicate<String> message) {
        return Await.until(what, TIMEOUT, () -> {
            refresh();
            return runEntry();
        }, entry -> entry != null
                && status.equals(entry.path("health").path("status").asText())
                && message.test(entry.path("health").path("message").asText()));
    }

    private static JsonNode runEntry() {
        for (JsonNode resource : JSON.valueToTree(applicationResource().get()).path("status").path("resources")) {
            if ("TrainingRun".equals(resource.path("kind").asText()) && RUN.equals(resource.path("name").asText())) {
                return resource;
            }
        }
        return null;
    }

    /** The run's file in Git: what a user writes, every other field left to the CRD's defaults. */
    private static void commitRun(boolean suspend) throws IOException {
        Files.writeString(repository.resolve("runs").resolve(RUN + ".yaml"), """
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata:
                  name: %s
                spec:
                  data: {volume: {persistentVolumeClaim: {claimName: %s}}}
                  checkpoints: {claimName: %s}
                  resources: {gpus: 1, nodeSelector: {%s: "true"}}
                  runPolicy: {suspend: %s}
                """.formatted(RUN, Fixtures.DATA_CLAIM, Fixtures.CHECKPOINT_CLAIM, Fixtures.FAKE_NODE_LABEL, suspend));
        git("add", ".");
        git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "suspend: " + suspend);
    }

    private static void git(String... arguments) {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
        command.addAll(List.of(arguments));
        Command.run(Duration.ofSeconds(30), null, Map.of(), command).orThrow();
    }

    private static String repositoryUrl() {
        return "git://" + nodeAddress() + "/vision";
    }

    /** The node's address: the host of the cluster's registry, which listens there. */
    private static String nodeAddress() {
        return cluster.registry().replaceFirst(":.*$", "");
    }
}
