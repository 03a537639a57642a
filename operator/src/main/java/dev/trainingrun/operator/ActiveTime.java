package dev.trainingrun.operator;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How long a run has been active across its suspensions, which Kubernetes does not keep: a Job's
 * {@code activeDeadlineSeconds} counts from its {@code status.startTime}, and the Job controller resets that time
 * whenever the Job is resumed (kubernetes/kubernetes#98727), so a Job suspended and resumed gets its whole deadline
 * again. The run's deadline is a budget instead ({@code spec.runPolicy.activeDeadlineSeconds}), kept by giving the
 * Job, in each active period, only what the earlier periods left of it.
 *
 * <p>The tally lives on the Job, in two annotations the operator writes: {@value #ENDED} holds the seconds of the
 * active periods that have ended, and {@value #SINCE} the start of the period the operator saw begin and has not
 * counted yet. It is advanced from the Job's own status alone: an active Job's {@code startTime} opens a period, the
 * Job's {@code Suspended} condition closes it at the condition's transition time. So it holds whoever suspends and
 * resumes the Job, the operator for {@code spec.runPolicy.suspend} or a queue such as Kueue, as long as the operator
 * sees each period once. If it misses a suspension altogether (it was down from before the suspension until after
 * the resumption), the time between the two period starts counts as active: the budget may then end early, never
 * late. A period that began and ended entirely while the operator was down is not counted, because from Kubernetes
 * 1.36 the Job controller clears {@code startTime} on suspension.
 *
 * <p>All times are whole seconds, as Kubernetes writes them.
 *
 * @param endedSeconds active seconds of the periods that have ended
 * @param since start of the current period, or null when none is open
 */
public record ActiveTime(long endedSeconds, Instant since) {
    /** Annotation with the active seconds of the ended periods. */
    public static final String ENDED = "trainingrun.dev/active-seconds";
    /** Annotation with the start (RFC 3339) of the active period being counted. */
    public static final String SINCE = "trainingrun.dev/active-since";

    private static final Set<String> FINISHED = Set.of("Complete", "Failed", "SuccessCriteriaMet", "FailureTarget");
    private static final ActiveTime NONE = new ActiveTime(0, null);

    /** The tally as it was last written to the Job; none for a Job without it (new, or made by an older operator). */
    public static ActiveTime recorded(Job job) {
        Map<String, String> annotations = job.getMetadata().getAnnotations();
        if (annotations == null) {
            return NONE;
        }
        String ended = annotations.get(ENDED);
        String since = annotations.get(SINCE);
        return new ActiveTime(ended != null ? Long.parseLong(ended) : 0, since != null ? Instant.parse(since) : null);
    }

    /**
     * The tally brought up to date with what the Job's status says now. A finished Job changes nothing: its last
     * period ends at its end ({@link #total}).
     */
    public static ActiveTime of(Job job) {
        ActiveTime recorded = recorded(job);
        if (job.getStatus() == null || FINISHED.stream().anyMatch(type -> condition(job, type).isPresent())) {
            return recorded;
        }
        Optional<JobCondition> suspended = condition(job, "Suspended");
        if (suspended.isPresent()) {
            String at = suspended.get().getLastTransitionTime();
            return recorded.since == null || at == null ? recorded : recorded.closedAt(Instant.parse(at));
        }
        String started = job.getStatus().getStartTime();
        if (started == null) {
            return recorded;
        }
        Instant start = Instant.parse(started);
        if (recorded.since == null) {
            return new ActiveTime(recorded.endedSeconds, start);
        }
        // A new period began without the operator seeing the last one end: count the gap as active, the safe side.
        return start.equals(recorded.since) ? recorded : new ActiveTime(recorded.closedAt(start).endedSeconds, start);
    }

    private ActiveTime closedAt(Instant end) {
        return new ActiveTime(endedSeconds + Math.max(0, Duration.between(since, end).toSeconds()), null);
    }

    /**
     * What the Job's {@code activeDeadlineSeconds} must be for the run to stay within {@code budget} seconds: the
     * budget minus the ended periods, since the Job counts only the current one. At least 1, the smallest value a Job
     * takes, when nothing is left (the run is then {@link #spent}). Null, no deadline, when the budget is null.
     */
    public Long jobDeadline(Long budget) {
        return budget != null ? Math.max(1, budget - endedSeconds) : null;
    }

    /** Whether the ended periods alone have used up {@code budget} seconds (null: no budget, never spent). */
    public boolean spent(Long budget) {
        return budget != null && endedSeconds >= budget;
    }

    /** Active seconds in all up to {@code end}, which closes the current period if one is open. */
    public long total(Instant end) {
        return since != null ? closedAt(end).endedSeconds : endedSeconds;
    }

    /** The annotations that record this tally on the Job; a null value removes the annotation (JSON merge patch). */
    public Map<String, String> annotations() {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ENDED, Long.toString(endedSeconds));
        annotations.put(SINCE, since != null ? since.toString() : null);
        return annotations;
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        List<JobCondition> conditions = job.getStatus().getConditions();
        return conditions == null ? Optional.empty() : conditions.stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }
}
