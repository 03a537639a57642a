package dev.trainingrun.trainer.events;

import java.util.List;
import java.util.Optional;

/**
 * Where a run starts: from scratch, or from a checkpoint (relative to the run directory) with the epochs it had
 * already finished, so that listeners can show the whole run again after a restart. A step checkpoint also says how
 * far the epoch in progress had got ({@code inEpoch}). Unreadable checkpoints passed over on the way are listed
 * either way, and so is every interruption the run has met, the one this start continues from included. A fork
 * (spec.model.from) says where it started from ({@code forkedFrom}), on its first start and on every start after.
 */
public record StartPoint(Optional<String> checkpoint, List<EpochReport> finished, Optional<EpochProgress> inEpoch,
        List<UnreadableCheckpoint> unreadable, List<Interruption> interruptions, Optional<Lineage> forkedFrom) {

    public StartPoint {
        finished = List.copyOf(finished);
        unreadable = List.copyOf(unreadable);
        interruptions = List.copyOf(interruptions);
    }

    /** A run with no checkpoint to continue from. */
    public static StartPoint fresh(List<UnreadableCheckpoint> unreadable, List<Interruption> interruptions) {
        return new StartPoint(Optional.empty(), List.of(), Optional.empty(), unreadable, interruptions,
                Optional.empty());
    }

    /** The same start, of a fork that started from {@code lineage}. */
    public StartPoint forkedFrom(Lineage lineage) {
        return new StartPoint(checkpoint, finished, inEpoch, unreadable, interruptions, Optional.of(lineage));
    }

    /** The same start, with {@code reports} for its finished epochs (the same epochs, reported anew). */
    public StartPoint withFinished(List<EpochReport> reports) {
        return new StartPoint(checkpoint, reports, inEpoch, unreadable, interruptions, forkedFrom);
    }

    /** The first epoch this attempt trains (perhaps from the middle). */
    public int firstEpoch() {
        return finished.size() + 1;
    }

    /** Where the first epoch starts: at the step checkpoint's batch, or at its beginning. */
    public EpochProgress firstEpochProgress() {
        return inEpoch.orElse(EpochProgress.start(firstEpoch()));
    }
}
