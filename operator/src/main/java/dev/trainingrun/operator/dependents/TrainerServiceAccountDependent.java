package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The identity the training pod reports its progress under; one per run so that its Role can name the run. */
@KubernetesDependent(informer = @Informer(labelSelector = RunResources.MANAGED_SELECTOR))
public class TrainerServiceAccountDependent extends CRUDKubernetesDependentResource<ServiceAccount, TrainingRun> {

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
