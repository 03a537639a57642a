package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The identity the trainers of a namespace report their progress under. Which run a trainer may report on is not
 * its ServiceAccount's to say but its pod's: see {@link TrainerRoleDependent}. Nothing in it changes, so it is made
 * once and never compared again.
 */
@KubernetesDependent(informer = @Informer(labelSelector = RunResources.MANAGED_SELECTOR,
        onAddFilter = NamespaceTrainerDependent.NoAdditions.class,
        onUpdateFilter = NamespaceTrainerDependent.NoUpdates.class))
public class TrainerServiceAccountDependent extends NamespaceTrainerDependent<ServiceAccount> {

    public TrainerServiceAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(TrainingRun run, Context<TrainingRun> context) {
        return new ServiceAccountBuilder().withMetadata(metadata(run)).build();
    }
}
