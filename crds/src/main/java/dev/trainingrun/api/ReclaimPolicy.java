package dev.trainingrun.api;

/** What happens to a checkpoint claim the operator made when its TrainingRun is deleted. */
public enum ReclaimPolicy {
    /** The claim and its checkpoints outlive the run. */
    Retain,
    /** The claim is owned by the run and garbage-collected with it. */
    Delete
}
