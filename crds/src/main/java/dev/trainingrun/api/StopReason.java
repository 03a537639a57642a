package dev.trainingrun.api;

/**
 * Why a run ended before its last epoch. The trainer says it in its termination message ({@link EarlyStop}); the
 * operator makes it the reason of the run's Succeeded or Failed condition; metrics.jsonl names it on the epoch the
 * run stopped at.
 */
public enum StopReason {
    /** An epoch's validation accuracy reached {@code spec.training.stopWhen.validationAccuracy}: phase Succeeded. */
    TargetReached(Phase.Succeeded),
    /**
     * {@code spec.training.stopWhen.epochsWithoutImprovement} epochs in a row brought no new best epoch: phase
     * Succeeded.
     */
    NoImprovement(Phase.Succeeded),
    /**
     * A training step's loss was not finite (NaN or infinite): phase Failed, without a retry (the trainer exits with
     * {@link TrainerExitCode#DIVERGED}); the weights of that step are not saved.
     */
    Diverged(Phase.Failed);

    private final Phase phase;

    StopReason(Phase phase) {
        this.phase = phase;
    }

    /** The phase a run ended for this reason is in. */
    public Phase phase() {
        return phase;
    }
}
