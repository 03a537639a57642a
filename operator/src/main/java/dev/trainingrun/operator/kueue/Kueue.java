package dev.trainingrun.operator.kueue;

import dev.trainingrun.api.TrainingRun;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import java.util.Optional;

/**
 * The names of Kueue's API that the operator uses, as Kueue v0.19 defines them (its {@code apis/kueue/v1beta2} and
 * {@code pkg/controller/constants}). A run is queued through Kueue when it carries {@link #QUEUE_LABEL}, the label
 * every Kueue integration reads; the operator copies it to the run's Job, and Kueue takes the Job from there.
 */
public final class Kueue {
    /** The LocalQueue a Job is submitted to; on the run, its Job and the Job's pod. */
    public static final String QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
    /** The WorkloadPriorityClass of a Job; copied like any {@code kueue.x-k8s.io/} label. */
    public static final String PRIORITY_CLASS_LABEL = "kueue.x-k8s.io/priority-class";
    /** The label Kueue puts on a Job's Workload: the Job's uid. */
    static final String JOB_UID_LABEL = "kueue.x-k8s.io/job-uid";
    /** Kueue's storage version since v0.15; v0.19 still serves v1beta1 too. */
    static final String API_VERSION = "kueue.x-k8s.io/v1beta2";
    /** Kueue's visibility API (an aggregated API served by Kueue's controller manager): places in the queues. */
    static final String VISIBILITY_API_VERSION = "visibility.kueue.x-k8s.io/v1beta2";
    /** {@code spec.controllerName} of an AdmissionCheck that sends workloads to other clusters. */
    static final String MULTIKUEUE_CONTROLLER = "kueue.x-k8s.io/multikueue";

    private Kueue() {}

    /**
     * Whether Kueue manages the Job: it carries the queue label (from the run it was made for). Kueue then owns the
     * Job's {@code spec.suspend} and the node selectors and tolerations it writes into the pod template.
     */
    public static boolean manages(Job job) {
        Map<String, String> labels = job.getMetadata().getLabels();
        return labels != null && labels.containsKey(QUEUE_LABEL);
    }

    /** The LocalQueue the run asks for, if it asks for one. */
    public static Optional<String> queueName(TrainingRun run) {
        Map<String, String> labels = run.getMetadata().getLabels();
        return Optional.ofNullable(labels != null ? labels.get(QUEUE_LABEL) : null).filter(name -> !name.isBlank());
    }
}
