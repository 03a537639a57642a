package dev.trainingrun.trainer.optim;

import java.util.Map;

/** AdamW's state as plain Java values, per parameter id: what a checkpoint needs to resume the optimiser exactly. */
public record AdamWState(Map<String, Entry> entries) {

    /** Steps taken, first and second moments (row-major) and their shape. */
    public record Entry(long step, float[] mean, float[] variance, long[] shape) {}
}
