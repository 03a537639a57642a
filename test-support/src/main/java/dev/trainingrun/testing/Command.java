package dev.trainingrun.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command (the cluster script, crane, tar) to its end with a deadline, keeping its output. */
public final class Command {

    /** How a command ended: its exit code and everything it printed (stdout and stderr). */
    public record Result(List<String> command, int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Returns this result, or throws with the command's output when it failed. */
        public Result orThrow() {
            if (!succeeded()) {
                throw new IllegalStateException(
                        String.join(" ", command) + " exited with " + exitCode + ":\n" + tail(output, 40));
            }
            return this;
        }
    }

    private Command() {
    }

    /** Runs the command and throws when it fails or outlives the timeout. */
    public static String check(Duration timeout, String... command) {
        return run(timeout, null, Map.of(), List.of(command)).orThrow().output();
    }

    /**
     * Runs the command with extra environment variables. The output goes to a file rather than a
     * pipe, so that daemons the command leaves running cannot hold it open; when {@code log} is
     * given the output is also appended there.
     */
    public static Result run(Duration timeout, Path log, Map<String, String> environment, List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("trainingrun-command", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                        + ":\n" + tail(Files.readString(out, StandardCharsets.UTF_8), 40));
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            if (log != null) {
                Files.createDirectories(log.toAbsolutePath().getParent());
                Files.writeString(log, "$ " + String.join(" ", command) + "\n" + output,
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
            return new Result(List.copyOf(command), process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file; nothing depends on it
                }
            }
        }
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }
}
