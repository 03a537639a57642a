package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Rules that end a run before its last epoch, checked after each epoch's validation; either may be left out. A run
 * ended by one finishes as if that epoch were its last ({@link StopReason}). A non-finite training loss always ends
 * the run ({@link StopReason#Diverged}) and needs no field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StopWhen {
    @JsonPropertyDescription("Stop (reason TargetReached) after the first epoch whose validation accuracy is at "
            + "least this, a fraction from 0 to 1 like status.epochs[].valAccuracy (0.95 is 95 %).")
    @Min(value = 0, inclusive = false)
    @Max(1)
    private Double validationAccuracy;

    @JsonPropertyDescription("Stop (reason NoImprovement) once this many epochs in a row brought no new best epoch "
            + "(status.best: higher validation accuracy, or the same with lower validation loss); counted over the "
            + "whole run, across restarts.")
    @Min(1)
    @Max(100000)
    private Integer epochsWithoutImprovement;

    public Double getValidationAccuracy() {
        return validationAccuracy;
    }

    public void setValidationAccuracy(Double validationAccuracy) {
        this.validationAccuracy = validationAccuracy;
    }

    public Integer getEpochsWithoutImprovement() {
        return epochsWithoutImprovement;
    }

    public void setEpochsWithoutImprovement(Integer epochsWithoutImprovement) {
        this.epochsWithoutImprovement = epochsWithoutImprovement;
    }
}
