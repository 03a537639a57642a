package dev.trainingrun.operator.metrics;

import dev.trainingrun.api.Interruptions;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The operator's own Prometheus metrics, beside the SDK's reconcile counts and durations: runs by phase and
 * status writes (the number the two-writer status design is meant to keep low).
 */
@Singleton
public class RunMetrics {
    private final MeterRegistry registry;
    private final Counter statusWrites;

    public RunMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.statusWrites = Counter.builder("trainingrun.status.writes")
                .description("Status writes the operator made to TrainingRuns")
                .register(registry);
    }

    public void statusWritten() {
        statusWrites.increment();
    }

    /** Publishes the number of runs in each phase, counted from the operator's cache when scraped. */
    public void countPhasesOf(IndexedResourceCache<TrainingRun> runs) {
        for (Phase phase : Phase.values()) {
            Gauge.builder("trainingrun.runs", runs, cache -> cache.list(run -> phaseOf(run) == phase).count())
                    .description("TrainingRuns by phase; runs the operator has not written yet count as Pending")
                    .tag("phase", phase.name())
                    .register(registry);
        }
    }

    /**
     * Publishes the interruptions of the runs in the operator's cache and the training they cost, summed from the
     * status the trainers report: how much preemption, eviction and lost nodes cost the cluster's training.
     */
    public void countInterruptionsOf(IndexedResourceCache<TrainingRun> runs) {
        interruptionGauge(runs, "trainingrun.interruptions", "Interruptions of the training of existing runs",
                i -> i.getCount() != null ? i.getCount() : 0);
        interruptionGauge(runs, "trainingrun.interruptions.redone.steps",
                "Training steps existing runs trained again after interruptions",
                i -> i.getStepsRedone() != null ? i.getStepsRedone() : 0);
        interruptionGauge(runs, "trainingrun.interruptions.lost.seconds",
                "Training time existing runs lost to interruptions, in seconds",
                i -> i.getSecondsLost() != null ? i.getSecondsLost() : 0);
    }

    private void interruptionGauge(IndexedResourceCache<TrainingRun> runs, String name, String description,
            ToDoubleFunction<Interruptions> value) {
        Gauge.builder(name, runs, cache -> cache.list()
                        .map(run -> run.getStatus() != null ? run.getStatus().getInterruptions() : null)
                        .filter(Objects::nonNull)
                        .mapToDouble(value)
                        .sum())
                .description(description)
                .register(registry);
    }

    private static Phase phaseOf(TrainingRun run) {
        return run.getStatus() != null && run.getStatus().getPhase() != null
                ? run.getStatus().getPhase() : Phase.Pending;
    }
}
