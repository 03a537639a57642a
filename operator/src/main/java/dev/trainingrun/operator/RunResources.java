package dev.trainingrun.operator;

import dev.trainingrun.api.StatusOwner;
import dev.trainingrun.api.TrainingRun;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The names and labels of everything the operator makes for a run, in one place, so that the dependents that
 * create them, the event sources that watch them and the status that reports them cannot disagree.
 */
public final class RunResources {
    /** Label on every object the operator makes; the dependents' informers select on it. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = StatusOwner.OPERATOR_FIELD_MANAGER;
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;
    /** Label naming the run an object belongs to; the training pod carries it too. */
    public static final String RUN_LABEL = "trainingrun.dev/run";
    /**
     * Records, on the Job (or, under Kueue, on its Workload), the suspension the run last asked for: the operator
     * acts only when the run's wish changes, so that another controller that suspends or deactivates the object
     * (Kueue holding a Job, or deactivating a Workload that timed out) is never overruled.
     */
    public static final String SUSPEND_ANNOTATION = "trainingrun.dev/suspend";

    /**
     * Longest run name the operator can serve. The Job is named after the run, and the Job controller names its pods
     * by the prefix "job name-" and five random characters, the API server cutting the prefix to 58 characters
     * (generateName): only up to 57 characters does a pod's name tell its run exactly, which is what the trainer's
     * admission policy checks.
     */
    public static final int MAX_NAME_LENGTH = 57;

    private RunResources() {}

    public static String jobName(TrainingRun run) {
        return run.getMetadata().getName();
    }

    /** The claim a run's checkpoints go to: the one the spec names, or the one the operator makes. */
    public static String checkpointClaimName(TrainingRun run) {
        String named = run.getSpec().getCheckpoints().getClaimName();
        return named != null ? named : operatorClaimName(run);
    }

    public static String operatorClaimName(TrainingRun run) {
        return run.getMetadata().getName() + "-checkpoints";
    }

    /** Whether the operator makes the checkpoint claim rather than using an existing one. */
    public static boolean operatorMakesClaim(TrainingRun run) {
        return run.getSpec().getCheckpoints().getClaimName() == null;
    }

    /** Claims the spec names, which must exist before the run's pod can start; the data claim first. */
    public static List<String> userClaims(TrainingRun run) {
        var data = run.getSpec().getData().getVolume().getPersistentVolumeClaim();
        return Stream.of(data != null ? data.getClaimName() : null, run.getSpec().getCheckpoints().getClaimName())
                .filter(Objects::nonNull)
                .distinct()
                .toList();
    }

    /** Where the run's spec asks for {@code claim}, in words for messages: the field, or the operator's own claim. */
    public static String claimRole(TrainingRun run, String claim) {
        if (claim.equals(run.getSpec().getCheckpoints().getClaimName())) {
            return "spec.checkpoints.claimName";
        }
        var data = run.getSpec().getData().getVolume().getPersistentVolumeClaim();
        if (data != null && claim.equals(data.getClaimName())) {
            return "spec.data.volume.persistentVolumeClaim.claimName";
        }
        return "the checkpoint claim the operator makes for spec.checkpoints";
    }

    /** Every claim the run's pod mounts: those the spec names and the one the operator makes. */
    public static List<String> mountedClaims(TrainingRun run) {
        List<String> claims = new ArrayList<>(userClaims(run));
        if (operatorMakesClaim(run)) {
            claims.add(operatorClaimName(run));
        }
        return claims;
    }

    public static Map<String, String> labels(TrainingRun run) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(MANAGED_BY, OPERATOR);
        labels.put(RUN_LABEL, run.getMetadata().getName());
        return labels;
    }

    /** Metadata for an object of the run: its name, the run's namespace and the operator's labels. */
    public static ObjectMeta metadata(TrainingRun run, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(run.getMetadata().getNamespace())
                .withLabels(labels(run))
                .build();
    }
}
