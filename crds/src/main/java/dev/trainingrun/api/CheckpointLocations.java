package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a person finds the run's files without listing the volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointLocations {
    @JsonPropertyDescription("The PersistentVolumeClaim that holds the run's files.")
    private String claimName;

    @JsonPropertyDescription("The run's directory inside that claim.")
    private String directory;

    @JsonPropertyDescription("Newest checkpoint, relative to the run's directory.")
    private String latest;

    @JsonPropertyDescription("Checkpoint with the highest validation accuracy, relative to the run's directory.")
    private String best;

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
}
