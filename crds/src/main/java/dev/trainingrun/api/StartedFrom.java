package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A fork's lineage: the run and checkpoint it started from ({@code spec.model.from}, resolved by the trainer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StartedFrom {
    @JsonPropertyDescription("The source TrainingRun's name.")
    private String run;

    @JsonPropertyDescription("The source run's uid, as its config.json records it (absent when unknown).")
    private String uid;

    @JsonPropertyDescription("The checkpoint loaded, relative to the source run's directory.")
    private String checkpoint;

    @JsonPropertyDescription("The source's epoch that checkpoint holds.")
    private Integer epoch;

    @JsonPropertyDescription("What was taken from it: Weights or WeightsAndOptimizer.")
    private String include;

    public String getRun() {
        return run;
    }

    public void setRun(String run) {
        this.run = run;
    }

    public String getUid() {
        return uid;
    }

    public void setUid(String uid) {
        this.uid = uid;
    }

    public String getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(String checkpoint) {
        this.checkpoint = checkpoint;
    }

    public Integer getEpoch() {
        return epoch;
    }

    public void setEpoch(Integer epoch) {
        this.epoch = epoch;
    }

    public String getInclude() {
        return include;
    }

    public void setInclude(String include) {
        this.include = include;
    }
}
