package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Objects;

/**
 * What the trainer may do with the API: read its own TrainingRun and patch that run's status, both by resource
 * name, so a compromised or buggy training pod cannot touch any other run.
 */
@KubernetesDependent(informer = @Informer(labelSelector = RunResources.MANAGED_SELECTOR))
public class TrainerRoleDependent extends CRUDKubernetesDependentResource<Role, TrainingRun> {

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
        String name = run.getMetadata().getName();
        return new RoleBuilder()
                .withMetadata(RunResources.metadata(run, RunResources.trainerName(run)))
                .withRules(
                        new PolicyRuleBuilder()
                                .withApiGroups(TrainingRun.GROUP)
                                .withResources("trainingruns")
                                .withResourceNames(name)
                                .withVerbs("get")
                                .build(),
                        new PolicyRuleBuilder()
                                .withApiGroups(TrainingRun.GROUP)
                                .withResources("trainingruns/status")
                                .withResourceNames(name)
                                .withVerbs("patch")
                                .build())
                .build();
    }
}
