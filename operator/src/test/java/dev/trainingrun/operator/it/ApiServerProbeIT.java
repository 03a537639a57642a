package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.FailingStart.fromContext;
import static dev.trainingrun.operator.it.FailingStart.kubeconfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator started with a kubeconfig that cannot work: it exits with code 1 and says, in one line and
 * without a stack trace, which API server it could not use, why, and where that server came from.
 */
class ApiServerProbeIT {
    @TempDir
    Path folder;

    @Test
    void aServerNobodyListensOn() throws IOException {
        String server = "https://127.0.0.1:" + OperatorProcess.freePort();
        Path kubeconfig = kubeconfig(folder, server, "", "{token: not-checked}");

        assertEquals(List.of("The operator cannot connect to the Kubernetes API server at " + server + "/: Connection "
                + "refused. " + fromContext(kubeconfig)), problems("unreachable-server", kubeconfig));
    }

    @Test
    void aKubeconfigThatDoesNotExist() {
        Path missing = folder.resolve("no-such-kubeconfig");

        assertEquals(List.of("The operator cannot connect to the Kubernetes API server at "
                + "https://kubernetes.default.svc/: unknown host kubernetes.default.svc. No kubeconfig context gave "
                + "a server (KUBECONFIG is " + missing + "), so the address is the client's default for a pod, and "
                + "this is not a pod."),
                problems("missing-kubeconfig", missing));
    }

    @Test
    void aKubeconfigThatDoesNotParse() throws IOException {
        Path kubeconfig = Files.writeString(folder.resolve("kubeconfig"), "apiVersion: v1\nkind: [Config\n");

        List<String> problems = problems("malformed-kubeconfig", kubeconfig);

        assertEquals(1, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).startsWith("The operator cannot read its kubeconfig (KUBECONFIG, or "
                + "~/.kube/config): "), problems.get(0));
    }

    @Test
    void aClientCertificateFileThatDoesNotExist() throws IOException {
        String server = "https://127.0.0.1:" + OperatorProcess.freePort();
        Path certificate = folder.resolve("missing.crt");
        Path kubeconfig = kubeconfig(folder, server, "", "{client-certificate: " + certificate + ", client-key: "
                + folder.resolve("missing.key") + "}");

        assertEquals(List.of("The operator cannot connect to the Kubernetes API server at " + server + "/: cannot "
                + "read " + certificate + ". " + fromContext(kubeconfig)), problems("missing-certificate", kubeconfig));
    }

    @Test
    void aServerThatIsNotAnApiServer() throws IOException {
        // A real HTTP server that answers 404 to everything, as a wrong port of some other service would.
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        other.start();
        try {
            String server = "http://127.0.0.1:" + other.getAddress().getPort();
            Path kubeconfig = kubeconfig(folder, server, "", "{token: not-checked}");

            assertEquals(List.of("The server at " + server + "/ has no GET /version: it is not a Kubernetes API server "
                    + "(a wrong address or port?). " + fromContext(kubeconfig)), problems("not-an-api-server",
                    kubeconfig));
        } finally {
            other.stop(0);
        }
    }

    @Nested
    @OnLocalCluster
    class OnTheLocalCluster {
        @Test
        void credentialsTheServerRefuses(KubernetesClient admin, @TempDir Path own) throws IOException {
            Config config = admin.getConfiguration();
            Path kubeconfig = kubeconfig(own, config, "not-a-token-of-this-cluster");

            assertEquals(List.of("The Kubernetes API server at " + config.getMasterUrl() + " does not accept the "
                    + "operator's credentials (401 Unauthorized). " + fromContext(kubeconfig)),
                    problems("refused-credentials", kubeconfig));
        }
    }

    private static List<String> problems(String name, Path kubeconfig) {
        return FailingStart.problems(ApiServerProbeIT.class.getSimpleName() + "-" + name, kubeconfig, Map.of());
    }
}
