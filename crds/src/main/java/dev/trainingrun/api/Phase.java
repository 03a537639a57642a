package dev.trainingrun.api;

/** Where a run is in its life, as the operator sees it from the Job and its pods. */
public enum Phase {
    /** Accepted; the pod is not running yet (being scheduled, pulling its image, or blocked). */
    Pending,
    /** The training pod runs. */
    Running,
    /** Every epoch trained and validated; the outputs are on the checkpoint volume. */
    Succeeded,
    /** The run stopped for good: retries exhausted, deadline exceeded, or a spec that cannot run. */
    Failed,
    /** Paused through spec.runPolicy.suspend; no pod runs and the checkpoints are kept. */
    Suspended;

    /** Whether the run can no longer change phase. */
    public boolean isFinished() {
        return this == Succeeded || this == Failed;
    }
}
