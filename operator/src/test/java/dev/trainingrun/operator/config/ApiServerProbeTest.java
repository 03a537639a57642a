package dev.trainingrun.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class ApiServerProbeTest {
    private static final String SERVER = "https://10.0.0.1:6443/";

    @Test
    void noAnswerNamesTheServerAndTheInnermostCause() {
        var failure = new KubernetesClientException("An error has occurred.",
                new RuntimeException("wrapped", new ConnectException("Connection refused")));
        assertEquals(Optional.of("The operator cannot connect to the Kubernetes API server at " + SERVER
                + ": Connection refused."), ApiServerProbe.problem(SERVER, failure));
    }

    @Test
    void causesSayWhatHappenedInAFewWords() {
        assertEquals("unknown host no-such-host.invalid", ApiServerProbe.cause(
                new KubernetesClientException("x", new UnknownHostException("no-such-host.invalid"))));
        assertEquals("cannot read /etc/missing.crt",
                ApiServerProbe.cause(new IllegalStateException(new NoSuchFileException("/etc/missing.crt"))));
        assertEquals("cannot read /etc/missing.crt (No such file or directory)",
                ApiServerProbe.cause(new FileNotFoundException("/etc/missing.crt (No such file or directory)")));
        assertEquals("TLS failed: PKIX path building failed",
                ApiServerProbe.cause(new SSLHandshakeException("PKIX path building failed\nat the second line")));
        assertEquals("TLS failed: SSLHandshakeException", ApiServerProbe.cause(new SSLHandshakeException(" ")));
        assertEquals("IllegalStateException", ApiServerProbe.cause(new IllegalStateException()));
    }

    @Test
    void aLongCauseIsCut() {
        String dump = "not an SSL/TLS record: " + "3c".repeat(600);
        String cause = ApiServerProbe.cause(new SSLHandshakeException(dump));
        assertEquals(203, cause.length(), cause);
        assertTrue(cause.startsWith("TLS failed: not an SSL/TLS record: 3c3c"), cause);
        assertTrue(cause.endsWith("..."), cause);
    }

    @Test
    void refusedCredentialsSayWhichServerRefusedThem() {
        assertEquals(Optional.of("The Kubernetes API server at " + SERVER + " does not accept the operator's "
                + "credentials (401 Unauthorized)."),
                ApiServerProbe.problem(SERVER, new KubernetesClientException("Unauthorized", 401, null)));
    }

    @Test
    void anyOtherAnswerIsLeftToTheComponentsThatNeedTheRights() {
        assertEquals(Optional.empty(), ApiServerProbe.problem(SERVER,
                new KubernetesClientException("Forbidden", 403, null)));
        assertEquals(Optional.empty(), ApiServerProbe.problem(SERVER,
                new KubernetesClientException("Service Unavailable", 503, null)));
    }

    @Test
    void theOriginSaysWhereServerAndCredentialsCameFrom() {
        assertEquals("Server and credentials are those of context kind-dev in /home/me/.kube/config.",
                ApiServerProbe.origin("kind-dev", "/home/me/.kube/config", false, null));
        assertEquals("Server and credentials are the pod's service account's.",
                ApiServerProbe.origin(null, null, true, null));
        assertEquals("No kubeconfig context gave a server (KUBECONFIG is /tmp/typo), so the address is the client's "
                + "default for a pod, and this is not a pod.", ApiServerProbe.origin(null, null, false, "/tmp/typo"));
        assertEquals("No kubeconfig context gave a server (KUBECONFIG is unset, and ~/.kube/config was looked at), so "
                + "the address is the client's default for a pod, and this is not a pod.",
                ApiServerProbe.origin(null, null, false, null));
    }
}
