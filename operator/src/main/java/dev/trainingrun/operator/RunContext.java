package dev.trainingrun.operator;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.kueue.KueueApi;
import dev.trainingrun.operator.kueue.KueueWorkload;
import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one reconcile of a run reads from the operator's caches and does to the cluster. In the operator it is the
 * Java Operator SDK's context ({@link SdkRunContext}); the controller tests give a fake, so that every decision of
 * {@link TrainingRunReconciler} is tested in milliseconds without a cluster.
 */
public interface RunContext {

    /** The run's Job, if it exists. */
    Optional<Job> job();

    /** The pods of the run's Job, in any phase. */
    List<Pod> pods();

    /** The Job controller's FailedCreate Events about the run's Job: admission refused its pod. */
    List<Event> failedCreates();

    /** Another TrainingRun of the run's namespace, by name (a fork's source). */
    Optional<TrainingRun> trainingRun(String name);

    /** A claim of the run's namespace, by name. */
    Optional<PersistentVolumeClaim> claim(String name);

    /** The Events about the claims with these uids: why a claim does not bind. */
    List<Event> claimEvents(Set<String> claimUids);

    /** Why the run cannot go to the Kueue queue it names, checked before its Job is made ({@link KueueApi#refusal}). */
    Optional<Problem> queueRefusal();

    /** The Kueue Workload of the run's Job, when the Job is queued through Kueue and Kueue has made it. */
    Optional<KueueWorkload> workload();

    /** Suspends or resumes the run through its Workload ({@link KueueApi#setSuspended}); returns it as it is then. */
    KueueWorkload setSuspended(KueueWorkload workload, boolean suspend);

    /** Makes the run's objects, or brings them in line with the run (the workflow of its dependents). */
    void reconcileDependents();

    /** Why the API server refused to make or change one of the run's objects in the last attempt, if it did. */
    Optional<Problem> refusal();

    /** Whether another event of the run is already queued (its reconcile will see newer state). */
    boolean nextReconciliationImminent();

    /**
     * Applies the operator's part of the run's status (server-side apply, the operator's field manager) and returns
     * the run as the API server holds it after the write, changes by others included.
     */
    TrainingRun applyStatus(TrainingRun applyObject);

    /** Removes the run's finished Job, and its pods with it. */
    void deleteJob(Job job);
}
