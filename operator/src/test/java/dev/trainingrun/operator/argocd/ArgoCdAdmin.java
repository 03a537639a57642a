package dev.trainingrun.operator.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.operator.argocd.HealthCheck.Health;
import dev.trainingrun.testing.Command;
import dev.trainingrun.testing.LocalCluster;
import dev.trainingrun.testing.Prerequisite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Argo CD's own verdict on a TrainingRun document: the {@code argocd} binary built from source by
 * {@code hack/local-cluster build argocd}, run as {@code argocd admin settings resource-overrides health|list-actions|
 * run-action FILE --argocd-cm-path CM}, the commands Argo CD gives users to try customisations before applying
 * them. They read the ConfigMap from the file and evaluate the scripts in Argo CD's own Lua VM (util/lua), exactly
 * as the application controller and API server do; no cluster is involved.
 */
final class ArgoCdAdmin {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String STATUS = "STATUS: ";
    private static final String MESSAGE = "MESSAGE: ";

    private final Path argocd;
    private final Path configMap;
    private final Path scratch;

    private ArgoCdAdmin(Path argocd, Path configMap, Path scratch) {
        this.argocd = argocd;
        this.configMap = configMap;
        this.scratch = scratch;
    }

    /**
     * Argo CD with the given argocd-cm text, working in {@code scratch}. Skips the calling test where the binary is
     * not built, or fails it under {@code CI=true} (see {@link Prerequisite}).
     */
    static ArgoCdAdmin withConfigMap(String configMapYaml, Path scratch) {
        Path argocd = null;
        String missing = null;
        try {
            argocd = LocalCluster.builtTool("argocd");
        } catch (IllegalStateException e) {
            missing = "No argocd binary: " + e.getMessage() + ". These tests run Argo CD's own code; "
                    + "`hack/local-cluster build argocd` builds it from source (hack/test does).";
        }
        Prerequisite.require(missing);
        try {
            Path configMap = Files.writeString(Files.createTempFile(scratch, "argocd-cm", ".yaml"), configMapYaml);
            return new ArgoCdAdmin(argocd, configMap, scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The health Argo CD gives the run in {@code file}; throws with Argo CD's error when the script fails. */
    Health health(Path file) {
        String output = admin(Map.of(), "health", file.toString());
        int status = output.indexOf(STATUS);
        int message = output.indexOf("\n" + MESSAGE, status);
        if (status != 0 || message < 0 || !output.endsWith("\n")) {
            throw new AssertionError("unexpected output of argocd ... health " + file + ":\n" + output);
        }
        // The message is printed verbatim, so it may span lines; only the final newline is Argo CD's.
        return new Health(output.substring(STATUS.length(), message),
                output.substring(message + 1 + MESSAGE.length(), output.length() - 1));
    }

    /** The actions Argo CD offers for the run in {@code file}, by name, each with whether it is disabled. */
    Map<String, Boolean> actions(Path file) {
        String output = admin(Map.of(), "list-actions", file.toString());
        List<String> lines = new ArrayList<>(output.lines().toList());
        if (lines.isEmpty() || !lines.remove(0).matches("NAME\\s+DISABLED")) {
            throw new AssertionError("unexpected output of argocd ... list-actions " + file + ":\n" + output);
        }
        Map<String, Boolean> actions = new LinkedHashMap<>();
        for (String line : lines) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length != 2 || !columns[1].matches("true|false")) {
                throw new AssertionError("unexpected line of argocd ... list-actions " + file + ": " + line);
            }
            actions.put(columns[0], Boolean.parseBoolean(columns[1]));
        }
        return actions;
    }

    /**
     * The run in {@code file} as the action leaves it. run-action shows its result only as a diff against the input,
     * through {@code $KUBECTL_EXTERNAL_DIFF} (called with the input's and the result's files), so that "diff" here is
     * {@code cp}, which keeps the result's file: named after the run, beside {@code <name>-live.yaml}.
     */
    JsonNode runAction(Path file, String action) {
        try {
            Path out = Files.createTempDirectory(scratch, "action");
            // TMPDIR: run-action writes both files into a folder of its own there and never removes it.
            String output = admin(Map.of("KUBECTL_EXTERNAL_DIFF", "cp -t " + out, "TMPDIR", scratch.toString()),
                    "run-action", file.toString(), action);
            Path result = out.resolve(HealthTests.YAML.readTree(file.toFile()).path("metadata").path("name").asText());
            if (!Files.exists(result)) {
                throw new AssertionError(
                        "argocd ... run-action " + file + " " + action + " changed nothing:\n" + output);
            }
            return HealthTests.YAML.readTree(result.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code argocd admin settings resource-overrides <arguments>} with the ConfigMap; its output. */
    private String admin(Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>(List.of(argocd.toString(), "admin", "settings", "resource-overrides"));
        command.addAll(List.of(arguments));
        // Error level: the informers' progress lines would mix with the answer (both are in the output).
        command.addAll(List.of("--argocd-cm-path", configMap.toString(), "--loglevel", "error"));
        return Command.run(TIMEOUT, null, environment, command).orThrow().output();
    }
}
