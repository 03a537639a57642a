package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The epoch with the highest validation accuracy so far. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BestResult {
    @JsonPropertyDescription("Epoch with the highest validation accuracy.")
    private Integer epoch;

    @JsonPropertyDescription("That epoch's validation accuracy, 0 to 1.")
    private Double valAccuracy;

    @JsonPropertyDescription("That epoch's checkpoint, relative to the run's directory, if one was saved.")
    private String checkpoint;

    public Integer getEpoch() {
        return epoch;
    }

    public void setEpoch(Integer epoch) {
        this.epoch = epoch;
    }

    public Double getValAccuracy() {
        return valAccuracy;
    }

    public void setValAccuracy(Double valAccuracy) {
        this.valAccuracy = valAccuracy;
    }

    public String getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(String checkpoint) {
        this.checkpoint = checkpoint;
    }
}
