package dev.trainingrun.api;

import java.util.Optional;

/**
 * A run's early end as the trainer tells the operator: the pod's termination message ({@link
 * TrainerPod#TERMINATION_MESSAGE_PATH}), {@code <reason>: <message>}, which Kubernetes copies into the container's
 * terminated state also when the process exits 0. One format, written and read here.
 *
 * @param message what happened in words, for the run's condition; one line
 */
public record EarlyStop(StopReason reason, String message) {
    private static final String SEPARATOR = ": ";

    /** The text the trainer writes to its termination-message file. */
    public String terminationMessage() {
        return reason.name() + SEPARATOR + message;
    }

    /**
     * The early stop a termination message tells of; empty for any other text (a message of the logs, written by
     * Kubernetes when the process wrote none and failed), for {@code null} and for an unknown reason.
     */
    public static Optional<EarlyStop> parse(String terminationMessage) {
        if (terminationMessage == null) {
            return Optional.empty();
        }
        String text = terminationMessage.strip();
        int end = text.indexOf(SEPARATOR);
        if (end < 0) {
            return Optional.empty();
        }
        String name = text.substring(0, end);
        for (StopReason reason : StopReason.values()) {
            if (reason.name().equals(name)) {
                return Optional.of(new EarlyStop(reason, text.substring(end + SEPARATOR.length()).strip()));
            }
        }
        return Optional.empty();
    }
}
