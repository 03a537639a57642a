package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The metrics of one finished epoch, as the seed prints them after validation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EpochResult {
    @JsonPropertyDescription("Epoch number, counting from 1; the key of the epochs list.")
    @Required
    private int epoch;

    @JsonPropertyDescription("Mean training cross-entropy over the epoch's steps.")
    private Double trainLoss;

    @JsonPropertyDescription("Mean validation cross-entropy per image.")
    private Double valLoss;

    @JsonPropertyDescription("Share of validation images classified correctly, 0 to 1.")
    private Double valAccuracy;

    @JsonPropertyDescription("Learning rate at the epoch's last step.")
    private Double learningRate;

    @JsonPropertyDescription("Wall-clock seconds the epoch took, validation included.")
    private Double seconds;

    @JsonPropertyDescription("Checkpoint written after this epoch, relative to the run's directory; "
            + "absent when none was saved.")
    private String checkpoint;

    public EpochResult() {}

    public EpochResult(int epoch) {
        this.epoch = epoch;
    }

    public int getEpoch() {
        return epoch;
    }

    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    public Double getTrainLoss() {
        return trainLoss;
    }

    public void setTrainLoss(Double trainLoss) {
        this.trainLoss = trainLoss;
    }

    public Double getValLoss() {
        return valLoss;
    }

    public void setValLoss(Double valLoss) {
        this.valLoss = valLoss;
    }

    public Double getValAccuracy() {
        return valAccuracy;
    }

    public void setValAccuracy(Double valAccuracy) {
        this.valAccuracy = valAccuracy;
    }

    public Double getLearningRate() {
        return learningRate;
    }

    public void setLearningRate(Double learningRate) {
        this.learningRate = learningRate;
    }

    public Double getSeconds() {
        return seconds;
    }

    public void setSeconds(Double seconds) {
        this.seconds = seconds;
    }

    public String getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(String checkpoint) {
        this.checkpoint = checkpoint;
    }
}
