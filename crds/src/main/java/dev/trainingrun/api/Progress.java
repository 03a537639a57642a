package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the trainer is within the run, refreshed every few seconds from inside the pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Progress {
    @JsonPropertyDescription("Epoch being trained, counting from 1.")
    private Integer epoch;

    @JsonPropertyDescription("Epochs the run trains in all.")
    private Integer totalEpochs;

    @JsonPropertyDescription("Optimiser steps taken since the run began.")
    private Long step;

    @JsonPropertyDescription("Optimiser steps the whole run takes.")
    private Long totalSteps;

    @JsonPropertyDescription("Training throughput over the last few seconds.")
    private Double imagesPerSecond;

    @JsonPropertyDescription("Estimated seconds until the last epoch is validated.")
    private Long secondsRemaining;

    @JsonPropertyDescription("Validation accuracy (0 to 1) of the newest finished epoch.")
    private Double valAccuracy;

    @JsonPropertyDescription("When the trainer last wrote this progress (RFC 3339).")
    private String updatedAt;

    public Integer getEpoch() {
        return epoch;
    }

    public void setEpoch(Integer epoch) {
        this.epoch = epoch;
    }

    public Integer getTotalEpochs() {
        return totalEpochs;
    }

    public void setTotalEpochs(Integer totalEpochs) {
        this.totalEpochs = totalEpochs;
    }

    public Long getStep() {
        return step;
    }

    public void setStep(Long step) {
        this.step = step;
    }

    public Long getTotalSteps() {
        return totalSteps;
    }

    public void setTotalSteps(Long totalSteps) {
        this.totalSteps = totalSteps;
    }

    public Double getImagesPerSecond() {
        return imagesPerSecond;
    }

    public void setImagesPerSecond(Double imagesPerSecond) {
        this.imagesPerSecond = imagesPerSecond;
    }

    public Long getSecondsRemaining() {
        return secondsRemaining;
    }

    public void setSecondsRemaining(Long secondsRemaining) {
        this.secondsRemaining = secondsRemaining;
    }

    public Double getValAccuracy() {
        return valAccuracy;
    }

    public void setValAccuracy(Double valAccuracy) {
        this.valAccuracy = valAccuracy;
    }

    public String getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(String updatedAt) {
        this.updatedAt = updatedAt;
    }
}
