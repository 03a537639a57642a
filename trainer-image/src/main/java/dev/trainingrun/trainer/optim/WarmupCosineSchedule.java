package dev.trainingrun.trainer.optim;

/**
 * The per-step learning rate: linear warm-up from 0 at step 0 to the peak at the end of warm-up, then a cosine to 0
 * at {@code totalSteps}. Step {@code s} is the learning rate of the (s+1)-th optimiser step.
 */
public record WarmupCosineSchedule(double peak, long warmupSteps, long totalSteps) implements LearningRateSchedule {

    public WarmupCosineSchedule {
        if (warmupSteps < 0 || warmupSteps > totalSteps || totalSteps < 1) {
            throw new IllegalArgumentException(
                    "need 0 <= warmupSteps <= totalSteps and totalSteps >= 1, got " + warmupSteps + ", " + totalSteps);
        }
    }

    /** The learning rate for a step, counting from 0; 0 from {@code totalSteps} on. */
    @Override
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * step / warmupSteps;
        }
        if (step >= totalSteps) {
            return 0;
        }
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
