package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The newest pod the run's Job made: where to look ({@code kubectl logs}), and the mark the operator counts from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingPod {
    @JsonPropertyDescription("The pod's name.")
    private String name;

    @JsonPropertyDescription("When the pod was made (RFC 3339); pods made after it are new attempts.")
    private String creationTimestamp;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getCreationTimestamp() {
        return creationTimestamp;
    }

    public void setCreationTimestamp(String creationTimestamp) {
        this.creationTimestamp = creationTimestamp;
    }
}
