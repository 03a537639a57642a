package dev.trainingrun.operator.argocd;

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
import java.util.List;
import java.util.Map;

/**
 * Argo CD's own verdict on a TrainingRun document: the {@code argocd} binary built from source by
 * {@code hack/local-cluster build argocd}, run as {@code argocd admin settings resource-overrides health FILE
 * --argocd-cm-path CM}, the commands Argo CD gives users to try customisations before applying
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
        String output = admin("health", file.toString());
        int status = output.indexOf(STATUS);
        int message = output.indexOf("\n" + MESSAGE, status);
        if (status != 0 || message < 0 || !output.endsWith("\n")) {
            throw new AssertionError("unexpected output of argocd ... health " + file + ":\n" + output);
        }
        // The message is printed verbatim, so it may span lines; only the final newline is Argo CD's.
        return new Health(output.substring(STATUS.length(), message),
                output.substring(message + 1 + MESSAGE.length(), output.length() - 1));
    }

    /** Runs {@code argocd admin settings resource-overrides <arguments>} with the ConfigMap; its output. */
    private String admin(String... arguments) {
        List<String> command = new ArrayList<>(List.of(argocd.toString(), "admin", "settings", "resource-overrides"));
        command.addAll(List.of(arguments));
        // Error level: the informers' progress lines would mix with the answer (both are in the output).
        command.addAll(List.of("--argocd-cm-path", configMap.toString(), "--loglevel", "error"));
        return Command.run(TIMEOUT, null, Map.of(), command).orThrow().output();
    }
}
