package dev.trainingrun.operator.status;

/**
 * The condition types the operator writes, and the reasons it makes up itself (others come from Kubernetes). A run a
 * stop rule ended has the trainer's {@link dev.trainingrun.api.StopReason} as the reason of its Succeeded or Failed
 * condition.
 */
public final class RunConditions {
    /** The run's objects exist, or why they cannot be made. */
    public static final String READY = "Ready";
    /** A training pod is running. */
    public static final String RUNNING = "Running";
    /** Training finished; {@code kubectl wait --for=condition=Succeeded} waits for this. */
    public static final String SUCCEEDED = "Succeeded";
    /** The run stopped for good. */
    public static final String FAILED = "Failed";
    /** The run is paused through {@code spec.runPolicy.suspend}. */
    public static final String SUSPENDED = "Suspended";
    /** Something outside the run keeps it from progressing; the reason names it, the message quotes it. */
    public static final String STUCK = "Stuck";
    /** Runs with a Kueue queue only: the run waits in its queue; the reason and message are Kueue's. */
    public static final String QUEUED = "Queued";
    /** Runs with a Kueue queue only: Kueue admitted the run's Workload; the message names the ClusterQueue. */
    public static final String ADMITTED = "Admitted";
    /** Runs with a Kueue queue only, once Kueue has preempted them: Kueue's Preempted condition of the Workload. */
    public static final String PREEMPTED = "Preempted";

    public static final String JOB_CREATED = "JobCreated";
    public static final String CREATING = "Creating";
    public static final String POD_PENDING = "PodPending";
    public static final String POD_RUNNING = "PodRunning";
    public static final String POD_SUCCEEDED = "PodSucceeded";
    public static final String COMPLETED = "Completed";
    public static final String JOB_FAILED = "JobFailed";
    public static final String SUSPENDED_BY_USER = "SuspendedByUser";
    public static final String JOB_SUSPENDED = "JobSuspended";
    public static final String UNSCHEDULABLE = "Unschedulable";
    /** The trainer refused the run's input (its exit code 2); the message quotes what it said. */
    public static final String INVALID_INPUT = "InvalidInput";
    /** The run's active-time budget (spec.runPolicy.activeDeadlineSeconds) is used up; the Job's reason too. */
    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    /** A claim the pod mounts is not bound and will not bind by itself. */
    public static final String CLAIM_NOT_BOUND = "ClaimNotBound";
    /** The API server refused to create one of the run's objects (RBAC, a quota, an admission webhook). */
    public static final String CREATE_REFUSED = "CreateRefused";
    /** The API server refused to change one of the run's objects (e.g. the Job's suspension, by a webhook). */
    public static final String UPDATE_REFUSED = "UpdateRefused";
    /** The installed CRD lacks fields this operator writes or reads. */
    public static final String CRD_OUTDATED = "CrdOutdated";
    /** The run names a Kueue queue and the cluster serves no Kueue API. */
    public static final String KUEUE_NOT_INSTALLED = "KueueNotInstalled";
    /** The run's Kueue queue sends its workloads to other clusters (MultiKueue), where the run's claims are not. */
    public static final String MULTIKUEUE_UNSUPPORTED = "MultiKueueUnsupported";
    /** Kueue has not made the Workload of the run's Job yet. */
    public static final String WAITING_FOR_WORKLOAD = "WaitingForWorkload";
    /** Someone other than the run deactivated its Workload ({@code spec.active: false}). */
    public static final String DEACTIVATED = "Deactivated";
    /** The Job controller's reason when admission refuses the Job's pod. */
    public static final String FAILED_CREATE = "FailedCreate";

    private RunConditions() {}
}
