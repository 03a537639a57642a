package dev.trainingrun.operator.it;

import dev.trainingrun.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as it ships ({@code target/quarkus-app/quarkus-run.jar}), run as a child process against a
 * kubeconfig, so that tests can kill it with SIGKILL and start it again like a crashed pod.
 */
public final class OperatorProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;
    /** Where this process's output begins in {@link #log}, which keeps the earlier runs of the same name. */
    private final long logStart;

    private OperatorProcess(Process process, int port, Path log, long logStart) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.logStart = logStart;
    }

    /**
     * Starts the operator and waits until it reports ready.
     *
     * @param name names the log file under {@code target/operator-logs}
     * @param env settings beyond the kubeconfig and the HTTP port, e.g. {@code TRAININGRUN_OPERATOR_NAMESPACES}
     */
    public static OperatorProcess start(String name, Path kubeconfig, Map<String, String> env, List<String> jvmOptions) {
        OperatorProcess operator = launch(name, kubeconfig, env, jvmOptions);
        operator.awaitHealth("/q/health/ready", "ready");
        return operator;
    }

    public static OperatorProcess start(String name, Path kubeconfig, Map<String, String> env) {
        return start(name, kubeconfig, env, List.of());
    }

    /** Starts the operator and waits until it is alive, for a test of why it does not report ready. */
    public static OperatorProcess startAlive(String name, Path kubeconfig, Map<String, String> env) {
        OperatorProcess operator = launch(name, kubeconfig, env, List.of());
        operator.awaitHealth("/q/health/live", "alive");
        return operator;
    }

    /** Starts the operator without waiting for it, for a test of a start-up that fails ({@link #awaitExitCode}). */
    public static OperatorProcess launch(String name, Path kubeconfig, Map<String, String> env) {
        return launch(name, kubeconfig, env, List.of());
    }

    private static OperatorProcess launch(String name, Path kubeconfig, Map<String, String> env,
            List<String> jvmOptions) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: package the operator first");
        }
        int port = freePort();
        Path log = Path.of("target", "operator-logs", name + ".log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(JAR.toString());
        Map<String, String> environment = new LinkedHashMap<>(env);
        environment.put("KUBECONFIG", kubeconfig.toString());
        environment.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            Files.writeString(log, "---- " + String.join(" ", command) + " " + env + System.lineSeparator(),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            long start = Files.size(log);
            return new OperatorProcess(builder.start(), port, log, start);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitHealth(String path, String state) {
        Await.until("the operator (log: " + log.toAbsolutePath() + ") to report " + state, START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited with " + process.exitValue() + "; see " + log);
            }
            return get(path).statusCode() == 200;
        });
    }

    /** Waits up to {@code timeout} for the operator to exit by itself; returns its exit code. */
    public int awaitExitCode(Duration timeout) {
        Await.until("the operator (log: " + log.toAbsolutePath() + ") to exit", timeout, () -> !process.isAlive());
        return process.exitValue();
    }

    /** Ends the process at once, as a node failure or an OOM kill would: no shutdown hooks run. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(process);
    }

    /** SIGTERM, as Kubernetes stops a pod: the operator finishes what it is doing and leaves. */
    public void stop() {
        process.destroy();
        awaitExit(process);
    }

    /** Waits up to a minute for {@code process} to exit, then kills it. */
    static void awaitExit(Process process) {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Prometheus scrape of the operator. */
    public String metrics() {
        return get("/q/metrics").body();
    }

    /** This process's output so far, one log record per line. */
    public List<String> logLines() {
        try (var channel = Files.newByteChannel(log)) {
            channel.position(logStart);
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8).lines()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    /** A TCP port free on this machine now, for a process the tests start. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
