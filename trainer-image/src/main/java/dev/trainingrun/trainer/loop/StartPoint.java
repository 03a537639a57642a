package dev.trainingrun.trainer.loop;

import java.util.List;
import java.util.Optional;

/**
 * Where a run starts: from scratch, or from a checkpoint (relative to the run directory) with the epochs it had
 * already finished, so that listeners can show the whole run again after a restart. Unreadable checkpoints that
 * were passed over on the way are listed either way.
 */
public record StartPoint(Optional<String> checkpoint, List<EpochReport> finished,
        List<UnreadableCheckpoint> unreadable) {

    public StartPoint {
        finished = List.copyOf(finished);
        unreadable = List.copyOf(unreadable);
    }

    /** A run with no checkpoint to continue from. */
    public static StartPoint fresh(List<UnreadableCheckpoint> unreadable) {
        return new StartPoint(Optional.empty(), List.of(), unreadable);
    }

    /** The first epoch this attempt trains. */
    public int firstEpoch() {
        return finished.size() + 1;
    }
}
