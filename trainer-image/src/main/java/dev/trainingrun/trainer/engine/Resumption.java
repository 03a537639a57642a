package dev.trainingrun.trainer.engine;

import dev.trainingrun.trainer.events.Interruption;
import dev.trainingrun.trainer.events.StartPoint;
import dev.trainingrun.trainer.events.UnreadableCheckpoint;
import java.util.List;

/**
 * Where the loop continues from, besides the network's parameters and the optimiser's state (both restored before
 * it starts): the start point listeners are told about, the schedule position and the count of batches trained so
 * far.
 */
public record Resumption(StartPoint start, long step, long trainedBatches) {

    /** Training from scratch, after passing over the given unreadable checkpoints (if any). */
    public static Resumption fresh(List<UnreadableCheckpoint> unreadable, List<Interruption> interruptions) {
        return new Resumption(StartPoint.fresh(unreadable, interruptions), 0, 0);
    }
}
