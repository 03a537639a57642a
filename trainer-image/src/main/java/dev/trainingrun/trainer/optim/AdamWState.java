package dev.trainingrun.trainer.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/** AdamW's state as plain Java values, per parameter id: what a checkpoint needs to resume the optimiser exactly. */
public record AdamWState(Map<String, Entry> entries) {

    /**
     * Steps taken, how many of them another run took (a fork's inherited state: they count for the bias correction
     * but not for the learning-rate schedule), first and second moments (row-major) and their shape.
     */
    public record Entry(long step, long inheritedSteps, float[] mean, float[] variance, long[] shape) {}

    /**
     * The same state taken over by another run (a fork with {@code include: WeightsAndOptimizer}): every step so far
     * becomes inherited. As with {@code optimizer.load_state_dict} and a new scheduler in PyTorch, the moments and
     * their step counts (so the bias correction) carry on, and the new run's learning-rate schedule starts at its
     * own step 0.
     */
    public AdamWState inherited() {
        Map<String, Entry> copy = new LinkedHashMap<>();
        entries.forEach((id, entry) -> copy.put(id, new Entry(entry.step(), entry.step(), entry.mean(),
                entry.variance(), entry.shape())));
        return new AdamWState(copy);
    }
}
