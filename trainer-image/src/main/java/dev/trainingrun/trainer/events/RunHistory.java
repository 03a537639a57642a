package dev.trainingrun.trainer.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The epochs a run has finished, in order, and what follows from them: the best epoch, the best saved epoch (the
 * checkpoint retention always keeps), the newest checkpoint, and whether a stop rule ends the run. One place decides
 * what "best" means.
 */
public final class RunHistory {
    /** Higher validation accuracy first, then lower validation loss, then the earlier epoch. */
    private static final Comparator<EpochMetrics> BETTER_FIRST = Comparator
            .comparingDouble(EpochMetrics::valAccuracy).reversed()
            .thenComparingDouble(m -> Double.isNaN(m.valLoss()) ? Double.POSITIVE_INFINITY : m.valLoss())
            .thenComparingInt(EpochMetrics::epoch);

    private final List<EpochReport> reports = new ArrayList<>();
    private final StopRules rules;

    /** A history that continues the given reports (empty from scratch), with no stop rule. */
    public RunHistory(List<EpochReport> finished) {
        this.rules = StopRules.NONE;
        reports.addAll(finished);
    }

    /**
     * A history under {@code rules} that continues the given epochs (empty from scratch): each is added again, so
     * that their reports say where the rules stop the run, whatever history they came from.
     */
    public RunHistory(List<EpochReport> finished, StopRules rules) {
        this.rules = rules;
        finished.forEach(report -> add(report.metrics(), report.checkpoint()));
    }

    /** Appends the next epoch and returns its report. */
    public EpochReport add(EpochMetrics metrics, Optional<String> checkpoint) {
        int expected = reports.size() + 1;
        if (metrics.epoch() != expected) {
            throw new IllegalArgumentException("epoch " + metrics.epoch() + " follows epoch " + (expected - 1));
        }
        EpochMetrics best = metrics;
        Optional<String> bestCheckpoint = checkpoint;
        for (EpochReport earlier : reports) {
            if (BETTER_FIRST.compare(earlier.metrics(), best) < 0) {
                best = earlier.metrics();
                bestCheckpoint = earlier.checkpoint();
            }
        }
        Optional<String> latest = checkpoint.isPresent() || reports.isEmpty() ? checkpoint
                : last().latestCheckpoint();
        BestEpoch bestEpoch = new BestEpoch(best.epoch(), best.valAccuracy(), best.valLoss(), bestCheckpoint);
        EpochReport report = new EpochReport(metrics, checkpoint, bestEpoch, latest, rules.check(metrics, bestEpoch));
        reports.add(report);
        return report;
    }

    /** Every report so far, oldest first. */
    public List<EpochReport> reports() {
        return List.copyOf(reports);
    }

    public boolean isEmpty() {
        return reports.isEmpty();
    }

    public EpochReport last() {
        return reports.get(reports.size() - 1);
    }

    /** Whether a stop rule ended the run after its last epoch. */
    public boolean stoppedEarly() {
        return !reports.isEmpty() && last().stop().isPresent();
    }

    /** The best of the epochs that have a checkpoint. */
    public Optional<EpochReport> bestSaved() {
        return reports.stream().filter(r -> r.checkpoint().isPresent())
                .min(Comparator.comparing(EpochReport::metrics, BETTER_FIRST));
    }
}
