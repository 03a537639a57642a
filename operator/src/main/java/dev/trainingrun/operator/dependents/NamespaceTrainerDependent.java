package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainerPod;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnAddFilter;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One of the objects every trainer of a namespace shares ({@link TrainerPod#SERVICE_ACCOUNT}): made by whichever run
 * of the namespace is reconciled first, found by name by all the others, and never deleted with a run (no owner
 * reference: it belongs to no single run). Before a run's Job exists it costs nothing but a cache lookup, which is
 * why it replaced a ServiceAccount, Role and RoleBinding per run (docs/performance.md).
 *
 * <p>Subclasses' informers pass on deletions only ({@link NoAdditions}, {@link NoUpdates}): a removed object is made
 * again for the runs of its namespace, whose trainers would otherwise fail to start or to report. Someone else's
 * edit of the Role or RoleBinding is not watched: it is undone at the next reconcile of a run of the namespace.
 */
public abstract class NamespaceTrainerDependent<R extends HasMetadata> extends KubernetesDependentResource<R, TrainingRun>
        implements Creator<R, TrainingRun> {

    NamespaceTrainerDependent(Class<R> type) {
        super(type);
    }

    /** Metadata of the namespace's object: its fixed name and the operator's label, nothing of any run. */
    static ObjectMeta metadata(TrainingRun run) {
        return new ObjectMetaBuilder()
                .withName(TrainerPod.SERVICE_ACCOUNT)
                .withNamespace(run.getMetadata().getNamespace())
                .withLabels(Map.of(RunResources.MANAGED_BY, RunResources.OPERATOR))
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(TrainingRun run, Context<TrainingRun> context) {
        return new ResourceID(TrainerPod.SERVICE_ACCOUNT, run.getMetadata().getNamespace());
    }

    /**
     * Looked up by name in the informer's cache: the SDK's index of secondaries by primary knows only the runs that
     * existed when the object was last seen, not those created since.
     */
    @Override
    public Optional<R> getSecondaryResource(TrainingRun run, Context<TrainingRun> context) {
        return eventSource().flatMap(source -> source.get(targetSecondaryResourceID(run, context)));
    }

    /** Made without an owner reference or the SDK's annotations naming a run: it is the namespace's. */
    @Override
    protected void addReferenceHandlingMetadata(R desired, TrainingRun run) {
        // Deliberately nothing: see the class comment.
    }

    /**
     * Applied whether or not it exists already: many runs of a new namespace may make it at the same moment, and an
     * apply that finds it made is a no-op where a create would fail with a conflict.
     */
    @Override
    public R create(R desired, TrainingRun run, Context<TrainingRun> context) {
        return context.resourceOperations().serverSideApply(desired, eventSource().orElse(null));
    }

    @Override
    protected Optional<SecondaryToPrimaryMapper<R>> getSecondaryToPrimaryMapper(
            EventSourceContext<TrainingRun> context) {
        // Only the namespace's object concerns its runs; others with the operator's label (the per-run objects an
        // earlier version made) map to none, or each would map to every run of its namespace.
        return Optional.of(object -> !TrainerPod.SERVICE_ACCOUNT.equals(object.getMetadata().getName()) ? Set.of()
                : context.getPrimaryCache().list(object.getMetadata().getNamespace())
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()));
    }

    /** With {@link NoUpdates}, makes the informer pass on deletions only. */
    public static final class NoAdditions implements OnAddFilter<HasMetadata> {
        @Override
        public boolean accept(HasMetadata added) {
            return false;
        }
    }

    /** See {@link NoAdditions}. */
    public static final class NoUpdates implements OnUpdateFilter<HasMetadata> {
        @Override
        public boolean accept(HasMetadata updated, HasMetadata old) {
            return false;
        }
    }
}
