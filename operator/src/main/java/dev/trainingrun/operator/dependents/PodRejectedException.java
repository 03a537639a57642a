package dev.trainingrun.operator.dependents;

/**
 * The API server would refuse the run's training pod (pod security level, quota, missing PriorityClass...), so its
 * Job is not made: the Job controller would only record the refusal in Events nobody reads, and the run would wait
 * forever without saying why.
 */
public class PodRejectedException extends RuntimeException {
    public static final String REASON = "PodRejected";

    public PodRejectedException(String message) {
        super(message);
    }
}
