package dev.trainingrun.api;

/**
 * How the trainer's process ends, and what each way means to the run. The trainer exits with these codes and the
 * operator's Job classifies its pods by them (a {@code podFailurePolicy}); both read them from here.
 */
public enum TrainerExitCode {
    /** Every epoch is trained and the exports are written. */
    SUCCEEDED(0),
    /** Training failed on its way (an unwritable volume, an engine error); the Job retries up to its backoff limit. */
    FAILED(1),
    /**
     * The run cannot be trained as it is: its manifest, data or checkpoints are wrong, and the message printed last
     * names the field, folder or file. Retrying cannot help, so the run fails at once.
     */
    INVALID_INPUT(2),
    /**
     * The trainer was asked to stop (SIGTERM: a deleted or evicted pod, a preemption, a drain, a suspension) and did,
     * after saving a step checkpoint; the next pod continues at the next step. Not a failure: never counted against
     * the backoff limit.
     */
    STOPPED(3),
    /**
     * A training step's loss was not finite ({@link StopReason#Diverged}): the run fails at once, since training on
     * from such weights is never useful; none of them was saved, and the message printed last names the step.
     */
    DIVERGED(4);

    private final int code;

    TrainerExitCode(int code) {
        this.code = code;
    }

    /** The process exit status, 0 to 4. */
    public int code() {
        return code;
    }
}
