package dev.trainingrun.operator.status;

import dev.trainingrun.api.TrainingPod;
import dev.trainingrun.api.TrainingRunStatus;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The run's {@code attempts} and {@code pod}: how many times its Job has tried to train, and its newest pod.
 *
 * <p>The Job makes one pod at a time (neither parallelism nor completions is set; both default to 1), and makes the
 * next one only once the last has finished ({@code podReplacementPolicy: Failed}, which the Job's
 * {@code podFailurePolicy} implies). So pods whose lifetimes overlap are one attempt: the Job controller sometimes
 * makes a second pod it did not mean to (kubernetes/kubernetes#130683; seen here on a loaded machine) and then
 * removes all but one of them. A pod lives from its creation until the newest of
 * its containers finished; an unfinished one, being deleted or not, lives on. Pods are grouped by overlap
 * ({@link #attempts}); a group counts once.
 *
 * <p>The count never goes down. The Job's counters leave out the pods its failure policy ignores (evicted,
 * preempted, stopped on request), so the groups that begin after the pod the status last named count on top of the
 * attempts it gives. The Job's finished pods are a floor, for pods deleted before the operator saw them; its active
 * pods are not: the Job's counter can hold a pod the operator's cache of pods has not seen yet, which would then
 * count a second time as a group begun after the pod the status names (3 attempts for 2 pods, seen under load).
 */
final class Attempts {
    /** By creation time, then by name within the same second (timestamps have whole seconds). */
    private static final Comparator<Pod> CREATION_ORDER = Comparator
            .comparing(Attempts::created)
            .thenComparing(pod -> pod.getMetadata().getName());

    private Attempts() {}

    /** {@code attempts} and {@code pod} as they follow from the previous status, the Job and its pods. */
    record Count(Integer attempts, TrainingPod pod) {}

    static Count count(TrainingRunStatus previous, Job job, List<Pod> pods) {
        if (job == null) {
            return new Count(previous.getAttempts(), previous.getPod());
        }
        int before = previous.getAttempts() != null ? previous.getAttempts() : 0;
        TrainingPod mark = previous.getPod();
        List<Attempt> attempts = attempts(pods);
        long begunSince = attempts.stream().filter(attempt -> madeAfter(attempt.first(), mark)).count();
        long made = mark == null ? Math.max(before, begunSince) : before + begunSince;
        JobStatus status = job.getStatus();
        int finished = status == null ? 0 : orZero(status.getFailed()) + orZero(status.getSucceeded());
        return new Count((int) Math.max(made, finished), newestPod(attempts, mark));
    }

    /** One attempt: pods whose lifetimes overlap, oldest first, and when the last of them finished. */
    private record Attempt(List<Pod> pods, Instant end) {
        Pod first() {
            return pods.get(0);
        }
    }

    /**
     * The pods grouped into attempts, oldest first: a pod made before all the pods of the last group had finished
     * joins that group.
     */
    private static List<Attempt> attempts(List<Pod> pods) {
        List<Attempt> attempts = new ArrayList<>();
        for (Pod pod : pods.stream().sorted(CREATION_ORDER).toList()) {
            Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            if (last != null && created(pod).isBefore(last.end())) {
                List<Pod> joined = new ArrayList<>(last.pods());
                joined.add(pod);
                attempts.set(attempts.size() - 1, new Attempt(joined, latest(last.end(), finished(pod))));
            } else {
                attempts.add(new Attempt(List.of(pod), finished(pod)));
            }
        }
        return attempts;
    }

    /**
     * The pod the status names: of the newest attempt, the newest pod not being deleted (else the newest). The name
     * moves on to a later attempt, or within the attempt it names (from a pod the Job controller removes as surplus
     * to the one it keeps), never back: a cache that has not seen the named pod yet (after a change of leader) must
     * not make it count twice. A surplus pod that is gone before the operator saw it being deleted stays named
     * until the next attempt.
     */
    private static TrainingPod newestPod(List<Attempt> attempts, TrainingPod mark) {
        if (attempts.isEmpty()) {
            return mark;
        }
        Attempt newest = attempts.get(attempts.size() - 1);
        boolean moves = mark == null || madeAfter(newest.first(), mark)
                || newest.pods().stream().anyMatch(pod -> pod.getMetadata().getName().equals(mark.getName()));
        if (!moves) {
            return mark;
        }
        Pod named = newest.pods().stream().filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .max(CREATION_ORDER)
                .orElse(newest.pods().get(newest.pods().size() - 1));
        TrainingPod reference = new TrainingPod();
        reference.setName(named.getMetadata().getName());
        reference.setCreationTimestamp(named.getMetadata().getCreationTimestamp());
        return reference;
    }

    private static boolean madeAfter(Pod pod, TrainingPod mark) {
        if (mark == null) {
            return true;
        }
        if (mark.getCreationTimestamp() == null) {
            return false;
        }
        int byTime = created(pod).compareTo(Instant.parse(mark.getCreationTimestamp()));
        return byTime > 0 || byTime == 0 && pod.getMetadata().getName().compareTo(mark.getName()) > 0;
    }

    private static Instant created(Pod pod) {
        String created = pod.getMetadata().getCreationTimestamp();
        return created != null ? Instant.parse(created) : Instant.EPOCH;
    }

    /**
     * When the pod finished: the newest of its containers' finish times; its creation when it finished without one
     * (failed before a container ran); never while it has not finished.
     */
    private static Instant finished(Pod pod) {
        String phase = pod.getStatus() != null ? pod.getStatus().getPhase() : null;
        if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            return Instant.MAX;
        }
        return pod.getStatus().getContainerStatuses() == null ? created(pod)
                : pod.getStatus().getContainerStatuses().stream()
                        .map(ContainerStatus::getState)
                        .filter(state -> state != null && state.getTerminated() != null)
                        .map(state -> state.getTerminated().getFinishedAt())
                        .filter(Objects::nonNull)
                        .map(Instant::parse)
                        .max(Comparator.naturalOrder())
                        .orElse(created(pod));
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static int orZero(Integer value) {
        return value != null ? value : 0;
    }
}
