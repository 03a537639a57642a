package dev.trainingrun.trainer.engine;

import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.api.StopReason;
import java.util.Locale;

/**
 * A training step's loss was not finite (NaN or infinite): the run has diverged, and the weights that step left are
 * not saved anywhere. Its message names the step, by its number in the run and within its epoch.
 */
public final class TrainingDiverged extends RuntimeException {
    private final transient EarlyStop stop;

    /**
     * @param loss the step's loss
     * @param step the step's number in the run, from 1
     * @param epoch the epoch it belongs to, from 1
     * @param stepInEpoch its number in the epoch, from 1 to {@code stepsPerEpoch}
     */
    TrainingDiverged(double loss, long step, int epoch, long stepInEpoch, long stepsPerEpoch) {
        this(new EarlyStop(StopReason.Diverged, String.format(Locale.ROOT,
                "the training loss of step %d (epoch %d, step %d of %d) is %s: training diverged and stopped; "
                        + "its weights were not saved, the run's earlier checkpoints are kept. A lower "
                        + "spec.training.learningRate or weightDecay, or other spec.data.normalize values, may help.",
                step, epoch, stepInEpoch, stepsPerEpoch, Double.isNaN(loss) ? "NaN" : loss > 0 ? "+Inf" : "-Inf")));
    }

    private TrainingDiverged(EarlyStop stop) {
        super(stop.message());
        this.stop = stop;
    }

    /** The run's end as the operator learns it (reason {@link StopReason#Diverged}). */
    public EarlyStop stop() {
        return stop;
    }
}
