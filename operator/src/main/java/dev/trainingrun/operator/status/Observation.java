package dev.trainingrun.operator.status;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * Everything the status is derived from, gathered by the reconciler from its caches.
 *
 * @param job the run's Job, or null while there is none
 * @param pods the Job's pods that still exist, in any phase
 * @param failedCreates the Job controller's FailedCreate Events about the run's Job
 */
public record Observation(TrainingRun run, Optional<Problem> problem, Job job, List<Pod> pods,
        List<Event> failedCreates) {}
