package dev.trainingrun.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The packaged operator started where it cannot work, and what it tells its user. */
final class FailingStart {
    /** The client's retries of a refused connection take about half a minute. */
    private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(3);
    /** The one context of the kubeconfigs {@link #kubeconfig} writes. */
    static final String CONTEXT = "probe";

    private FailingStart() {}

    /**
     * Starts the operator, expects exit code 1, and returns what this run printed beside the log records at INFO (the
     * first of which names the AES-GCM provider): what the user is told went wrong, each line as printed, stack trace
     * lines included.
     *
     * @param env settings beyond the kubeconfig, as {@link OperatorProcess#launch} takes them
     */
    static List<String> problems(String name, Path kubeconfig, Map<String, String> env) {
        try (OperatorProcess operator = OperatorProcess.launch(name, kubeconfig, env)) {
            assertEquals(1, operator.awaitExitCode(EXIT_TIMEOUT), String.join("\n", operator.logLines()));
            return operator.logLines().stream()
                    .filter(line -> !line.contains("\"level\":\"INFO\""))
                    .toList();
        }
    }

    /** The sentence that says the server and credentials came from {@code kubeconfig}'s {@link #CONTEXT}. */
    static String fromContext(Path kubeconfig) {
        return "Server and credentials are those of context " + CONTEXT + " in " + kubeconfig + ".";
    }

    /** A kubeconfig of one context, {@link #CONTEXT}; {@code user} is the user entry as a YAML flow map. */
    static Path kubeconfig(Path folder, String server, String authority, String user) throws IOException {
        return Files.writeString(folder.resolve("kubeconfig"), String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: probed",
                "  cluster:",
                "    server: " + server,
                authority.isEmpty() ? "" : "    " + authority,
                "users:",
                "- name: probing",
                "  user: " + user,
                "contexts:",
                "- name: " + CONTEXT,
                "  context: {cluster: probed, user: probing}",
                "current-context: " + CONTEXT,
                ""));
    }

    /** A kubeconfig for the cluster {@code admin} reaches, as the user a bearer {@code token} stands for. */
    static Path kubeconfig(Path folder, Config admin, String token) throws IOException {
        String authority = admin.getCaCertData() != null
                ? "certificate-authority-data: " + admin.getCaCertData()
                : "certificate-authority: " + admin.getCaCertFile();
        return kubeconfig(folder, admin.getMasterUrl(), authority, "{token: " + token + "}");
    }
}
