package dev.trainingrun.operator.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.net.HttpURLConnection;
import java.util.Optional;

/**
 * Before anything else talks to the API server, asks it for its version ({@code GET /version}), which every
 * authenticated client may read; when no answer comes, or the answer is 401 (the server does not accept the
 * credentials), start-up ends with one line on standard error that names the server and what went wrong, and exit
 * code 1. Without the probe, the CRD watch, each informer and Quarkus would each log the same failure with its stack
 * trace before the process exits. Any other answer means the server is there: what the operator may do is for the
 * components that need it to report.
 */
@Singleton
public class ApiServerProbe {
    private final KubernetesClient client;

    public ApiServerProbe(KubernetesClient client) {
        this.client = client;
    }

    /** Runs before every other start-up observer: the CRD watch's and the SDK's (priority 3123 in 7.7.3). */
    void probe(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent started) {
        try {
            client.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            Optional<String> problem = problem(client.getConfiguration().getMasterUrl(), e);
            if (problem.isPresent()) {
                // Quarkus ends a start-up that fails with a ConfigurationException by printing its message alone. (A
                // PreventFurtherStepsException would leave the process running; with Quarkus.asyncExit beside it, the
                // health extension's shutdown logs a stack trace.) The server and credentials are configuration: the
                // kubeconfig's, or the pod's.
                throw new ConfigurationException(problem.get());
            }
        }
    }

    /**
     * What keeps the operator from working with the API server at {@code server}, from the failure of its probe; empty
     * when the server answered in a way that is not the probe's to judge.
     */
    static Optional<String> problem(String server, KubernetesClientException failure) {
        if (failure.getCode() == HttpURLConnection.HTTP_UNAUTHORIZED) {
            return Optional.of("The Kubernetes API server at " + server + " does not accept the operator's "
                    + "credentials (401 Unauthorized): check the token or client certificate in the kubeconfig, or, in "
                    + "a cluster, the pod's service account.");
        }
        if (failure.getCode() > 0) {
            return Optional.empty();
        }
        return Optional.of("The operator cannot reach the Kubernetes API server at " + server + ": " + cause(failure)
                + ". Outside a cluster the server comes from the kubeconfig (KUBECONFIG, or ~/.kube/config); in a "
                + "cluster, from the pod's service account.");
    }

    /** The innermost cause's message, which says what happened (e.g. "Connection refused"), or its type if it has none. */
    private static String cause(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage();
        return message != null && !message.isBlank() ? message : innermost.getClass().getSimpleName();
    }
}
