package dev.trainingrun.operator.metrics;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

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

    private static Phase phaseOf(TrainingRun run) {
        return run.getStatus() != null && run.getStatus().getPhase() != null
                ? run.getStatus().getPhase() : Phase.Pending;
    }
}
