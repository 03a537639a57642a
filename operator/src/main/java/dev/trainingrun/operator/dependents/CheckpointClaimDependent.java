package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.CheckpointSpec;
import dev.trainingrun.api.ReclaimPolicy;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checkpoint claim the operator makes when the run names none. It is created once and never changed
 * (claims barely allow it), and owned by the run only under the Delete reclaim policy: under Retain the
 * checkpoints outlive the run.
 *
 * <p>Its informer watches every claim in the watched namespaces, not only the operator's, because the reconciler
 * also checks that the claims a run names exist, and a run waiting for a missing claim must wake when it appears.
 */
public class CheckpointClaimDependent extends KubernetesDependentResource<PersistentVolumeClaim, TrainingRun>
        implements Creator<PersistentVolumeClaim, TrainingRun> {
    static final Quantity DEFAULT_SIZE = new Quantity("10Gi");

    public CheckpointClaimDependent() {
        super(PersistentVolumeClaim.class);
    }

    @Override
    protected PersistentVolumeClaim desired(TrainingRun run, Context<TrainingRun> context) {
        return desiredClaim(run);
    }

    static PersistentVolumeClaim desiredClaim(TrainingRun run) {
        CheckpointSpec checkpoints = run.getSpec().getCheckpoints();
        PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder()
                .withMetadata(RunResources.metadata(run, RunResources.operatorClaimName(run)))
                .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withStorageClassName(checkpoints.getStorageClassName())
                    .withNewResources()
                        .addToRequests("storage", checkpoints.getSize() != null ? checkpoints.getSize() : DEFAULT_SIZE)
                    .endResources()
                .endSpec()
                .build();
        if (checkpoints.getReclaimPolicy() == ReclaimPolicy.Delete) {
            claim.addOwnerReference(run);
        }
        return claim;
    }

    /** Ownership is decided per run in {@link #desiredClaim}; the SDK's own marking is not wanted. */
    @Override
    protected void addReferenceHandlingMetadata(PersistentVolumeClaim desired, TrainingRun run) {
        // nothing to add
    }

    /** Looked up by name: the claim may predate the run (Retain, same name) and carry no mark of it. */
    @Override
    public Optional<PersistentVolumeClaim> getSecondaryResource(TrainingRun run, Context<TrainingRun> context) {
        return eventSource().flatMap(claims -> claims.get(
                new ResourceID(RunResources.operatorClaimName(run), run.getMetadata().getNamespace())));
    }

    /** A claim event concerns every run in its namespace that mounts a claim of that name. */
    @Override
    protected Optional<SecondaryToPrimaryMapper<PersistentVolumeClaim>> getSecondaryToPrimaryMapper(
            EventSourceContext<TrainingRun> context) {
        return Optional.of(claim -> claimants(claim.getMetadata().getNamespace(), claim.getMetadata().getName(),
                context));
    }

    /** The runs of {@code namespace} whose pod mounts the claim {@code name}. */
    public static Set<ResourceID> claimants(String namespace, String name, EventSourceContext<TrainingRun> context) {
        return context.getPrimaryCache()
                .list(namespace, run -> RunResources.mountedClaims(run).contains(name))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }
}
