package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** Lets the workflow make the checkpoint claim only for runs that do not name an existing one. */
public class OperatorMakesClaim implements Condition<PersistentVolumeClaim, TrainingRun> {
    @Override
    public boolean isMet(DependentResource<PersistentVolumeClaim, TrainingRun> dependent, TrainingRun run,
            Context<TrainingRun> context) {
        return RunResources.operatorMakesClaim(run);
    }
}
