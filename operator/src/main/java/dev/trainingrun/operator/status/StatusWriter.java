package dev.trainingrun.operator.status;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.operator.RunContext;
import dev.trainingrun.operator.metrics.RunMetrics;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import jakarta.inject.Singleton;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Writes the operator's part of a run's status, by server-side apply under the operator's field manager, and only
 * when it differs from what the run already says; then records the Events the change deserves.
 */
@Singleton
public class StatusWriter {
    private static final Logger LOG = Logger.getLogger(StatusWriter.class);

    private final RunEvents events;
    private final RunMetrics metrics;

    public StatusWriter(RunEvents events, RunMetrics metrics) {
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * Writes the operator's fields of {@code desired} when they differ from the run's.
     *
     * @return the run as the API server answered the write, or empty when nothing was written
     */
    public Optional<TrainingRun> write(TrainingRun run, TrainingRunStatus desired, RunContext context) {
        OperatorStatus before = OperatorStatus.of(run.getStatus());
        OperatorStatus after = OperatorStatus.of(desired);
        // Another event of this run is already queued: its reconcile will see newer state and write that instead.
        if (before.equals(after) || context.nextReconciliationImminent()) {
            return Optional.empty();
        }
        TrainingRun written = context.applyStatus(applyObject(run, after.toStatus()));
        metrics.statusWritten();
        announce(run, before, after);
        return Optional.of(written);
    }

    /**
     * A fresh object carrying only the operator's fields: what it leaves out is not claimed, so the trainer's
     * fields, written under the trainer's own field manager, stay as they are.
     */
    static TrainingRun applyObject(TrainingRun run, TrainingRunStatus status) {
        TrainingRun apply = new TrainingRun();
        apply.setMetadata(new ObjectMetaBuilder()
                .withName(run.getMetadata().getName())
                .withNamespace(run.getMetadata().getNamespace())
                .build());
        apply.setSpec(null);
        apply.setStatus(status);
        return apply;
    }

    private void announce(TrainingRun run, OperatorStatus before, OperatorStatus after) {
        if (before.phase() != after.phase()) {
            Condition explanation = after.condition(conditionExplaining(after.phase()));
            LOG.infof("TrainingRun %s/%s is %s: %s", run.getMetadata().getNamespace(), run.getMetadata().getName(),
                    after.phase(), explanation.getMessage());
            events.record(run, after.phase() == Phase.Failed, "Reconcile", after.phase().name(),
                    explanation.getMessage());
        }
        Condition stuck = after.condition(RunConditions.STUCK);
        Condition wasStuck = before.condition(RunConditions.STUCK);
        if ("True".equals(stuck.getStatus()) && (wasStuck == null || !"True".equals(wasStuck.getStatus())
                || !Objects.equals(wasStuck.getReason(), stuck.getReason()))) {
            LOG.warnf("TrainingRun %s/%s is stuck (%s): %s", run.getMetadata().getNamespace(),
                    run.getMetadata().getName(), stuck.getReason(), stuck.getMessage());
            events.record(run, true, "Reconcile", stuck.getReason(), stuck.getMessage());
        }
    }

    /** The condition whose message says why a run is in a phase; Pending has none of its own. */
    private static String conditionExplaining(Phase phase) {
        return switch (phase) {
            case Pending, Running -> RunConditions.RUNNING;
            case Succeeded -> RunConditions.SUCCEEDED;
            case Failed -> RunConditions.FAILED;
            case Suspended -> RunConditions.SUSPENDED;
        };
    }
}
