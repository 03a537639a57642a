package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

/**
 * The identity the training pod reports its progress under; one per run so that its Role can name the run. Nothing
 * in it depends on the run's editable fields, so it is made once and never compared again.
 */
@KubernetesDependent(informer = @Informer(labelSelector = RunResources.MANAGED_SELECTOR))
public class TrainerServiceAccountDependent extends KubernetesDependentResource<ServiceAccount, TrainingRun>
        implements Creator<ServiceAccount, TrainingRun>, GarbageCollected<TrainingRun> {

    public TrainerServiceAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(TrainingRun run, Context<TrainingRun> context) {
        return new ServiceAccountBuilder()
                .withMetadata(RunResources.metadata(run, RunResources.trainerName(run)))
                .build();
    }
}
