package dev.trainingrun.operator.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.operator.argocd.DocumentedArgocdCm;
import dev.trainingrun.operator.argocd.DocumentedApplication;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.Command;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Argo CD itself on the local cluster ({@code hack/local-cluster argocd up}: application controller, repo server, API
 * server and Redis), configured with the argocd-cm keys docs/gitops.md gives users, and a git repository the test
 * writes and serves with {@code git daemon} from inside the cluster's network namespace. The Application is the one
 * of docs/gitops.md, pointed at that repository; Argo CD's verdicts are read from its status, and its resource
 * actions run with the {@code argocd} CLI through Argo CD's API server.
 */
public final class LocalArgoCd implements AutoCloseable {
    public static final String NAMESPACE = "argocd";
    /** The Argo CD cluster that hack/local-cluster argocd up registers for this cluster. */
    public static final String DESTINATION = "in-cluster-local";
    /** The folder of the repository that the Application of docs/gitops.md syncs. */
    private static final String RUNS = DocumentedApplication.asDocumented().at("/spec/source/path").asText();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final Cluster cluster;
    private final Path script;
    private final Path base;
    private final Path repository;
    private final Path cliHome;
    private Process gitDaemon;

    private LocalArgoCd(KubernetesClient client, Cluster cluster, Path base) {
        this.client = client;
        this.cluster = cluster;
        this.script = cluster.localCluster().repoRoot().orElseThrow().resolve("hack/local-cluster");
        this.base = base;
        this.repository = base.resolve("vision");
        this.cliHome = base.resolve("cli-home");
    }

    /** Starts Argo CD with the documented argocd-cm, and the git daemon serving an empty repository on branch main. */
    public static LocalArgoCd start(KubernetesClient client, Cluster cluster) {
        LocalArgoCd argoCd;
        try {
            argoCd = new LocalArgoCd(client, cluster, Files.createTempDirectory("argocd-git"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            argoCd.startArgoCd();
            argoCd.startGit();
            return argoCd;
        } catch (RuntimeException e) {
            argoCd.close();
            throw e;
        }
    }

    private void startArgoCd() {
        Command.run(Duration.ofMinutes(15), null, Map.of(), List.of(script.toString(), "argocd", "up")).orThrow();
        // The keys docs/gitops.md tells users to merge into their argocd-cm, as they stand there.
        client.configMaps().inNamespace(NAMESPACE).withName("argocd-cm").edit(cm -> {
            Map<String, String> data = new HashMap<>(cm.getData() == null ? Map.of() : cm.getData());
            DocumentedArgocdCm.data().fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
            cm.setData(data);
            return cm;
        });
    }

    private void startGit() {
        try {
            Files.createDirectories(repository.resolve(RUNS));
            Files.createDirectories(cliHome);
            git("init", "-q", "-b", "main");
            // The node's address, where the repo server (in the cluster's network namespace) reaches the daemon.
            gitDaemon = inNetworkNamespace(List.of("git", "daemon", "--reuseaddr", "--export-all",
                    "--base-path=" + base, "--listen=" + nodeAddress(), base.toString()))
                    .redirectErrorStream(true).redirectOutput(base.resolve("git-daemon.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Await.until("git daemon to serve the repository", Duration.ofSeconds(30),
                () -> Command.run(Duration.ofSeconds(10), null, Map.of(),
                        List.of("git", "ls-remote", repositoryUrl())).succeeded());
    }

    /** A TrainingRun's file as a user writes it: its name and {@code spec}, a YAML flow mapping. */
    public static String runManifest(String name, String spec) {
        return """
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata:
                  name: %s
                spec:
                """.formatted(name) + spec.lines().map(line -> "  " + line).collect(Collectors.joining("\n", "", "\n"));
    }

    /** Writes {@code <folder>/<name>.yaml} for each run into the folder the Application syncs; commits to main. */
    public void commitRuns(String message, Map<String, String> manifests) {
        try {
            for (Map.Entry<String, String> manifest : manifests.entrySet()) {
                Files.writeString(repository.resolve(RUNS).resolve(manifest.getKey() + ".yaml"), manifest.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git("add", ".");
        commit(message);
    }

    /** Removes {@code <folder>/<name>.yaml} of each run from Git; commits to main. */
    public void removeRuns(String message, String... runs) {
        for (String run : runs) {
            git("rm", "-q", RUNS + "/" + run + ".yaml");
        }
        commit(message);
    }

    private void commit(String message) {
        git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", message);
    }

    /**
     * Creates the Application of docs/gitops.md as it stands, syncing this repository into {@code namespace};
     * returns its name.
     */
    public String createApplication(String namespace) {
        return client.resource(DocumentedApplication.pointedAt(repositoryUrl(), DESTINATION, namespace)).create()
                .getMetadata().getName();
    }

    public Resource<GenericKubernetesResource> application(String name) {
        return client.genericKubernetesResources("argoproj.io/v1alpha1", "Application").inNamespace(NAMESPACE)
                .withName(name);
    }

    /** The Application's sync status: Synced, OutOfSync or Unknown. */
    public String syncStatus(String application) {
        return JSON.valueToTree(application(application).get()).path("status").path("sync").path("status").asText();
    }

    /** The Application's health status: Healthy, Progressing, Degraded, Suspended, Missing or Unknown. */
    public String health(String application) {
        return JSON.valueToTree(application(application).get()).path("status").path("health").path("status").asText();
    }

    /**
     * The run's entry in the Application's status.resources (sync status, health status and message) once its health
     * matches. Each poll asks for a refresh, as {@code argocd app get --refresh} does: Argo CD 3.5 does not refresh an
     * Application when only a resource's status changed and its health status did not (Progressing to Progressing,
     * with a new message), until its next periodic reconciliation (2 to 3 minutes by default).
     */
    public JsonNode awaitRunHealth(String application, String run, String what, Duration timeout, String status,
            Predicate<String> message) {
        return awaitRunEntry(application, run, what, timeout,
                entry -> status.equals(entry.path("health").path("status").asText())
                        && message.test(entry.path("health").path("message").asText()));
    }

    /** The run's entry in the Application's status.resources once it satisfies {@code done}, refreshing each poll. */
    public JsonNode awaitRunEntry(String application, String run, String what, Duration timeout,
            Predicate<JsonNode> done) {
        JsonNode found = Await.until(what, timeout, () -> {
            refresh(application);
            return runEntry(application, run);
        }, entry -> entry != null && done.test(entry));
        // What Argo CD said, in the test's report: the verdicts are the point of these tests.
        System.out.printf("Argo CD on %s: %s %s: %s%n", run, found.path("status").asText(),
                found.path("health").path("status").asText(), found.path("health").path("message").asText());
        return found;
    }

    /** The run's entry in the Application's status.resources, or null. */
    public JsonNode runEntry(String application, String run) {
        for (JsonNode resource : JSON.valueToTree(application(application).get()).path("status").path("resources")) {
            if ("TrainingRun".equals(resource.path("kind").asText()) && run.equals(resource.path("name").asText())) {
                return resource;
            }
        }
        return null;
    }

    /** Asks Argo CD to compare Git and the cluster again now, rather than at its next periodic reconciliation. */
    public void refresh(String application) {
        application(application).edit(app -> {
            Map<String, String> annotations = new HashMap<>(app.getMetadata().getAnnotations() == null ? Map.of()
                    : app.getMetadata().getAnnotations());
            annotations.put("argocd.argoproj.io/refresh", "normal");
            app.getMetadata().setAnnotations(annotations);
            return app;
        });
    }

    /**
     * Runs a resource action on a run as a user does, {@code argocd app actions run APP ACTION --kind TrainingRun
     * --resource-name RUN}, through Argo CD's API server; returns what the CLI printed, or throws with it.
     */
    public String runAction(String application, String action, String run) {
        return cli("app", "actions", "run", application, action, "--group", "trainingrun.dev", "--kind", "TrainingRun",
                "--namespace", cluster.namespace(), "--resource-name", run);
    }

    /** Runs the {@code argocd} CLI against Argo CD's API server; returns what it printed, or throws with it. */
    public String cli(String... arguments) {
        List<String> command = new ArrayList<>(List.of(cluster.setting("TRAININGRUN_ARGOCD"),
                "--server", cluster.setting("TRAININGRUN_ARGOCD_SERVER"), "--plaintext"));
        command.addAll(List.of(arguments));
        try {
            Process process = inNetworkNamespace(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A process in the cluster's network namespace, with the CLI's config folder in the test's temporary folder. */
    private ProcessBuilder inNetworkNamespace(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", cluster.setting("TRAININGRUN_CLUSTER_NETNS")));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().put("HOME", cliHome.toString());
        return builder;
    }

    private void git(String... arguments) {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
        command.addAll(List.of(arguments));
        Command.run(Duration.ofSeconds(30), null, Map.of(), command).orThrow();
    }

    private String repositoryUrl() {
        return "git://" + nodeAddress() + "/vision";
    }

    /** The node's address: the host of the cluster's registry, which listens there. */
    private String nodeAddress() {
        return cluster.registry().replaceFirst(":.*$", "");
    }

    /** Stops the git daemon, removes the repository and removes Argo CD ({@code argocd down}). */
    @Override
    public void close() {
        if (gitDaemon != null) {
            gitDaemon.destroy();
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Command.run(Duration.ofMinutes(2), null, Map.of(), List.of(script.toString(), "argocd", "down"));
    }
}
