package dev.trainingrun.operator.validation;

import dev.trainingrun.api.CheckpointLocations;
import dev.trainingrun.api.ModelSpec;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.RunSource;
import dev.trainingrun.api.SourceCheckpoint;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.operator.RunResources;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What only the operator can check before it makes anything for a run: facts of the cluster that the CRD's schema
 * cannot see, and the installation's {@link SecurityPolicy}. Checked before the first object is made, so a run that
 * cannot start leaves nothing half-made, and a run the policy refuses gets no Job.
 */
public final class RunValidator {
    public static final String NAME_TOO_LONG = "NameTooLong";
    public static final String CLAIM_NOT_FOUND = "ClaimNotFound";
    /** The run that spec.model.from names does not exist (yet): the fork waits for it. */
    public static final String SOURCE_RUN_NOT_FOUND = "SourceRunNotFound";
    /** The run that spec.model.from names trains another network (architecture or numClasses), or is this run. */
    public static final String SOURCE_RUN_MISMATCH = "SourceRunMismatch";
    /** The source run has not reported the checkpoint the fork starts from yet: the fork waits for it. */
    public static final String SOURCE_CHECKPOINT_PENDING = "SourceCheckpointPending";
    /** The source run has finished without the checkpoint the fork starts from: the fork can never start. */
    public static final String SOURCE_CHECKPOINT_MISSING = "SourceCheckpointMissing";

    private RunValidator() {}

    /**
     * The first problem found, if any: the name, then the policy, then the claims. {@code claimExists} answers for
     * claims of the run's namespace.
     */
    public static Optional<Problem> validate(TrainingRun run, SecurityPolicy policy, Predicate<String> claimExists) {
        String name = run.getMetadata().getName();
        if (name.length() > RunResources.MAX_NAME_LENGTH) {
            return Optional.of(new Problem(NAME_TOO_LONG, "The run's name has " + name.length()
                    + " characters; at most " + RunResources.MAX_NAME_LENGTH
                    + " are served, since its pods are named after it and a pod's name keeps only that many of it"
                    + " before a dash and its random end. Create the run again under a shorter name.", true));
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

    /**
     * For a fork (spec.model.from), what is wrong with its source, if anything: a source that does not exist makes
     * the fork wait (it may be created later); one that trains another network, or the run itself, can never be
     * started from. A source that has not reported the checkpoint asked for in its status (a best or latest
     * checkpoint, or an epoch at least the one named) makes the fork wait while it trains, and fails the fork once it
     * has finished without it, so that a source and its fork can be applied together. {@code runs} finds a
     * TrainingRun of the run's namespace by name. Whether the checkpoint's file is there and readable is the
     * trainer's to check, on the source's files.
     */
    public static Optional<Problem> source(TrainingRun run, Function<String, Optional<TrainingRun>> runs) {
        ModelSpec model = run.getSpec().getModel();
        RunSource from = model.getFrom();
        if (from == null) {
            return Optional.empty();
        }
        String namespace = run.getMetadata().getNamespace();
        if (from.getRun().equals(run.getMetadata().getName())) {
            return Optional.of(new Problem(SOURCE_RUN_MISMATCH, "spec.model.from.run names this run itself; a run "
                    + "can only start from another run's checkpoint.", true));
        }
        Optional<TrainingRun> source = runs.apply(from.getRun());
        if (source.isEmpty()) {
            return Optional.of(new Problem(SOURCE_RUN_NOT_FOUND, "TrainingRun " + from.getRun() + " in namespace "
                    + namespace + ", named by spec.model.from.run, does not exist; the run starts as soon as it "
                    + "does.", false));
        }
        ModelSpec theirs = source.get().getSpec().getModel();
        if (theirs.getArchitecture() != model.getArchitecture() || theirs.getNumClasses() != model.getNumClasses()) {
            return Optional.of(new Problem(SOURCE_RUN_MISMATCH, "TrainingRun " + from.getRun() + ", named by "
                    + "spec.model.from.run, trains " + theirs.getArchitecture() + " with " + theirs.getNumClasses()
                    + " classes, and this run " + model.getArchitecture() + " with " + model.getNumClasses()
                    + "; a fork keeps its source's spec.model.architecture and numClasses. Create the run again "
                    + "to match.", true));
        }
        return checkpointReported(source.get(), from) ? Optional.empty() : Optional.of(notYet(source.get(), from));
    }

    /** Whether the source's status (written by its trainer) names the checkpoint the fork asks for. */
    private static boolean checkpointReported(TrainingRun source, RunSource from) {
        TrainingRunStatus status = source.getStatus();
        if (status == null) {
            return false;
        }
        CheckpointLocations files = status.getCheckpoints();
        return switch (from.getCheckpoint()) {
            case Best -> files != null && files.getBest() != null;
            case Latest -> files != null && files.getLatest() != null;
            case Epoch -> status.getEpochs() != null
                    && status.getEpochs().stream().anyMatch(epoch -> epoch.getEpoch() >= from.getEpoch());
        };
    }

    private static Problem notYet(TrainingRun source, RunSource from) {
        String wanted = from.getCheckpoint() == SourceCheckpoint.Epoch
                ? "the checkpoint of epoch " + from.getEpoch() : "a " + from.getCheckpoint().name().toLowerCase(
                        Locale.ROOT) + " checkpoint";
        Phase phase = source.getStatus() != null ? source.getStatus().getPhase() : null;
        if (phase != null && phase.isFinished()) {
            return new Problem(SOURCE_CHECKPOINT_MISSING, "TrainingRun " + from.getRun() + ", named by "
                    + "spec.model.from.run, is " + phase + " without " + wanted + " (spec.model.from.checkpoint); "
                    + "create the run again with a checkpoint it has.", true);
        }
        return new Problem(SOURCE_CHECKPOINT_PENDING, "TrainingRun " + from.getRun() + ", named by "
                + "spec.model.from.run, has not saved " + wanted + " (spec.model.from.checkpoint) yet; the run starts "
                + "as soon as it has.", false);
    }
}
