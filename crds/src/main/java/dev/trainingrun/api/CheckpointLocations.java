package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.trainingrun.api.StatusOwner.OwnedBy;

/** Where a person finds the run's files without listing the volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointLocations {
    @JsonPropertyDescription("The PersistentVolumeClaim that holds the run's files.")
    @OwnedBy(StatusOwner.OPERATOR)
    private String claimName;

    @JsonPropertyDescription("The run's directory inside that claim.")
    @OwnedBy(StatusOwner.OPERATOR)
    private String directory;

    @JsonPropertyDescription("Newest checkpoint, relative to the run's directory.")
    @OwnedBy(StatusOwner.TRAINER)
    private String latest;

    @JsonPropertyDescription("Checkpoint with the highest validation accuracy, relative to the run's directory.")
    @OwnedBy(StatusOwner.TRAINER)
    private String best;

    @JsonPropertyDescription("The step checkpoint: saved within an epoch when the pod was asked to stop and every "
            + "spec.checkpoints.interval, relative to the run's directory; a restarted pod continues from it when it is "
            + "newer than the newest epoch checkpoint.")
    @OwnedBy(StatusOwner.TRAINER)
    private String step;

    @JsonPropertyDescription("Optimiser steps since the run began that the step checkpoint holds.")
    @OwnedBy(StatusOwner.TRAINER)
    private Long stepCheckpointStep;

    public String getClaimName() {
        return claimName;
    }

    public void setClaimName(String claimName) {
        this.claimName = claimName;
    }

    public String getDirectory() {
        return directory;
    }

    public void setDirectory(String directory) {
        this.directory = directory;
    }

    public String getLatest() {
        return latest;
    }

    public void setLatest(String latest) {
        this.latest = latest;
    }

    public String getBest() {
        return best;
    }

    public void setBest(String best) {
        this.best = best;
    }

    public String getStep() {
        return step;
    }

    public void setStep(String step) {
        this.step = step;
    }

    public Long getStepCheckpointStep() {
        return stepCheckpointStep;
    }

    public void setStepCheckpointStep(Long stepCheckpointStep) {
        this.stepCheckpointStep = stepCheckpointStep;
    }
}
