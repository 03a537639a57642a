package dev.trainingrun.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class ApiServerProbeTest {
    private static final String SERVER = "https://10.0.0.1:6443/";

    @Test
    void noAnswerNamesTheServerAndTheInnermostCause() {
        var failure = new KubernetesClientException("An error has occurred.",
                new RuntimeException("wrapped", new ConnectException("Connection refused")));
        String problem = ApiServerProbe.problem(SERVER, failure).orElseThrow();
        assertTrue(problem.startsWith("The operator cannot reach the Kubernetes API server at " + SERVER
                + ": Connection refused. "), problem);
        assertTrue(problem.contains("KUBECONFIG"), problem);
    }

    @Test
    void aCauseWithoutMessageIsNamedByItsType() {
        var failure = new KubernetesClientException("An error has occurred.", new SSLHandshakeException(null));
        assertTrue(ApiServerProbe.problem(SERVER, failure).orElseThrow().contains(": SSLHandshakeException. "));
    }

    @Test
    void refusedCredentialsSayWhichServerRefusedThem() {
        String problem = ApiServerProbe.problem(SERVER, new KubernetesClientException("Unauthorized", 401, null))
                .orElseThrow();
        assertTrue(problem.startsWith("The Kubernetes API server at " + SERVER + " does not accept the operator's "
                + "credentials (401 Unauthorized)"), problem);
    }

    @Test
    void anyOtherAnswerIsLeftToTheComponentsThatNeedTheRights() {
        assertEquals(Optional.empty(), ApiServerProbe.problem(SERVER,
                new KubernetesClientException("Forbidden", 403, null)));
        assertEquals(Optional.empty(), ApiServerProbe.problem(SERVER,
                new KubernetesClientException("Service Unavailable", 503, null)));
    }
}
