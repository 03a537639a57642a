package dev.trainingrun.operator.status;

import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Optional;
import java.util.Set;

/**
 * Tells a refusal by the API server (RBAC, a quota, an admission webhook, an invalid object), which lasts until
 * someone changes something, from a failure that retrying resolves (a conflict, throttling, a timeout, a lost
 * connection). A refusal becomes the run's {@code Stuck} condition, quoting the API server.
 */
public final class Refusal {
    /** Client errors that retrying resolves: not found (a namespace being made), timeout, conflict, throttling. */
    private static final Set<Integer> PASSING = Set.of(HttpURLConnection.HTTP_NOT_FOUND,
            HttpURLConnection.HTTP_CLIENT_TIMEOUT, HttpURLConnection.HTTP_CONFLICT, 429);

    private Refusal() {}

    /**
     * The problem to report when writing one of the run's objects failed with {@code error}, if the API server
     * refused it: any client error but those that pass by themselves, and a server error that names an admission
     * webhook (one that is down refuses everything until it is back).
     *
     * @param object the object as the message names it after "the", e.g. {@code run's Job}
     * @param existed whether the object existed, so that the write was an update rather than a create
     */
    public static Optional<Problem> of(Throwable error, String object, boolean existed) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException refused && isRefusal(refused)) {
                Status status = refused.getStatus();
                String message = status != null && status.getMessage() != null ? status.getMessage()
                        : refused.getMessage();
                return Optional.of(new Problem(existed ? RunConditions.UPDATE_REFUSED : RunConditions.CREATE_REFUSED,
                        "The API server refused to " + (existed ? "update" : "create") + " the " + object + ": "
                                + message, false));
            }
        }
        return Optional.empty();
    }

    private static boolean isRefusal(KubernetesClientException error) {
        int code = error.getCode();
        if (code >= 400 && code < 500) {
            return !PASSING.contains(code);
        }
        return code >= 500 && error.getMessage() != null && error.getMessage().contains("webhook");
    }
}
