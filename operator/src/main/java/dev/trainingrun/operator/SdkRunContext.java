package dev.trainingrun.operator;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.dependents.NamespaceTrainerDependent;
import dev.trainingrun.operator.kueue.Kueue;
import dev.trainingrun.operator.kueue.KueueApi;
import dev.trainingrun.operator.kueue.KueueWorkload;
import dev.trainingrun.operator.status.Refusal;
import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A run's {@link RunContext} in the operator: the SDK's caches, workflow and resource operations. */
final class SdkRunContext implements RunContext {
    private final TrainingRun run;
    private final Context<TrainingRun> context;

    SdkRunContext(TrainingRun run, Context<TrainingRun> context) {
        this.run = run;
        this.context = context;
    }

    @Override
    public Optional<Job> job() {
        return context.getSecondaryResource(Job.class);
    }

    @Override
    public List<Pod> pods() {
        return List.copyOf(context.getSecondaryResources(Pod.class));
    }

    @Override
    public List<Event> failedCreates() {
        return List.copyOf(informer(Event.class, TrainingRunReconciler.FAILED_CREATES).getSecondaryResources(run));
    }

    @Override
    public Optional<TrainingRun> trainingRun(String name) {
        return context.getPrimaryCache().get(new ResourceID(name, run.getMetadata().getNamespace()));
    }

    @Override
    public Optional<PersistentVolumeClaim> claim(String name) {
        return informer(PersistentVolumeClaim.class, TrainingRunReconciler.CLAIM)
                .get(new ResourceID(name, run.getMetadata().getNamespace()));
    }

    @Override
    public List<Event> claimEvents(Set<String> claimUids) {
        return informer(Event.class, TrainingRunReconciler.CLAIM_EVENTS)
                .list(run.getMetadata().getNamespace(), event -> claimUids.contains(event.getInvolvedObject().getUid()))
                .toList();
    }

    @Override
    public Optional<Problem> queueRefusal() {
        return kueue().refusal(run);
    }

    @Override
    public Optional<KueueWorkload> workload() {
        return job().filter(Kueue::manages).flatMap(kueue()::workloadOf);
    }

    @Override
    public KueueWorkload setSuspended(KueueWorkload workload, boolean suspend) {
        return kueue().setSuspended(workload, suspend);
    }

    private KueueApi kueue() {
        return new KueueApi(context.getClient());
    }

    @Override
    public void reconcileDependents() {
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    }

    @Override
    public Optional<Problem> refusal() {
        return context.managedWorkflowAndDependentResourceContext().getWorkflowReconcileResult()
                .flatMap(result -> result.getErroredDependents().entrySet().stream()
                        .map(failed -> Refusal.of(failed.getValue(), object(failed.getKey()),
                                failed.getKey().getSecondaryResource(run, context).isPresent()))
                        .flatMap(Optional::stream)
                        .findFirst());
    }

    /** How a refusal names the object: the run's own (its Job, its claim), or its namespace's trainer object. */
    private static String object(DependentResource<?, ?> dependent) {
        return (dependent instanceof NamespaceTrainerDependent<?> ? "namespace's trainer " : "run's ")
                + dependent.resourceType().getSimpleName();
    }

    @Override
    public boolean nextReconciliationImminent() {
        return context.isNextReconciliationImminent();
    }

    @Override
    public TrainingRun applyStatus(TrainingRun applyObject) {
        return context.resourceOperations().serverSideApplyPrimaryStatus(applyObject);
    }

    @Override
    public void deleteJob(Job job) {
        context.getClient().resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }

    @SuppressWarnings("unchecked")
    private <R extends HasMetadata> InformerEventSource<R, TrainingRun> informer(Class<R> type, String name) {
        return (InformerEventSource<R, TrainingRun>) context.eventSourceRetriever().getEventSourceFor(type, name);
    }
}
