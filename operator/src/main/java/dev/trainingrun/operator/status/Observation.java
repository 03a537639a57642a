package dev.trainingrun.operator.status;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.kueue.KueueWorkload;
import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * Everything the status is derived from, gathered by the reconciler from its caches.
 *
 * @param problem why the run cannot start (validation), or why the API server refused one of its objects
 * @param job the run's Job, or null while there is none
 * @param pods the Job's pods that still exist, in any phase
 * @param failedCreates the Job controller's FailedCreate Events about the run's Job
 * @param claims the claims the run's pod mounts that exist
 * @param claimEvents the Events about those claims (the volume controller's and the provisioners')
 * @param outdatedCrd what the installed CRD lacks that this operator writes or reads, if anything
 * @param workload the Kueue Workload of the run's Job, when Kueue manages the Job and has made it
 */
public record Observation(TrainingRun run, Optional<Problem> problem, Job job, List<Pod> pods,
        List<Event> failedCreates, List<PersistentVolumeClaim> claims, List<Event> claimEvents,
        Optional<Problem> outdatedCrd, Optional<KueueWorkload> workload) {

    /** What is known before claims and the CRD are looked at, as most unit tests need it. */
    public Observation(TrainingRun run, Optional<Problem> problem, Job job, List<Pod> pods, List<Event> failedCreates) {
        this(run, problem, job, pods, failedCreates, List.of(), List.of(), Optional.empty(), Optional.empty());
    }
}
