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
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.Watchable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Issue 7's benchmark: applies N TrainingRuns (500 by default) for the fake GPU nodes against the operator as it
 * ships, and prints apply-to-Job latency (p50, p99), the time until every pod runs, the operator's resident memory
 * and CPU time, and its status writes per run. Run it with {@code hack/benchmark-operator}; not a test.
 * BENCHMARK_JVM_OPTIONS, BENCHMARK_WARMUP and BENCHMARK_RATE vary the JVM, its warm-up and the arrival rate.
 */
public final class OperatorBenchmark {
    private static final int NODES = 16;
    private static final int GPUS_PER_NODE = 32;
    private static final String NODE_PREFIX = "bench-gpu-";
    private static final String MEASURED = "bench-";
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    /** Linux reports process CPU time in clock ticks of 1/100 s. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, Long> runSeen = new ConcurrentHashMap<>();
    private final Map<String, Long> jobSeen = new ConcurrentHashMap<>();
    private final Map<String, Long> podRunning = new ConcurrentHashMap<>();

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Path kubeconfig = Path.of(System.getenv("KUBECONFIG"));
        int exitCode = 0;
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            new OperatorBenchmark().run(client, kubeconfig, runs);
        } catch (Exception e) {
            e.printStackTrace();
            exitCode = 1;
        }
        // The client's threads would keep exec:java waiting.
        System.exit(exitCode);
    }

    private void run(KubernetesClient client, Path kubeconfig, int runs) throws Exception {
        String namespace = "bench-" + Long.toHexString(System.currentTimeMillis());
        Fixtures.installCrd(client);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).create();
        client.serviceAccounts().inNamespace(namespace).withName("default")
                .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
        Fixtures.createBoundClaims(client, namespace);
        createNodes(client);
        List<String> jvmOptions = jvmOptions();
        OperatorProcess operator = OperatorProcess.start("benchmark", kubeconfig,
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", namespace), jvmOptions);
        List<Watch> watches = new ArrayList<>();
        try {
            int warmUp = warmUpRuns();
            if (warmUp > 0) {
                warmUp(client, namespace, warmUp);
            }
            double writesBefore = counter(operator.metrics(), "trainingrun_status_writes_total");
            double cpuBefore = cpuSeconds(operator.pid());
            watches.add(watch(client.resources(TrainingRun.class).inNamespace(namespace),
                    (action, run) -> seen(runSeen, action, run.getMetadata().getName())));
            watches.add(watch(client.batch().v1().jobs().inNamespace(namespace),
                    (action, job) -> seen(jobSeen, action, job.getMetadata().getName())));
            watches.add(watch(client.pods().inNamespace(namespace), (action, pod) -> {
                if ("Running".equals(pod.getStatus().getPhase())) {
                    seen(podRunning, action, pod.getMetadata().getLabels().get(Fixtures.RUN_LABEL));
                }
            }));

            long start = System.nanoTime();
            applyRuns(client, namespace, MEASURED, runs);
            long applied = System.nanoTime();
            awaitAll("Jobs", jobSeen, runs);
            awaitAll("running pods", podRunning, runs);
            // Let the last status writes land before counting them.
            Await.until("every run to show Running", DEADLINE, () -> client.resources(TrainingRun.class)
                    .inNamespace(namespace).list().getItems().stream()
                    .filter(r -> r.getMetadata().getName().startsWith(MEASURED) && r.getStatus() != null && r.getStatus().getPhase() != null
                            && r.getStatus().getPhase().name().equals("Running")).count() == runs);

            List<Long> latencies = runSeen.keySet().stream()
                    .map(name -> jobSeen.get(name) - runSeen.get(name)).sorted().toList();
            double writes = counter(operator.metrics(), "trainingrun_status_writes_total") - writesBefore;
            double cpu = cpuSeconds(operator.pid()) - cpuBefore;
            Map<String, Long> memory = memoryKb(operator.pid());
            System.out.printf("%n## Operator benchmark: %d TrainingRuns on %d fake nodes of %d GPUs%n%n",
                    runs, NODES, GPUS_PER_NODE);
            System.out.printf("| figure | value |%n|---|---|%n");
            System.out.printf("| operator JVM options | %s |%n", jvmOptions.isEmpty() ? "(none)" : String.join(" ", jvmOptions));
            System.out.printf("| runs the operator handled before (warm-up) | %d |%n", warmUp);
            System.out.printf("| creating the %d runs (8 client threads%s) | %.1f s |%n", runs,
                    rate() > 0 ? ", paced at " + rate() + " runs/s" : "", seconds(applied - start));
            System.out.printf("| run created → Job created, p50 | %d ms |%n", millis(percentile(latencies, 50)));
            System.out.printf("| run created → Job created, p90 | %d ms |%n", millis(percentile(latencies, 90)));
            System.out.printf("| run created → Job created, p99 | %d ms |%n", millis(percentile(latencies, 99)));
            System.out.printf("| run created → Job created, max | %d ms |%n", millis(latencies.get(latencies.size() - 1)));
            System.out.printf("| first run created → all %d Jobs created | %.1f s |%n", runs, seconds(last(jobSeen) - first(runSeen)));
            System.out.printf("| first run created → all %d pods Running | %.1f s |%n", runs, seconds(last(podRunning) - first(runSeen)));
            System.out.printf("| operator resident memory at the end (VmRSS) | %d MB |%n", memory.get("VmRSS") / 1024);
            System.out.printf("| operator resident memory, peak (VmHWM) | %d MB |%n", memory.get("VmHWM") / 1024);
            System.out.printf("| operator CPU time during the benchmark | %.1f s |%n", cpu);
            System.out.printf("| operator CPU time since its start | %.1f s |%n", cpuSeconds(operator.pid()));
            System.out.printf("| status writes per run (to Running) | %.2f |%n", writes / runs);
        } finally {
            watches.forEach(Watch::close);
            operator.stop();
            cleanUp(client, namespace);
        }
    }

    /** Every step runs even when one before it fails, so a broken benchmark leaves no fake nodes behind. */
    private static void cleanUp(KubernetesClient client, String namespace) {
        List<Runnable> steps = List.of(
                () -> Fixtures.deleteRuns(client, namespace),
                () -> client.namespaces().withName(namespace).delete(),
                () -> Fixtures.deleteBoundClaimVolumes(client, namespace),
                () -> {
                    for (int i = 0; i < NODES; i++) {
                        client.nodes().withName(NODE_PREFIX + i).delete();
                    }
                });
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException | AssertionError e) {
                System.err.println("[benchmark] clean-up step failed: " + e.getMessage());
            }
        }
    }

    /** Records when a measured run's object was first seen; the warm-up's leftovers do not count. */
    private static void seen(Map<String, Long> times, Watcher.Action action, String run) {
        if (action != Watcher.Action.DELETED && run.startsWith(MEASURED)) {
            times.putIfAbsent(run, System.nanoTime());
        }
    }

    /** What the operator runs with; BENCHMARK_JVM_OPTIONS overrides, e.g. to compare heap settings. */
    private static List<String> jvmOptions() {
        String options = System.getenv("BENCHMARK_JVM_OPTIONS");
        return options == null || options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
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

    /** BENCHMARK_WARMUP runs are made and removed first, so that the figures show a warmed-up JVM (0: a cold one). */
    private static int warmUpRuns() {
        String warmUp = System.getenv("BENCHMARK_WARMUP");
        return warmUp == null || warmUp.isBlank() ? 0 : Integer.parseInt(warmUp.trim());
    }

    private static void warmUp(KubernetesClient client, String namespace, int runs) throws Exception {
        applyRuns(client, namespace, "warm-up-", runs);
        Await.until("the warm-up runs to run", DEADLINE, () -> client.resources(TrainingRun.class)
                .inNamespace(namespace).list().getItems().stream()
                .filter(r -> r.getStatus() != null && r.getStatus().getPhase() != null
                        && r.getStatus().getPhase().name().equals("Running")).count() == runs);
        Fixtures.deleteRuns(client, namespace);
    }

    /** BENCHMARK_RATE paces the measured runs (runs per second) instead of creating them as fast as possible. */
    private static double rate() {
        String rate = System.getenv("BENCHMARK_RATE");
        return rate == null || rate.isBlank() ? 0 : Double.parseDouble(rate.trim());
    }

    private static void applyRuns(KubernetesClient client, String namespace, String prefix, int runs)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
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
                TrainingRun run = Fixtures.fakeNodeRun(prefix + i, 1);
                created.add(pool.submit(() -> client.resources(TrainingRun.class).inNamespace(namespace)
                        .resource(run).create()));
            }
            for (Future<?> future : created) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static <T extends HasMetadata> Watch watch(Watchable<T> resources, BiConsumer<Watcher.Action, T> onEvent) {
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

    private static void awaitAll(String what, Map<String, Long> seen, int runs) {
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

    private static double counter(String metrics, String name) {
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
