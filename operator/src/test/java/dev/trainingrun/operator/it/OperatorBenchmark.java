package dev.trainingrun.operator.it;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Await;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Watchable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator benchmark (issues 7 and 19): creates N runs (500 by default) for the fake GPU nodes against our
 * operator as it ships and, in the same run on the same nodes, against the peer (the Kubeflow training-operator's
 * PyTorchJob, see {@link KubeflowTrainingOperator}), one after the other, and prints for each: how long creating the
 * runs takes with the operator idle ({@link #creatingElsewhere}) and at work, run created → first object (our Job,
 * the peer's pod) p50/p90/p99/max, the time until all of those exist and all pods run, the
 * operator's resident memory and CPU time, then both side by side with their ratios. Run it with
 * {@code hack/benchmark-operator}; not a test. Our operator runs with the JVM settings the chart gives it
 * ({@link #chartJvmOptions}); BENCHMARK_JVM_OPTIONS, BENCHMARK_WARMUP and BENCHMARK_RATE vary our JVM, the warm-up
 * and the arrival rate; without BENCHMARK_PEER_BINARY only ours is measured.
 */
public final class OperatorBenchmark {
    private static final int NODES = 16;
    private static final int GPUS_PER_NODE = 32;
    private static final String NODE_PREFIX = "bench-gpu-";
    private static final String MEASURED = "bench-";
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    /** Linux reports process CPU time in clock ticks of 1/100 s. */
    private static final double TICKS_PER_SECOND = 100.0;
    /** Threads the benchmark creates runs with, as several kubectl clients would. */
    private static final int CLIENT_THREADS = 8;

    /** What one operator achieved; times in nanoseconds of {@link System#nanoTime()}, memory in kB. */
    private record Figures(Contender contender, int runs, int warmUp, long creatingIdle, long creating,
            List<Long> latencies, long allWorkloads, long allRunning, long residentKb, long peakKb, double cpuSeconds,
            OptionalDouble statusWrites) {
    }

    private final Map<String, Long> runSeen = new ConcurrentHashMap<>();
    private final Map<String, Long> workloadSeen = new ConcurrentHashMap<>();
    private final Map<String, Long> podRunning = new ConcurrentHashMap<>();

    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Path kubeconfig = Path.of(System.getenv("KUBECONFIG"));
        List<String> jvmOptions = jvmOptions();
        List<Contender> contenders = new ArrayList<>();
        contenders.add(new TrainingRunContender(kubeconfig, jvmOptions));
        String peer = System.getenv(KubeflowTrainingOperator.BINARY_ENV);
        if (peer != null && !peer.isBlank()) {
            contenders.add(new KubeflowTrainingOperator(Path.of(peer),
                    Path.of(System.getenv(KubeflowTrainingOperator.CRD_ENV)), kubeconfig));
        }
        int exitCode = 0;
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            createNodes(client);
            try {
                System.out.printf("%n## Operator benchmark: %d runs on %d fake nodes of %d GPUs%n", runs, NODES,
                        GPUS_PER_NODE);
                System.out.printf("%nOur operator's JVM options: %s%n",
                        jvmOptions.isEmpty() ? "(none)" : String.join(" ", jvmOptions));
                List<Figures> results = new ArrayList<>();
                for (Contender contender : contenders) {
                    // Printed at once: a later contender that fails leaves the earlier one's figures.
                    Figures figures = new OperatorBenchmark().measure(client, contender, runs);
                    print(figures);
                    results.add(figures);
                }
                if (results.size() == 2) {
                    compare(results.get(0), results.get(1));
                }
            } finally {
                deleteNodes(client);
            }
        } catch (Exception e) {
            e.printStackTrace();
            exitCode = 1;
        }
        // The client's threads would keep exec:java waiting.
        System.exit(exitCode);
    }

    /** Runs the contender's part in a namespace of its own, which it leaves empty and deleted. */
    private Figures measure(KubernetesClient client, Contender contender, int runs) throws Exception {
        String namespace = "bench-" + Long.toHexString(System.currentTimeMillis());
        System.err.printf("[benchmark] %s: %d runs in namespace %s%n", contender.name(), runs, namespace);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).create();
        client.serviceAccounts().inNamespace(namespace).withName("default")
                .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
        List<Watch> watches = new ArrayList<>();
        try (Contender.Running operator = contender.start(client, namespace)) {
            long creatingIdle = creatingElsewhere(client, contender, namespace, runs);
            int warmUp = warmUpRuns();
            if (warmUp > 0) {
                createRuns(client, contender, namespace, "warm-up-", warmUp);
                Await.until("the warm-up runs' pods to run", DEADLINE, () -> client.pods().inNamespace(namespace)
                        .list().getItems().stream().filter(pod -> contender.runOf(pod).isPresent())
                        .filter(pod -> "Running".equals(pod.getStatus().getPhase())).count() == warmUp);
                contender.deleteRuns(client, namespace);
            }
            OptionalDouble writesBefore = operator.statusWrites();
            double cpuBefore = cpuSeconds(operator.pid());
            watches.add(contender.watchRuns(client, namespace, (action, run) -> seen(runSeen, action, run)));
            watches.add(contender.watchWorkloads(client, namespace,
                    (action, run) -> seen(workloadSeen, action, run)));
            watches.add(watch(client.pods().inNamespace(namespace), (action, pod) -> {
                if ("Running".equals(pod.getStatus().getPhase())) {
                    contender.runOf(pod).ifPresent(run -> seen(podRunning, action, run));
                }
            }));

            long start = System.nanoTime();
            createRuns(client, contender, namespace, MEASURED, runs);
            long created = System.nanoTime();
            awaitAll(workloadSeen, runs, contender.workloadKind() + "s");
            awaitAll(podRunning, runs, "running pods");
            OptionalDouble writes = OptionalDouble.empty();
            if (writesBefore.isPresent()) {
                // Let the last status writes land before counting them.
                Await.until("every run to show Running", DEADLINE, () -> client.resources(TrainingRun.class)
                        .inNamespace(namespace).list().getItems().stream()
                        .filter(r -> r.getMetadata().getName().startsWith(MEASURED) && r.getStatus() != null
                                && r.getStatus().getPhase() != null
                                && r.getStatus().getPhase().name().equals("Running")).count() == runs);
                writes = OptionalDouble.of(operator.statusWrites().getAsDouble() - writesBefore.getAsDouble());
            }
            List<Long> latencies = runSeen.keySet().stream()
                    .map(name -> workloadSeen.get(name) - runSeen.get(name)).sorted().toList();
            Map<String, Long> memory = memoryKb(operator.pid());
            return new Figures(contender, runs, warmUp, creatingIdle, created - start, latencies,
                    last(workloadSeen) - first(runSeen), last(podRunning) - first(runSeen),
                    memory.get("VmRSS"), memory.get("VmHWM"), cpuSeconds(operator.pid()) - cpuBefore, writes);
        } finally {
            watches.forEach(Watch::close);
            cleanUp(client, contender, namespace);
        }
    }

    /**
     * How long the API server takes to create the runs when no operator works on them: the same runs in a namespace
     * the started operator does not watch, removed again before the measured runs. Beside the measured creation
     * (while the operator works), it tells the cost of the kind itself (its schema, its validation rules) from the
     * cost of sharing the API server and the cores with the operator. The same number made there first, untimed,
     * warm up this client, so that the contender measured first is not measured against a client the JIT has not
     * compiled yet.
     *
     * @return nanoseconds from the first timed create to the last one's response
     */
    private static long creatingElsewhere(KubernetesClient client, Contender contender, String namespace, int runs)
            throws Exception {
        String elsewhere = namespace + "-idle";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(elsewhere).endMetadata()
                .build()).create();
        try {
            createRuns(client, contender, elsewhere, "client-warm-up-", runs);
            long start = System.nanoTime();
            createRuns(client, contender, elsewhere, "idle-", runs);
            return System.nanoTime() - start;
        } finally {
            client.namespaces().withName(elsewhere).delete();
            Await.until("namespace " + elsewhere + " to be gone", DEADLINE,
                    () -> client.namespaces().withName(elsewhere).get() == null);
        }
    }

    private static void print(Figures f) {
        String first = f.contender().workloadKind();
        System.out.printf("%n### %s%n%n| figure | value |%n|---|---|%n", f.contender().name());
        System.out.printf("| runs the operator handled before (warm-up) | %d |%n", f.warmUp());
        System.out.printf("| creating the %d runs, operator idle (another namespace, %d client threads) | %.1f s |%n",
                f.runs(), CLIENT_THREADS, seconds(f.creatingIdle()));
        System.out.printf("| creating the %d runs (%d client threads%s) | %.1f s |%n", f.runs(), CLIENT_THREADS,
                rate() > 0 ? ", paced at " + rate() + " runs/s" : "", seconds(f.creating()));
        for (int percent : new int[] {50, 90, 99}) {
            System.out.printf("| run created → %s created, p%d | %d ms |%n", first, percent,
                    millis(percentile(f.latencies(), percent)));
        }
        System.out.printf("| run created → %s created, max | %d ms |%n", first,
                millis(f.latencies().get(f.latencies().size() - 1)));
        System.out.printf("| first run created → all %d %ss created | %.1f s |%n", f.runs(), first,
                seconds(f.allWorkloads()));
        System.out.printf("| first run created → all %d pods Running | %.1f s |%n", f.runs(),
                seconds(f.allRunning()));
        System.out.printf("| resident memory at the end (VmRSS) | %d MB |%n", f.residentKb() / 1024);
        System.out.printf("| resident memory, peak (VmHWM) | %d MB |%n", f.peakKb() / 1024);
        System.out.printf("| CPU time during the benchmark | %.1f s |%n", f.cpuSeconds());
        f.statusWrites().ifPresent(writes ->
                System.out.printf("| status writes per run (to Running) | %.2f |%n", writes / f.runs()));
    }

    /** Both operators side by side; a ratio above 1 means ours took more (time, memory, CPU) than the peer. */
    private static void compare(Figures ours, Figures peer) {
        System.out.printf("%n### Side by side%n%n| figure | %s | %s | ours / peer |%n|---|---:|---:|---:|%n",
                ours.contender().name(), peer.contender().name());
        row("creating the runs, operator idle (s)", ours, peer, f -> seconds(f.creatingIdle()));
        row("creating the runs (s)", ours, peer, f -> seconds(f.creating()));
        row("run created → first object (Job / pod), p50 (ms)", ours, peer,
                f -> millis(percentile(f.latencies(), 50)));
        row("run created → first object (Job / pod), p99 (ms)", ours, peer,
                f -> millis(percentile(f.latencies(), 99)));
        row("first run created → all first objects (s)", ours, peer, f -> seconds(f.allWorkloads()));
        row("first run created → all pods Running (s)", ours, peer, f -> seconds(f.allRunning()));
        row("resident memory, peak (MB)", ours, peer, f -> f.peakKb() / 1024.0);
        row("CPU time during the benchmark (s)", ours, peer, Figures::cpuSeconds);
        row("CPU time per run (ms)", ours, peer, f -> f.cpuSeconds() * 1000 / f.runs());
    }

    private static void row(String figure, Figures ours, Figures peer, ToDoubleFunction<Figures> value) {
        double a = value.applyAsDouble(ours);
        double b = value.applyAsDouble(peer);
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %s |%n", figure, a, b,
                b > 0 ? String.format(Locale.ROOT, "%.2fx", a / b) : "-");
    }

    /** Every step runs even when one before it fails, so a broken benchmark leaves nothing behind. */
    private static void cleanUp(KubernetesClient client, Contender contender, String namespace) {
        List<Runnable> steps = List.of(
                () -> contender.deleteRuns(client, namespace),
                () -> client.namespaces().withName(namespace).delete(),
                () -> Fixtures.deleteBoundClaimVolumes(client, namespace));
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException | AssertionError e) {
                System.err.println("[benchmark] clean-up step failed: " + e.getMessage());
            }
        }
    }

    private static void deleteNodes(KubernetesClient client) {
        for (int i = 0; i < NODES; i++) {
            client.nodes().withName(NODE_PREFIX + i).delete();
        }
    }

    /** Records when a measured run's object was first seen; the warm-up's leftovers do not count. */
    private static void seen(Map<String, Long> times, Watcher.Action action, String run) {
        if (action != Watcher.Action.DELETED && run != null && run.startsWith(MEASURED)) {
            times.putIfAbsent(run, System.nanoTime());
        }
    }

    /**
     * What our operator runs with: as the chart runs it, unless BENCHMARK_JVM_OPTIONS says otherwise (e.g. "default"
     * for the JVM's own defaults on this machine, or other heap settings to compare).
     */
    private static List<String> jvmOptions() throws IOException {
        String options = System.getenv("BENCHMARK_JVM_OPTIONS");
        if (options != null && options.strip().equals("default")) {
            return List.of();
        }
        return options == null || options.isBlank() ? chartJvmOptions() : List.of(options.trim().split("\\s+"));
    }

    /**
     * The JVM settings of the operator's pod as the chart makes it: the image's entrypoint flags (the jib
     * configuration in pom.xml) and a JVM that sizes its heap for the container's memory limit (the chart's
     * resources.limits.memory, given as -XX:MaxRAM, which the JVM otherwise reads from the container's cgroup). What
     * -XX:MaxRAM does not change is the JVM's choice of collector, which is why the image names its collector.
     */
    static List<String> chartJvmOptions() throws IOException {
        Matcher entrypoint = Pattern.compile("<entrypoint>java,(.*?),-jar,").matcher(Files.readString(Path.of(
                "pom.xml")));
        if (!entrypoint.find()) {
            throw new IllegalStateException("no java entrypoint in operator/pom.xml's jib configuration");
        }
        Map<?, ?> values = new KubernetesSerialization().unmarshal(Files.readString(Fixtures.CHART.resolve(
                "values.yaml")), Map.class);
        Object limit = ((Map<?, ?>) ((Map<?, ?>) values.get("resources")).get("limits")).get("memory");
        List<String> options = new ArrayList<>(List.of(entrypoint.group(1).split(",")));
        options.add("-XX:MaxRAM=" + Quantity.getAmountInBytes(new Quantity(limit.toString())).toBigInteger());
        return options;
    }

    private static void createNodes(KubernetesClient client) {
        Map<String, Quantity> resources = Map.of("cpu", new Quantity("64"), "memory", new Quantity("512Gi"),
                "pods", new Quantity("110"), "nvidia.com/gpu", new Quantity(Integer.toString(GPUS_PER_NODE)));
        for (int i = 0; i < NODES; i++) {
            String name = NODE_PREFIX + i;
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                    .addToAnnotations(Fixtures.FAKE_NODE_ANNOTATION, "fake")
                    .addToLabels(Fixtures.FAKE_NODE_LABEL, "true")
                    .addToLabels("kubernetes.io/hostname", name)
                    .endMetadata().build()).serverSideApply();
            client.nodes().withName(name).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                    new NodeBuilder().withNewStatus().withCapacity(resources).withAllocatable(resources).endStatus()
                            .build());
        }
    }

    /** BENCHMARK_WARMUP runs are made and removed first, so that the figures show a warmed-up operator. */
    private static int warmUpRuns() {
        String warmUp = System.getenv("BENCHMARK_WARMUP");
        return warmUp == null || warmUp.isBlank() ? 0 : Integer.parseInt(warmUp.trim());
    }

    /** BENCHMARK_RATE paces the measured runs (runs per second) instead of creating them as fast as possible. */
    private static double rate() {
        String rate = System.getenv("BENCHMARK_RATE");
        return rate == null || rate.isBlank() ? 0 : Double.parseDouble(rate.trim());
    }

    private static void createRuns(KubernetesClient client, Contender contender, String namespace, String prefix,
            int runs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        double rate = prefix.equals(MEASURED) ? rate() : 0;
        long start = System.nanoTime();
        try {
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                if (rate > 0) {
                    // A load generator's pacing, not synchronisation: run i is due at i / rate seconds.
                    long due = start + (long) (i / rate * 1e9);
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                }
                String name = prefix + i;
                created.add(pool.submit(() -> contender.create(client, namespace, name)));
            }
            for (Future<?> future : created) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    static <T extends HasMetadata> Watch watch(Watchable<T> resources, BiConsumer<Watcher.Action, T> onEvent) {
        return resources.watch(new Watcher<T>() {
            @Override
            public void eventReceived(Action action, T resource) {
                onEvent.accept(action, resource);
            }

            @Override
            public void onClose(WatcherException cause) {
                if (cause != null) {
                    System.err.println("watch closed: " + cause.getMessage());
                }
            }
        });
    }

    private static void awaitAll(Map<String, Long> seen, int runs, String what) {
        Await.until("all " + runs + " " + what + " (" + seen.size() + " so far)", DEADLINE, () -> seen.size() >= runs);
    }

    private static long percentile(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static long first(Map<String, Long> times) {
        return times.values().stream().min(Long::compare).orElseThrow();
    }

    private static long last(Map<String, Long> times) {
        return times.values().stream().max(Long::compare).orElseThrow();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static double counter(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1))).findFirst().orElse(0);
    }

    /** User plus system CPU time of a process, from /proc (fields 14 and 15 of its stat line). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    private static Map<String, Long> memoryKb(long pid) throws IOException {
        Map<String, Long> memory = new ConcurrentHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                String[] parts = line.split("\\s+");
                memory.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
            }
        }
        return memory;
    }
}
