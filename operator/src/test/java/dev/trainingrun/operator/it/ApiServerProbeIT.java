package dev.trainingrun.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator started with a kubeconfig that cannot work: it exits with code 1 and says, in one line and
 * without a stack trace, which API server it could not use and why.
 */
@OnLocalCluster
class ApiServerProbeIT {
    /** The client's retries of a refused connection take about half a minute. */
    private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(3);

    @Test
    void aServerNobodyListensOnEndsStartUpWithOneLine(@TempDir Path folder) throws IOException {
        String server = "https://127.0.0.1:" + OperatorProcess.freePort();
        Path kubeconfig = kubeconfig(folder, server, "", "not-checked");

        List<String> output = exitOutput("unreachable-server", kubeconfig);

        assertEquals(List.of("The operator cannot reach the Kubernetes API server at " + server + "/: Connection "
                + "refused. Outside a cluster the server comes from the kubeconfig (KUBECONFIG, or ~/.kube/config); in "
                + "a cluster, from the pod's service account."), problems(output), String.join("\n", output));
    }

    @Test
    void credentialsTheServerRefusesEndStartUpWithOneLine(KubernetesClient admin, @TempDir Path folder)
            throws IOException {
        Config config = admin.getConfiguration();
        String authority = config.getCaCertData() != null
                ? "certificate-authority-data: " + config.getCaCertData()
                : "certificate-authority: " + config.getCaCertFile();
        Path kubeconfig = kubeconfig(folder, config.getMasterUrl(), authority, "not-a-token-of-this-cluster");

        List<String> output = exitOutput("refused-credentials", kubeconfig);

        assertEquals(List.of("The Kubernetes API server at " + config.getMasterUrl() + " does not accept the "
                + "operator's credentials (401 Unauthorized): check the token or client certificate in the kubeconfig, "
                + "or, in a cluster, the pod's service account."), problems(output), String.join("\n", output));
    }

    /** Starts the operator, expects exit code 1, and returns what it printed. */
    private static List<String> exitOutput(String name, Path kubeconfig) {
        OperatorProcess operator = OperatorProcess.launch(ApiServerProbeIT.class.getSimpleName() + "-" + name,
                kubeconfig);
        try (operator) {
            assertEquals(1, operator.awaitExit(EXIT_TIMEOUT), String.join("\n", operator.logLines()));
            return operator.logLines();
        }
    }

    /**
     * The output without the launcher's header and the log records at INFO (the first of which names the AES-GCM
     * provider): what the user is told went wrong, each line as printed, stack trace lines included.
     */
    private static List<String> problems(List<String> output) {
        return output.stream()
                .filter(line -> !line.startsWith("---- ") && !line.contains("\"level\":\"INFO\""))
                .toList();
    }

    private static Path kubeconfig(Path folder, String server, String authority, String token) throws IOException {
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
                "  user:",
                "    token: " + token,
                "contexts:",
                "- name: probe",
                "  context: {cluster: probed, user: probing}",
                "current-context: probe",
                ""));
    }
}
