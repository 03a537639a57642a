package dev.trainingrun.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster the tests of this JVM run on: the one named by {@code KUBECONFIG}, or else the one of
 * {@code hack/local-cluster}, brought up once and taken down at the end only if this JVM started it.
 */
public final class LocalCluster {

    /** Why the local cluster cannot be used here (not root, no network namespaces, no script...). */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String reason) {
            super(reason);
        }
    }

    static final String SCRIPT = "hack/local-cluster";
    /** A cold `up` builds everything first: about 11 minutes on 2 cores. */
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(40);
    private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);

    private static LocalCluster instance;

    private final Optional<Path> repoRoot;
    private final Map<String, String> env;
    private final Path kubeconfig;
    private final boolean external;
    private boolean startedHere;
    private long run;
    private boolean shutdownHookAdded;

    private LocalCluster(Optional<Path> repoRoot, Map<String, String> env, Path kubeconfig, boolean external) {
        this.repoRoot = repoRoot;
        this.env = env;
        this.kubeconfig = kubeconfig;
        this.external = external;
    }

    /**
     * Returns the running cluster, starting the local one first when needed.
     *
     * @throws UnavailableException when no cluster is named and this machine cannot run the local one
     */
    public static synchronized LocalCluster obtain() {
        if (instance == null) {
            instance = create();
        }
        instance.ensureUp();
        return instance;
    }

    private static LocalCluster create() {
        whyUnavailable().ifPresent(reason -> {
            throw new UnavailableException(reason);
        });
        Optional<Path> root = findRepoRoot(Path.of("").toAbsolutePath());
        Map<String, String> env = root.map(LocalCluster::scriptEnv).orElse(Map.of());
        Optional<Path> given = givenKubeconfig();
        return given.map(path -> new LocalCluster(root, env, path, true))
                .orElseGet(() -> new LocalCluster(root, env, Path.of(env.get("KUBECONFIG")), false));
    }

    private static Optional<String> unavailable;
    private static Map<String, String> builtSettings;

    /**
     * A binary that {@code hack/local-cluster build} made ({@code helm}, {@code kubectl}, {@code crane}), for tests
     * that need the tool but no cluster (e.g. {@code helm template}); an environment variable
     * {@code TRAININGRUN_<NAME>} overrides it.
     */
    public static synchronized Path builtTool(String name) {
        String key = toolSetting(name);
        String fromEnv = System.getenv(key);
        if ((fromEnv == null || fromEnv.isBlank()) && builtSettings == null) {
            Path root = findRepoRoot(Path.of("").toAbsolutePath()).orElseThrow(() -> new IllegalStateException(
                    "no " + SCRIPT + " in " + Path.of("").toAbsolutePath() + " or above: set " + key));
            builtSettings = scriptEnv(root);
        }
        Path tool = Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : Optional.ofNullable(
                builtSettings.get(key)).orElseThrow(() -> new IllegalStateException(SCRIPT + " env does not name "
                        + key)));
        if (!Files.isExecutable(tool)) {
            throw new IllegalStateException(tool + " is missing: run `" + SCRIPT + " build " + name + "`");
        }
        return tool;
    }

    /** The setting that names a built tool, e.g. {@code TRAININGRUN_HELM}. */
    static String toolSetting(String name) {
        return "TRAININGRUN_" + name.toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * Why no cluster can be had here, without starting one: empty when {@code KUBECONFIG} names a
     * cluster or when {@code hack/local-cluster check} says this machine can run the local one.
     */
    public static synchronized Optional<String> whyUnavailable() {
        if (unavailable == null) {
            unavailable = computeWhyUnavailable();
        }
        return unavailable;
    }

    private static Optional<String> computeWhyUnavailable() {
        if (givenKubeconfig().isPresent()) {
            return Optional.empty();
        }
        Optional<Path> root = findRepoRoot(Path.of("").toAbsolutePath());
        if (root.isEmpty()) {
            return Optional.of("KUBECONFIG is not set and no " + SCRIPT + " was found in "
                    + Path.of("").toAbsolutePath() + " or any folder above it");
        }
        Command.Result check = Command.run(Duration.ofSeconds(30), null, Map.of(),
                List.of(root.get().resolve(SCRIPT).toString(), "check"));
        return check.succeeded() ? Optional.empty()
                : Optional.of(check.output().strip().replaceFirst("^cannot run the local cluster: ", ""));
    }

    private static Optional<Path> givenKubeconfig() {
        String given = System.getenv("KUBECONFIG");
        if (given == null || given.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Path.of(given.split(java.io.File.pathSeparator)[0]));
    }

    /** The folder holding {@code hack/local-cluster}: this one or the nearest one above it. */
    static Optional<Path> findRepoRoot(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve(SCRIPT))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> scriptEnv(Path repo) {
        String out = Command.check(Duration.ofSeconds(30), repo.resolve(SCRIPT).toString(), "env");
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (l.startsWith("export ") && l.contains("=")) {
                String kv = l.substring("export ".length());
                env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return Map.copyOf(env);
    }

    private void ensureUp() {
        if (external || isUp()) {
            return;
        }
        Path log = Path.of("target", "local-cluster.log");
        System.out.println("[local-cluster] starting the local cluster (" + SCRIPT + " up; output in "
                + log.toAbsolutePath() + "); a first run builds it, which takes minutes");
        long start = System.nanoTime();
        script(UP_TIMEOUT, log, "up").orThrow();
        startedHere = true;
        System.out.printf("[local-cluster] up in %d s; KUBECONFIG=%s%n",
                (System.nanoTime() - start) / 1_000_000_000L, kubeconfig);
        if (!shutdownHookAdded) {
            // The normal end is stopIfStartedHere() from the test run; this covers an interrupted JVM.
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopIfStartedHere, "local-cluster-down"));
            shutdownHookAdded = true;
        }
    }

    private boolean isUp() {
        return script(Duration.ofSeconds(30), null, "is-up").succeeded();
    }

    /** Runs {@code hack/local-cluster} with the arguments, e.g. {@code kueue up}, its output appended to {@code log}. */
    Command.Result script(Duration timeout, Path log, String... arguments) {
        Path repo = repoRoot.orElseThrow(() -> new IllegalStateException(
                "no " + SCRIPT + " in " + Path.of("").toAbsolutePath() + " or above"));
        List<String> command = new ArrayList<>(List.of(repo.resolve(SCRIPT).toString()));
        command.addAll(List.of(arguments));
        return Command.run(timeout, log, Map.of(), command);
    }

    /** Runs {@code hack/local-cluster down} if this JVM brought the cluster up (a later test may bring it up again). */
    public synchronized void stopIfStartedHere() {
        if (!startedHere) {
            return;
        }
        startedHere = false;
        run++;
        System.out.println("[local-cluster] taking down the cluster this JVM started");
        script(DOWN_TIMEOUT, Path.of("target", "local-cluster.log"), "down").orThrow();
    }

    /** Counts the times this JVM took the cluster down: what was made in the cluster before is gone. */
    public synchronized long run() {
        return run;
    }

    /** True when this JVM started the cluster (and will take it down at the end). */
    public synchronized boolean startedHere() {
        return startedHere;
    }

    /** True when the cluster was named by {@code KUBECONFIG} rather than started by the script. */
    public boolean external() {
        return external;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The repository root (the folder holding {@code hack/local-cluster}), if found. */
    public Optional<Path> repoRoot() {
        return repoRoot;
    }

    /**
     * A value printed by {@code hack/local-cluster env}, overridable by an environment variable of the
     * same name (e.g. {@code TRAININGRUN_REGISTRY}, {@code TRAININGRUN_CRANE}).
     */
    public Optional<String> setting(String name) {
        String fromEnv = System.getenv(name);
        if (fromEnv != null && !fromEnv.isBlank() && !name.equals("KUBECONFIG")) {
            return Optional.of(fromEnv);
        }
        return Optional.ofNullable(env.get(name));
    }
}
