package dev.trainingrun.trainer.checkpoint;

import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.RunHistory;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which checkpoints a run keeps: the newest {@code keep} and, always, the best saved one. */
final class Retention {
    private Retention() {}

    /** The relative paths of the checkpoints to keep, newest first, the best last if it is not among them. */
    static Set<String> kept(RunHistory history, int keep) {
        Set<String> kept = new LinkedHashSet<>();
        List<EpochReport> reports = history.reports();
        for (int i = reports.size() - 1; i >= 0 && kept.size() < keep; i--) {
            reports.get(i).checkpoint().ifPresent(kept::add);
        }
        history.bestSaved().flatMap(EpochReport::checkpoint).ifPresent(kept::add);
        return kept;
    }
}
