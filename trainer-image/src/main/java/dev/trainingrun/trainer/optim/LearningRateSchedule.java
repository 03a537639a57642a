package dev.trainingrun.trainer.optim;

/**
 * The learning rate of every optimiser step, by the number of steps taken before it: {@code at(0)} is the first
 * step's, as {@code torch.optim.lr_scheduler} sets it before each {@code optimizer.step()}. The optimiser asks it
 * with its own step count, so a restored optimiser continues on the schedule where its state left off.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate of the optimiser step after {@code step} steps ({@code step} ≥ 0). */
    double at(long step);
}
