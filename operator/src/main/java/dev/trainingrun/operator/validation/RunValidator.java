package dev.trainingrun.operator.validation;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What only the operator can check before it makes anything for a run: facts of the cluster that the CRD's schema
 * cannot see, and the installation's {@link SecurityPolicy}. Checked before the first object is made, so a run that
 * cannot start leaves nothing half-made, and a run the policy refuses gets no Job, ConfigMap or RBAC.
 */
public final class RunValidator {
    public static final String NAME_TOO_LONG = "NameTooLong";
    public static final String CLAIM_NOT_FOUND = "ClaimNotFound";

    private RunValidator() {}

    /**
     * The first problem found, if any: the name, then the policy, then the claims. {@code claimExists} answers for
     * claims of the run's namespace.
     */
    public static Optional<Problem> validate(TrainingRun run, SecurityPolicy policy, Predicate<String> claimExists) {
        String name = run.getMetadata().getName();
        if (name.length() > RunResources.MAX_NAME_LENGTH) {
            return Optional.of(new Problem(NAME_TOO_LONG, "The run's name has " + name.length()
                    + " characters; its Job is named after it and Job names end at " + RunResources.MAX_NAME_LENGTH
                    + ". Create the run again under a shorter name.", true));
        }
        Optional<Problem> refused = policy.check(run);
        if (refused.isPresent()) {
            return refused;
        }
        return RunResources.userClaims(run).stream()
                .filter(claimExists.negate())
                .findFirst()
                .map(claim -> new Problem(CLAIM_NOT_FOUND, "PersistentVolumeClaim \"" + claim + "\" ("
                        + RunResources.claimRole(run, claim) + ") does not exist in namespace "
                        + run.getMetadata().getNamespace() + "; the run starts as soon as it does.", false));
    }
}
