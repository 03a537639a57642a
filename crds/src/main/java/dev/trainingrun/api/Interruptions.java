package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The times the run's training pod stopped before the run ended and a later pod continued, and the training they
 * cost: steps trained a second time because they were done after the newest checkpoint. Written by the trainer
 * from the run's folder ({@code interruptions.jsonl}), so the count survives the pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Interruptions {
    @JsonPropertyDescription("How many times a pod stopped or was killed in the middle of the run.")
    private Integer count;

    @JsonPropertyDescription("Optimiser steps trained again after those interruptions, in all.")
    private Long stepsRedone;

    @JsonPropertyDescription("Training time those redone steps took the first time, in seconds.")
    private Double secondsLost;

    @JsonPropertyDescription("How the newest interruption ended the pod: Stopped (asked to stop, it saved a step "
            + "checkpoint first: nothing redone) or Killed (it ended without saving: SIGKILL, a lost node, "
            + "a crash).")
    private String lastCause;

    @JsonPropertyDescription("When the run resumed after the newest interruption (RFC 3339).")
    private String lastResumedAt;

    public Integer getCount() {
        return count;
    }

    public void setCount(Integer count) {
        this.count = count;
    }

    public Long getStepsRedone() {
        return stepsRedone;
    }

    public void setStepsRedone(Long stepsRedone) {
        this.stepsRedone = stepsRedone;
    }

    public Double getSecondsLost() {
        return secondsLost;
    }

    public void setSecondsLost(Double secondsLost) {
        this.secondsLost = secondsLost;
    }

    public String getLastCause() {
        return lastCause;
    }

    public void setLastCause(String lastCause) {
        this.lastCause = lastCause;
    }

    public String getLastResumedAt() {
        return lastResumedAt;
    }

    public void setLastResumedAt(String lastResumedAt) {
        this.lastResumedAt = lastResumedAt;
    }
}
