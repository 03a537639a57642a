package dev.trainingrun.operator.config;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.io.FileNotFoundException;
import java.net.HttpURLConnection;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Before anything else talks to the API server, asks it for its version ({@code GET /version}, which any client may
 * read). When the client cannot be made (a kubeconfig that does not parse, a certificate file that is missing), no
 * answer comes, the answer is 401 (the server does not accept the credentials) or the server has no version (it is
 * not an API server: a wrong address or port), start-up ends with one line on standard error and exit code 1. The
 * line names the server, what went wrong, and where the server came from (which kubeconfig context, the pod's service
 * account, or neither). Without the probe, the CRD watch, each informer and Quarkus would each log the same failure
 * with its stack trace. Any other answer means an API server is there: what the operator may do is for the
 * components that need it to report.
 */
@Singleton
public class ApiServerProbe {
    /** Longest cause quoted: some (a TLS record that is not TLS) carry a kilobyte of hex dump. */
    private static final int CAUSE_LENGTH = 200;

    // Looked up inside the probe, so that a kubeconfig the client cannot be made from fails there, not in CDI.
    private final Instance<Config> config;
    private final Instance<KubernetesClient> client;

    public ApiServerProbe(Instance<Config> config, Instance<KubernetesClient> client) {
        this.config = config;
        this.client = client;
    }

    /** Runs before every other start-up observer: the CRD watch's and the SDK's (priority 3123 in 7.7.3). */
    void probe(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent started) {
        Config settings;
        try {
            settings = config.get();
        } catch (RuntimeException e) {
            throw failed("The operator cannot read its kubeconfig (KUBECONFIG, or ~/.kube/config): " + cause(e) + ".");
        }
        Optional<String> problem;
        try {
            // fabric8 answers null when the server has no /version (404).
            problem = client.get().getKubernetesVersion() == null
                    ? Optional.of(notAnApiServer(settings.getMasterUrl()))
                    : Optional.empty();
        } catch (RuntimeException e) {
            problem = problem(settings.getMasterUrl(), e);
        }
        if (problem.isPresent()) {
            throw failed(problem.get() + " " + origin(settings));
        }
    }

    /**
     * Quarkus ends a start-up that fails with a ConfigurationException by printing its message alone. (A
     * PreventFurtherStepsException would leave the process running; with Quarkus.asyncExit beside it, the health
     * extension's shutdown logs a stack trace.) The server and credentials are configuration: the kubeconfig's or the
     * pod's.
     */
    private static ConfigurationException failed(String message) {
        return new ConfigurationException(message);
    }

    /**
     * What keeps the operator from working with the API server at {@code server}, from the failure of its probe; empty
     * when the server answered in a way that is not the probe's to judge.
     */
    static Optional<String> problem(String server, RuntimeException failure) {
        int code = failure instanceof KubernetesClientException answered ? answered.getCode() : 0;
        if (code == HttpURLConnection.HTTP_UNAUTHORIZED) {
            return Optional.of("The Kubernetes API server at " + server + " does not accept the operator's "
                    + "credentials (401 Unauthorized).");
        }
        if (code > 0) {
            return Optional.empty();
        }
        return Optional.of("The operator cannot connect to the Kubernetes API server at " + server + ": "
                + cause(failure) + ".");
    }

    static String notAnApiServer(String server) {
        return "The server at " + server + " has no GET /version: it is not a Kubernetes API server (a wrong address "
                + "or port?).";
    }

    /** Where the client took its server and credentials from, as one sentence. */
    static String origin(Config settings) {
        String context = settings.getCurrentContext() != null ? settings.getCurrentContext().getName() : null;
        String file = settings.getFile() != null ? settings.getFile().getPath() : null;
        return origin(context, file, Files.exists(Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH)),
                System.getenv("KUBECONFIG"));
    }

    /**
     * @param context the kubeconfig context the client used, or null for none
     * @param file the kubeconfig file that context is in, or null
     * @param inPod whether a service account token is mounted, as in a pod
     * @param kubeconfigVariable the {@code KUBECONFIG} environment variable, or null when unset
     */
    static String origin(String context, String file, boolean inPod, String kubeconfigVariable) {
        if (context != null) {
            return "Server and credentials are those of context " + context + (file != null ? " in " + file : "")
                    + ".";
        }
        if (inPod) {
            return "Server and credentials are the pod's service account's.";
        }
        return "No kubeconfig context gave a server (KUBECONFIG " + (kubeconfigVariable != null
                ? "is " + kubeconfigVariable : "is unset, and ~/.kube/config was looked at") + "), so the address is "
                + "the client's default for a pod, and this is not a pod.";
    }

    /** What happened, from the innermost cause, in a few words: "Connection refused", "unknown host x", ... */
    static String cause(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null) {
            innermost = innermost.getCause();
        }
        String message = Optional.ofNullable(innermost.getMessage()).map(String::strip).filter(m -> !m.isEmpty())
                .map(m -> m.lines().findFirst().orElse(m))
                .orElse(innermost.getClass().getSimpleName());
        String said;
        if (innermost instanceof UnknownHostException) {
            said = "unknown host " + message;
        } else if (innermost instanceof SSLException) {
            said = "TLS failed: " + message;
        } else if (innermost instanceof FileSystemException || innermost instanceof FileNotFoundException) {
            said = "cannot read " + message;
        } else {
            said = message;
        }
        return said.length() <= CAUSE_LENGTH ? said : said.substring(0, CAUSE_LENGTH) + "...";
    }
}
