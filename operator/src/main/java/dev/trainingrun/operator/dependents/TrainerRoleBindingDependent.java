package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Grants the run's Role to the run's ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = RunResources.MANAGED_SELECTOR))
public class TrainerRoleBindingDependent extends CRUDKubernetesDependentResource<RoleBinding, TrainingRun> {

    public TrainerRoleBindingDependent() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(TrainingRun run, Context<TrainingRun> context) {
        String name = RunResources.trainerName(run);
        return new RoleBindingBuilder()
                .withMetadata(RunResources.metadata(run, name))
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
                .addNewSubject()
                    .withKind("ServiceAccount")
                    .withName(name)
                    .withNamespace(run.getMetadata().getNamespace())
                .endSubject()
                .build();
    }
}
