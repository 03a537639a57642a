package dev.trainingrun.operator.status;

import static dev.trainingrun.operator.status.RunConditions.ADMITTED;
import static dev.trainingrun.operator.status.RunConditions.CLAIM_NOT_BOUND;
import static dev.trainingrun.operator.status.RunConditions.COMPLETED;
import static dev.trainingrun.operator.status.RunConditions.CREATING;
import static dev.trainingrun.operator.status.RunConditions.DEACTIVATED;
import static dev.trainingrun.operator.status.RunConditions.DEADLINE_EXCEEDED;
import static dev.trainingrun.operator.status.RunConditions.FAILED;
import static dev.trainingrun.operator.status.RunConditions.FAILED_CREATE;
import static dev.trainingrun.operator.status.RunConditions.INVALID_INPUT;
import static dev.trainingrun.operator.status.RunConditions.JOB_CREATED;
import static dev.trainingrun.operator.status.RunConditions.JOB_FAILED;
import static dev.trainingrun.operator.status.RunConditions.JOB_SUSPENDED;
import static dev.trainingrun.operator.status.RunConditions.POD_PENDING;
import static dev.trainingrun.operator.status.RunConditions.POD_RUNNING;
import static dev.trainingrun.operator.status.RunConditions.POD_SUCCEEDED;
import static dev.trainingrun.operator.status.RunConditions.PREEMPTED;
import static dev.trainingrun.operator.status.RunConditions.QUEUED;
import static dev.trainingrun.operator.status.RunConditions.READY;
import static dev.trainingrun.operator.status.RunConditions.RUNNING;
import static dev.trainingrun.operator.status.RunConditions.STUCK;
import static dev.trainingrun.operator.status.RunConditions.SUCCEEDED;
import static dev.trainingrun.operator.status.RunConditions.SUSPENDED;
import static dev.trainingrun.operator.status.RunConditions.SUSPENDED_BY_USER;
import static dev.trainingrun.operator.status.RunConditions.UNSCHEDULABLE;
import static dev.trainingrun.operator.status.RunConditions.WAITING_FOR_WORKLOAD;

import dev.trainingrun.api.CheckpointLocations;
import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.StopReason;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.api.TrainerPod;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.operator.ActiveTime;
import dev.trainingrun.operator.RunResources;
import dev.trainingrun.operator.kueue.Kueue;
import dev.trainingrun.operator.kueue.KueueWorkload;
import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one place that turns what the operator observed (the run, a validation problem, its Job, the Job's pods) into
 * the operator's part of the status: phase, conditions and Job bookkeeping. Pure, so every mapping is unit-tested.
 */
public final class StatusAggregator {
    /** Container waiting reasons after which the pod will not start without someone changing something. */
    static final Set<String> STUCK_WAITING_REASONS = Set.of(
            "ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    /**
     * How long an external provisioner may leave a claim waiting before the run is stuck on it: long enough for a
     * cloud disk to be made, short enough to name a provisioner that is not installed or not running. The volume
     * controller repeats its ExternalProvisioning Event every 15 s while it waits.
     */
    static final Duration PROVISIONER_SILENCE = Duration.ofSeconds(60);

    private StatusAggregator() {}

    /**
     * The phase and why: {@code reason} and {@code message} describe the phase itself; {@code stuck} is set while
     * something outside the run blocks it; {@code finishedAt} is when a finished run finished.
     */
    record Verdict(Phase phase, String reason, String message, Problem stuck, String finishedAt) {
        static Verdict of(Phase phase, String reason, String message) {
            return new Verdict(phase, reason, message, null, null);
        }

        static Verdict stuck(String reason, String message) {
            return new Verdict(Phase.Pending, reason, message, new Problem(reason, message, false), null);
        }
    }

    public static TrainingRunStatus derive(Observation seen, Instant now) {
        TrainingRun run = seen.run();
        TrainingRunStatus previous = run.getStatus() != null ? run.getStatus() : new TrainingRunStatus();
        if (seen.job() == null && previous.getPhase() != null && previous.getPhase().isFinished()) {
            // The Job of a finished run was removed (ttlSecondsAfterFinished): the verdict stands.
            return OperatorStatus.of(previous).toStatus();
        }
        Verdict verdict = blockedBy(verdict(seen), seen.problem());
        Job job = seen.job();
        TrainingRunStatus status = new TrainingRunStatus();
        status.setObservedGeneration(run.getMetadata().getGeneration());
        status.setPhase(verdict.phase());
        status.setConditions(conditions(seen, verdict, previous.getConditions(), now));
        status.setJobName(job != null ? job.getMetadata().getName() : previous.getJobName());
        Attempts.Count attempts = Attempts.count(previous, job, seen.pods());
        status.setAttempts(attempts.attempts());
        status.setPod(attempts.pod());
        activeTime(status, previous, job, verdict, now);
        status.setCheckpoints(locations(run));
        status.setStartTime(previous.getStartTime() != null ? previous.getStartTime() : startTime(seen, verdict, now));
        if (verdict.phase().isFinished()) {
            status.setCompletionTime(Stream.of(previous.getCompletionTime(), verdict.finishedAt())
                    .filter(Objects::nonNull).findFirst().orElse(timestamp(now)));
        }
        return status;
    }

    /** Where the run's files are: facts of the spec and the run's identity, known before its pod exists. */
    private static CheckpointLocations locations(TrainingRun run) {
        CheckpointLocations locations = new CheckpointLocations();
        locations.setClaimName(RunResources.checkpointClaimName(run));
        locations.setDirectory(TrainerPod.runDirectory(run));
        return locations;
    }

    static Verdict verdict(Observation seen) {
        TrainingRun run = seen.run();
        Job job = seen.job();
        boolean suspend = run.getSpec().getRunPolicy().isSuspend();
        if (seen.problem().isPresent()) {
            Problem problem = seen.problem().get();
            if (problem.permanent()) {
                return Verdict.of(Phase.Failed, problem.reason(), problem.message());
            }
            if (job == null) {
                return suspend ? suspended()
                        : new Verdict(Phase.Pending, problem.reason(), problem.message(), problem, null);
            }
        }
        if (job == null) {
            return suspend ? suspended() : Verdict.of(Phase.Pending, CREATING, "Creating the run's Job.");
        }
        // SuccessCriteriaMet comes first, while the Job controller still finishes the Job (as FailureTarget does).
        Optional<JobCondition> complete = jobCondition(job, "Complete")
                .or(() -> jobCondition(job, "SuccessCriteriaMet"));
        if (complete.isPresent()) {
            String finishedAt = job.getStatus().getCompletionTime() != null
                    ? job.getStatus().getCompletionTime() : complete.get().getLastTransitionTime();
            String files = "its files are in directory " + TrainerPod.runDirectory(run) + " of claim "
                    + RunResources.checkpointClaimName(run) + ".";
            // A stop rule that ended the run early is in the trainer's termination message (exit 0).
            Optional<EarlyStop> early = newestIn(seen.pods(), "Succeeded").flatMap(StatusAggregator::ending)
                    .flatMap(ending -> EarlyStop.parse(ending.getMessage()))
                    .filter(stop -> stop.reason().phase() == Phase.Succeeded);
            if (early.isPresent()) {
                return new Verdict(Phase.Succeeded, early.get().reason().name(), "Training stopped early: "
                        + early.get().message() + " The stopped epoch is the run's last; " + files, null, finishedAt);
            }
            return new Verdict(Phase.Succeeded, COMPLETED, "Training finished; " + files, null, finishedAt);
        }
        Optional<Verdict> overBudget = overBudget(run, job);
        if (overBudget.isPresent()) {
            return overBudget.get();
        }
        Optional<JobCondition> failed = jobCondition(job, "Failed").or(() -> jobCondition(job, "FailureTarget"));
        if (failed.isPresent()) {
            JobCondition condition = failed.get();
            Optional<ContainerStateTerminated> refusal = newestFailed(seen.pods()).flatMap(StatusAggregator::ending)
                    .filter(ending -> ending.getExitCode() == TrainerExitCode.INVALID_INPUT.code());
            if (refusal.isPresent()) {
                return new Verdict(Phase.Failed, INVALID_INPUT, "The trainer refused the run's input, so the run "
                        + "failed without a retry: " + Optional.ofNullable(refusal.get().getMessage())
                                .map(String::strip).orElse("(no message)"), null, condition.getLastTransitionTime());
            }
            Optional<ContainerStateTerminated> diverged = newestFailed(seen.pods())
                    .flatMap(StatusAggregator::ending)
                    .filter(ending -> ending.getExitCode() == TrainerExitCode.DIVERGED.code());
            if (diverged.isPresent()) {
                String said = Optional.ofNullable(diverged.get().getMessage()).map(String::strip).orElse("");
                String why = EarlyStop.parse(said).map(EarlyStop::message)
                        .orElse(said.isEmpty() ? "(no message)" : said);
                return new Verdict(Phase.Failed, StopReason.Diverged.name(), "Training diverged, so the run failed "
                        + "without a retry: " + why, null, condition.getLastTransitionTime());
            }
            String reason = condition.getReason() != null && !condition.getReason().isBlank()
                    ? condition.getReason() : JOB_FAILED;
            String message = Stream.of(condition.getMessage(), lastFailure(seen.pods()))
                    .filter(text -> text != null && !text.isBlank())
                    .reduce((first, second) -> first + ". " + second)
                    .orElse("The Job failed.");
            return new Verdict(Phase.Failed, reason, message, null, condition.getLastTransitionTime());
        }
        if (suspend) {
            return suspended();
        }
        List<Pod> live = seen.pods().stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing((Pod pod) -> pod.getMetadata().getCreationTimestamp(),
                        Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
                .toList();
        for (Pod pod : live) {
            if ("Running".equals(phaseOf(pod))) {
                return Verdict.of(Phase.Running, POD_RUNNING, "Pod " + pod.getMetadata().getName() + " runs"
                        + (pod.getSpec() != null && pod.getSpec().getNodeName() != null
                                ? " on node " + pod.getSpec().getNodeName() : "") + ".");
            }
        }
        // Training has ended well and the Job controller has not said so yet: the run is not back to Pending.
        for (Pod pod : live) {
            if ("Succeeded".equals(phaseOf(pod))) {
                return Verdict.of(Phase.Running, POD_SUCCEEDED, "Pod " + pod.getMetadata().getName()
                        + " finished training; Job " + job.getMetadata().getName() + " is completing.");
            }
        }
        Optional<Verdict> unbound = unboundClaim(seen);
        if (unbound.isPresent()) {
            return unbound.get();
        }
        for (Pod pod : live) {
            Optional<Verdict> stuck = stuck(pod);
            if (stuck.isPresent()) {
                return stuck.get();
            }
        }
        if (live.isEmpty()) {
            Optional<Verdict> refused = refused(job, seen);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
            return Kueue.manages(job) ? queued(job, seen.workload()) : Verdict.of(Phase.Pending, JOB_SUSPENDED,
                    "Job " + job.getMetadata().getName() + " is suspended by another controller.");
        }
        // One message from the Job's creation until its pod runs, so that the pod's arrival costs no status write.
        return Verdict.of(Phase.Pending, POD_PENDING, "Waiting for the training pod of Job "
                + job.getMetadata().getName() + " to be scheduled and started.");
    }

    /**
     * The run's active-time budget is used up: the Job failed by its own deadline, which the operator keeps at what
     * the budget has left, or the ended active periods alone reach the budget (it was lowered below them, or the run
     * is suspended with nothing left), which fails the run at once.
     */
    private static Optional<Verdict> overBudget(TrainingRun run, Job job) {
        Long budget = run.getSpec().getRunPolicy().getActiveDeadlineSeconds();
        ActiveTime active = ActiveTime.of(job);
        // FailureTarget first: the Job controller sets it a moment before Failed, and keeps it; its time is when the
        // last period ended, whichever of the two the operator saw first.
        Optional<JobCondition> exceeded = jobCondition(job, "FailureTarget").or(() -> jobCondition(job, "Failed"))
                .filter(condition -> DEADLINE_EXCEEDED.equals(condition.getReason()));
        if (exceeded.isEmpty() && !active.spent(budget)) {
            return Optional.empty();
        }
        String failedAt = exceeded.map(JobCondition::getLastTransitionTime).orElse(null);
        long used = failedAt != null ? active.total(Instant.parse(failedAt)) : active.endedSeconds();
        return Optional.of(new Verdict(Phase.Failed, DEADLINE_EXCEEDED, "The run was active for " + used + " s in all"
                + (budget != null ? ", its whole budget of " + budget + " s" : "")
                + " (spec.runPolicy.activeDeadlineSeconds; time suspended is not counted). Its checkpoints are kept.",
                null, failedAt));
    }

    /**
     * The active-time tally ({@link ActiveTime}) as the status shows it: the ended periods and when the current one
     * began; once the run has finished, its whole active time.
     */
    private static void activeTime(TrainingRunStatus status, TrainingRunStatus previous, Job job, Verdict verdict,
            Instant now) {
        if (job == null) {
            status.setActiveSeconds(previous.getActiveSeconds());
            return;
        }
        ActiveTime active = ActiveTime.of(job);
        if (verdict.phase().isFinished()) {
            Instant end = verdict.finishedAt() != null ? Instant.parse(verdict.finishedAt()) : now;
            status.setActiveSeconds(active.total(end));
        } else {
            status.setActiveSeconds(active.endedSeconds());
            status.setActiveSince(active.since() != null ? timestamp(active.since()) : null);
        }
    }

    /**
     * A problem that arises once the Job exists (the API server refuses to update one of the run's objects) keeps
     * the phase its Job gives the run and makes it stuck; a finished run stays finished.
     */
    private static Verdict blockedBy(Verdict verdict, Optional<Problem> problem) {
        if (problem.isEmpty() || verdict.stuck() != null || verdict.phase().isFinished()) {
            return verdict;
        }
        return new Verdict(verdict.phase(), verdict.reason(), verdict.message(), problem.get(), verdict.finishedAt());
    }

    /**
     * A claim of the run that is not bound and will not bind by itself, as the newest Event about it says: a failure
     * (ProvisioningFailed: no such storage class, a provisioner that refuses; FailedBinding: no volume fits and no
     * class can make one; VolumeMismatch), or an external provisioner that has not answered for
     * {@link #PROVISIONER_SILENCE}; or its volume is gone (Lost). A claim waiting for its first consumer, or being
     * provisioned, is not stuck.
     */
    private static Optional<Verdict> unboundClaim(Observation seen) {
        for (PersistentVolumeClaim claim : seen.claims()) {
            String phase = claim.getStatus() != null ? claim.getStatus().getPhase() : null;
            if ("Bound".equals(phase)) {
                continue;
            }
            String name = claim.getMetadata().getName();
            String what = "PersistentVolumeClaim \"" + name + "\" (" + RunResources.claimRole(seen.run(), name)
                    + ") is not bound: ";
            if ("Lost".equals(phase)) {
                return Optional.of(Verdict.stuck(CLAIM_NOT_BOUND, what + "its PersistentVolume "
                        + claim.getSpec().getVolumeName() + " is gone (phase Lost)."));
            }
            Optional<Event> newest = seen.claimEvents().stream()
                    .filter(event -> event.getInvolvedObject() != null
                            && claim.getMetadata().getUid().equals(event.getInvolvedObject().getUid()))
                    .filter(event -> lastSeen(event) != null)
                    .max(Comparator.comparing(StatusAggregator::lastSeen));
            if (newest.isPresent() && blocksBinding(newest.get())) {
                return Optional.of(Verdict.stuck(CLAIM_NOT_BOUND, what + newest.get().getReason() + ": "
                        + newest.get().getMessage()));
            }
        }
        return Optional.empty();
    }

    private static boolean blocksBinding(Event event) {
        if ("Warning".equals(event.getType()) || "FailedBinding".equals(event.getReason())) {
            return true;
        }
        Instant first = firstSeen(event);
        return "ExternalProvisioning".equals(event.getReason()) && first != null
                && !Duration.between(first, lastSeen(event)).minus(PROVISIONER_SILENCE).isNegative();
    }

    /** A Job that Kueue holds suspended: what its Workload says about it. */
    private static Verdict queued(Job job, Optional<KueueWorkload> found) {
        String jobName = job.getMetadata().getName();
        String queue = job.getMetadata().getLabels().get(Kueue.QUEUE_LABEL);
        if (found.isEmpty()) {
            return Verdict.of(Phase.Pending, WAITING_FOR_WORKLOAD, "Job " + jobName
                    + " waits for Kueue to make its Workload in LocalQueue \"" + queue + "\".");
        }
        KueueWorkload workload = found.get();
        if (!workload.active()) {
            return Verdict.of(Phase.Pending, DEACTIVATED, "Workload " + workload.name() + " is deactivated "
                    + "(spec.active: false), so Kueue keeps Job " + jobName + " suspended; to pause a run, set its "
                    + "spec.runPolicy.suspend instead.");
        }
        if (workload.admitted()) {
            return Verdict.of(Phase.Pending, ADMITTED, "Kueue admitted Workload " + workload.name()
                    + " in ClusterQueue " + workload.clusterQueue() + "; Job " + jobName + " starts its pod.");
        }
        String why = workload.condition(KueueWorkload.QUOTA_RESERVED).map(Condition::getMessage)
                .filter(message -> !message.isBlank()).map(message -> ": " + message).orElse(".");
        String place = workload.position() != null ? " at position " + workload.position() : "";
        return Verdict.of(Phase.Pending, QUEUED, "Workload " + workload.name() + " waits in LocalQueue \"" + queue
                + "\"" + place + why);
    }

    /**
     * For a run queued through Kueue: Queued (True while it waits for admission; Kueue's reason for the wait),
     * Admitted (Kueue's condition, with the ClusterQueue) and, once Kueue has preempted it, Preempted (Kueue's own).
     */
    private static List<Condition> queueConditions(Optional<KueueWorkload> workload, Verdict verdict) {
        List<Condition> conditions = new ArrayList<>();
        boolean waiting = QUEUED.equals(verdict.reason()) || WAITING_FOR_WORKLOAD.equals(verdict.reason());
        String waitReason = workload.flatMap(queued -> queued.condition(KueueWorkload.QUOTA_RESERVED))
                .map(Condition::getReason).filter(reason -> !reason.isBlank()).orElse(verdict.reason());
        conditions.add(condition(QUEUED, waiting, waiting ? waitReason : verdict.reason(),
                verdict.message()));
        Optional<Condition> admitted = workload.flatMap(queued -> queued.condition(KueueWorkload.ADMITTED));
        if (workload.map(KueueWorkload::admitted).orElse(false)) {
            conditions.add(condition(ADMITTED, true, ADMITTED,
                    "Admitted by ClusterQueue " + workload.get().clusterQueue() + "."));
        } else {
            conditions.add(condition(ADMITTED, false, admitted.map(Condition::getReason).orElse(verdict.reason()),
                    admitted.map(Condition::getMessage).orElse(verdict.message())));
        }
        workload.flatMap(queued -> queued.condition(KueueWorkload.PREEMPTED)).ifPresent(preempted -> conditions.add(
                condition(PREEMPTED, "True".equals(preempted.getStatus()), preempted.getReason(),
                        preempted.getMessage())));
        return conditions;
    }

    private static Verdict suspended() {
        return Verdict.of(Phase.Suspended, SUSPENDED_BY_USER,
                "spec.runPolicy.suspend is true: no training pod runs and the checkpoints are kept; "
                        + "set it to false to resume from the newest checkpoint.");
    }

    /** A pending pod that will not start by itself: unschedulable, or its container cannot be made. */
    private static Optional<Verdict> stuck(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        for (ContainerStatus container : orEmpty(pod.getStatus().getContainerStatuses())) {
            ContainerState state = container.getState();
            if (state != null && state.getWaiting() != null
                    && STUCK_WAITING_REASONS.contains(state.getWaiting().getReason())) {
                return Optional.of(Verdict.stuck(state.getWaiting().getReason(), "Pod " + pod.getMetadata().getName()
                        + ", container " + container.getName() + ": " + state.getWaiting().getMessage()));
            }
        }
        for (PodCondition condition : orEmpty(pod.getStatus().getConditions())) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())
                    && UNSCHEDULABLE.equals(condition.getReason())) {
                return Optional.of(Verdict.stuck(UNSCHEDULABLE, "Pod " + pod.getMetadata().getName()
                        + " cannot be scheduled: " + condition.getMessage()));
            }
        }
        return Optional.empty();
    }

    /**
     * The Job controller could not create the pod (admission refused it) and has not created one since: its newest
     * FailedCreate Event about this very Job, unless a pod was made after it.
     */
    private static Optional<Verdict> refused(Job job, Observation seen) {
        Optional<Instant> newestPod = seen.pods().stream()
                .map(pod -> pod.getMetadata().getCreationTimestamp())
                .filter(Objects::nonNull)
                .map(Instant::parse)
                .max(Comparator.naturalOrder());
        return seen.failedCreates().stream()
                .filter(event -> event.getInvolvedObject() != null
                        && job.getMetadata().getUid().equals(event.getInvolvedObject().getUid()))
                .filter(event -> lastSeen(event) != null)
                .max(Comparator.comparing(StatusAggregator::lastSeen))
                .filter(event -> newestPod.isEmpty() || lastSeen(event).isAfter(newestPod.get()))
                .map(event -> Verdict.stuck(FAILED_CREATE, "Job " + job.getMetadata().getName()
                        + " cannot create its training pod: " + event.getMessage()));
    }

    /** When an Event (or the newest of its series) last happened, whichever API recorded it. */
    private static Instant lastSeen(Event event) {
        String time = event.getLastTimestamp() != null ? event.getLastTimestamp()
                : event.getSeries() != null && event.getSeries().getLastObservedTime() != null
                        ? event.getSeries().getLastObservedTime().getTime()
                : event.getEventTime() != null ? event.getEventTime().getTime() : null;
        return time != null ? Instant.parse(time) : null;
    }

    /** When an Event (or the first of its series) first happened. */
    private static Instant firstSeen(Event event) {
        String time = event.getFirstTimestamp() != null ? event.getFirstTimestamp()
                : event.getEventTime() != null ? event.getEventTime().getTime() : null;
        return time != null ? Instant.parse(time) : null;
    }

    /** How the newest failed pod ended, in words: its exit code and the trainer's last lines. */
    static String lastFailure(List<Pod> pods) {
        return newestFailed(pods)
                .map(pod -> "Last pod " + pod.getMetadata().getName() + ": " + ending(pod)
                        .map(StatusAggregator::describe)
                        .orElse(pod.getStatus().getMessage() != null ? pod.getStatus().getMessage() : "failed"))
                .orElse(null);
    }

    private static Optional<Pod> newestFailed(List<Pod> pods) {
        return newestIn(pods, "Failed");
    }

    /** The newest pod in {@code phase}, by creation time. */
    private static Optional<Pod> newestIn(List<Pod> pods, String phase) {
        return pods.stream()
                .filter(pod -> phase.equals(phaseOf(pod)))
                .max(Comparator.comparing((Pod pod) -> pod.getMetadata().getCreationTimestamp(),
                        Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    /** How the pod's container ended, once it has. */
    private static Optional<ContainerStateTerminated> ending(Pod pod) {
        return orEmpty(pod.getStatus().getContainerStatuses()).stream()
                .map(ContainerStatus::getState)
                .filter(state -> state != null && state.getTerminated() != null)
                .map(ContainerState::getTerminated)
                .findFirst();
    }

    private static String describe(ContainerStateTerminated terminated) {
        StringBuilder text = new StringBuilder("exited with code ").append(terminated.getExitCode());
        if (terminated.getReason() != null) {
            text.append(" (").append(terminated.getReason()).append(')');
        }
        if (terminated.getMessage() != null && !terminated.getMessage().isBlank()) {
            text.append(": ").append(terminated.getMessage().strip());
        }
        return text.toString();
    }

    private static List<Condition> conditions(Observation seen, Verdict verdict, List<Condition> previous, Instant now) {
        Long generation = seen.run().getMetadata().getGeneration();
        List<Condition> conditions = new ArrayList<>();
        Phase phase = verdict.phase();
        Optional<Problem> problem = seen.outdatedCrd().or(seen::problem);
        if (problem.isPresent()) {
            conditions.add(condition(READY, false, problem.get().reason(), problem.get().message()));
        } else if (seen.job() == null) {
            conditions.add(condition(READY, false, verdict.reason(), verdict.message()));
        } else {
            conditions.add(condition(READY, true, JOB_CREATED, "Job " + seen.job().getMetadata().getName()
                    + " exists; its trainer runs as ServiceAccount " + TrainerPod.SERVICE_ACCOUNT + "."));
        }
        conditions.add(phaseCondition(RUNNING, phase == Phase.Running, verdict));
        conditions.add(phaseCondition(SUCCEEDED, phase == Phase.Succeeded, verdict));
        conditions.add(phaseCondition(FAILED, phase == Phase.Failed, verdict));
        conditions.add(phaseCondition(SUSPENDED, phase == Phase.Suspended, verdict));
        Problem stuck = verdict.stuck();
        conditions.add(stuck != null
                ? condition(STUCK, true, stuck.reason(), stuck.message())
                : condition(STUCK, false, verdict.reason(), verdict.message()));
        if (Kueue.queueName(seen.run()).isPresent() || seen.job() != null && Kueue.manages(seen.job())) {
            conditions.addAll(queueConditions(seen.workload(), verdict));
        }
        for (Condition condition : conditions) {
            condition.setObservedGeneration(generation);
            condition.setLastTransitionTime(orEmpty(previous).stream()
                    .filter(old -> old.getType().equals(condition.getType())
                            && old.getStatus().equals(condition.getStatus()))
                    .map(Condition::getLastTransitionTime)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse(timestamp(now)));
        }
        return conditions;
    }

    /** A condition that is True in its own phase; in any other, False with the phase's reason and message. */
    private static Condition phaseCondition(String type, boolean holds, Verdict verdict) {
        return condition(type, holds, verdict.reason(), verdict.message());
    }

    private static Condition condition(String type, boolean status, String reason, String message) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status ? "True" : "False")
                .withReason(reason)
                .withMessage(message)
                .build();
    }

    /** When the first training container started, once the run has got that far. */
    private static String startTime(Observation seen, Verdict verdict, Instant now) {
        if (verdict.phase() != Phase.Running && !(verdict.phase().isFinished() && seen.job() != null)) {
            return null;
        }
        Optional<String> started = seen.pods().stream()
                .filter(pod -> pod.getStatus() != null)
                .flatMap(pod -> orEmpty(pod.getStatus().getContainerStatuses()).stream())
                .map(ContainerStatus::getState)
                .filter(Objects::nonNull)
                .map(state -> state.getRunning() != null ? state.getRunning().getStartedAt()
                        : state.getTerminated() != null ? state.getTerminated().getStartedAt() : null)
                .filter(Objects::nonNull)
                .min(Comparator.naturalOrder());
        if (started.isPresent()) {
            return started.get();
        }
        if (verdict.phase() == Phase.Running) {
            return timestamp(now);
        }
        return seen.job().getStatus() != null ? seen.job().getStatus().getStartTime() : null;
    }

    private static Optional<JobCondition> jobCondition(Job job, String type) {
        if (job.getStatus() == null) {
            return Optional.empty();
        }
        return orEmpty(job.getStatus().getConditions()).stream()
                .filter(condition -> type.equals(condition.getType()) && "True".equals(condition.getStatus()))
                .findFirst();
    }

    private static String phaseOf(Pod pod) {
        return pod.getStatus() != null ? pod.getStatus().getPhase() : null;
    }

    static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list != null ? list : List.of();
    }
}
