package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainerPod;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Objects;

/** Grants the namespace's trainer Role to the namespace's trainer ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = RunResources.MANAGED_SELECTOR,
        onAddFilter = NamespaceTrainerDependent.NoAdditions.class,
        onUpdateFilter = NamespaceTrainerDependent.NoUpdates.class))
public class TrainerRoleBindingDependent extends NamespaceTrainerDependent<RoleBinding>
        implements Updater<RoleBinding, TrainingRun> {

    public TrainerRoleBindingDependent() {
        super(RoleBinding.class);
    }

    /** Compared on what it grants to whom, which costs far less than the generic SSA matcher. */
    @Override
    public Result<RoleBinding> match(RoleBinding actual, RoleBinding desired, TrainingRun run,
            Context<TrainingRun> context) {
        Subject wanted = desired.getSubjects().get(0);
        boolean same = Objects.equals(actual.getRoleRef().getName(), desired.getRoleRef().getName())
                && actual.getSubjects().size() == 1
                && Objects.equals(actual.getSubjects().get(0).getName(), wanted.getName())
                && Objects.equals(actual.getSubjects().get(0).getNamespace(), wanted.getNamespace());
        return Result.computed(same, desired);
    }

    @Override
    protected RoleBinding desired(TrainingRun run, Context<TrainingRun> context) {
        return new RoleBindingBuilder()
                .withMetadata(metadata(run))
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", TrainerPod.SERVICE_ACCOUNT)
                .addNewSubject()
                    .withKind("ServiceAccount")
                    .withName(TrainerPod.SERVICE_ACCOUNT)
                    .withNamespace(run.getMetadata().getNamespace())
                .endSubject()
                .build();
    }
}
