package dev.trainingrun.operator.dependents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.Runs;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

/** The claim the operator makes, and who owns it. */
class CheckpointClaimDependentTest {

    @Test
    void underRetainTheClaimHasNoOwnerAndTheDefaultSize() {
        PersistentVolumeClaim claim = CheckpointClaimDependent.desiredClaim(Runs.minimal());
        assertEquals("cats-checkpoints", claim.getMetadata().getName());
        assertEquals(new Quantity("10Gi"), claim.getSpec().getResources().getRequests().get("storage"));
        assertNull(claim.getSpec().getStorageClassName(), "the cluster's default class");
        assertTrue(claim.getMetadata().getOwnerReferences().isEmpty());
    }

    @Test
    void underDeleteTheRunOwnsTheClaim() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {nfs: {server: s, path: /d}}}, "
                + "checkpoints: {size: 2Gi, storageClassName: fast, reclaimPolicy: Delete}}");
        PersistentVolumeClaim claim = CheckpointClaimDependent.desiredClaim(run);
        assertEquals(new Quantity("2Gi"), claim.getSpec().getResources().getRequests().get("storage"));
        assertEquals("fast", claim.getSpec().getStorageClassName());
        assertEquals(Runs.UID, claim.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals("TrainingRun", claim.getMetadata().getOwnerReferences().get(0).getKind());
    }
}
