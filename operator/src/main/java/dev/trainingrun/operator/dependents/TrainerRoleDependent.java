package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Objects;

/**
 * What a trainer may do with the API: patch the status of a run in its namespace, and nothing else (not even read a
 * run: it writes by server-side apply, which needs no read first). RBAC cannot tell one trainer pod from another
 * under the namespace's ServiceAccount; the chart's ValidatingAdmissionPolicy does, by the pod name bound into the
 * pod's token, and refuses a write to any run but the pod's own (docs/security.md).
 */
@KubernetesDependent(informer = @Informer(labelSelector = RunResources.MANAGED_SELECTOR,
        onAddFilter = NamespaceTrainerDependent.NoAdditions.class,
        onUpdateFilter = NamespaceTrainerDependent.NoUpdates.class))
public class TrainerRoleDependent extends NamespaceTrainerDependent<Role>
        implements Updater<Role, TrainingRun> {

    public TrainerRoleDependent() {
        super(Role.class);
    }

    @Override
    protected Role desired(TrainingRun run, Context<TrainingRun> context) {
        return desiredRole(run);
    }

    /** The rules are all that matters; compared directly, which costs far less than the generic SSA matcher. */
    @Override
    public Result<Role> match(Role actual, Role desired, TrainingRun run, Context<TrainingRun> context) {
        return Result.computed(Objects.equals(actual.getRules(), desired.getRules()), desired);
    }

    static Role desiredRole(TrainingRun run) {
        return new RoleBuilder()
                .withMetadata(metadata(run))
                .withRules(new PolicyRuleBuilder()
                        .withApiGroups(TrainingRun.GROUP)
                        .withResources("trainingruns/status")
                        .withVerbs("patch")
                        .build())
                .build();
    }
}
