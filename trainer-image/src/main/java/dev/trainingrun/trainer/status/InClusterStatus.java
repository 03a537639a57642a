package dev.trainingrun.trainer.status;

import dev.trainingrun.api.TrainerPod;
import io.fabric8.kubernetes.client.Config;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The status reporter of a trainer in a pod the operator made: the run's name and namespace come from the
 * environment (the downward API), the credentials from the pod's token, which may patch this run's status and no
 * other's (the namespace's trainer Role, narrowed to the pod's own run by the chart's admission policy). Outside such
 * a pod there is no run to report to, and no reporter.
 */
public final class InClusterStatus {

    /** Progress at most this often: a handful of writes a minute per run, whatever the step rate. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(10);
    /**
     * How long the pod may wait at the end for its last state to get through: within the margin of the grace period
     * a stopping pod has after its step checkpoint (the operator's stop.margin-seconds, 10), so that a slow API server
     * never turns a clean stop (exit 3) into a kill (137) that counts as a failure.
     */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

    private InClusterStatus() {}

    public static Optional<StatusReporter> fromEnvironment(Map<String, String> env, PrintStream log) {
        String name = env.get(TrainerPod.RUN_NAME_ENV);
        String namespace = env.get(TrainerPod.RUN_NAMESPACE_ENV);
        if (name == null || name.isBlank() || namespace == null || namespace.isBlank()) {
            return Optional.empty();
        }
        StatusSink writer = KubernetesStatusSink.connect(Config.autoConfigure(null), namespace, name);
        StatusPublisher publisher = new StatusPublisher(writer, log, FIRST_RETRY, MAX_RETRY, FLUSH_TIMEOUT);
        log.println("status: reporting to TrainingRun " + namespace + "/" + name);
        return Optional.of(new StatusReporter(publisher, PROGRESS_INTERVAL, Clock.systemUTC()));
    }
}
