package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The images the trainer found in the run's data folders, and those it had to leave out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageCounts {
    @JsonPropertyDescription("Training images, found in spec.data.trainDir when the run started (unreadable files "
            + "left out).")
    private Integer train;

    @JsonPropertyDescription("Validation images, found in spec.data.valDir when the run started (unreadable files "
            + "left out).")
    private Integer validation;

    @JsonPropertyDescription("Image files left out because they cannot be read (corrupt, truncated, not an image, too "
            + "large), when the run started or while it trained; each is named in the trainer's log and in "
            + "skipped-images.jsonl in the run's directory.")
    private Integer skipped;

    public Integer getTrain() {
        return train;
    }

    public void setTrain(Integer train) {
        this.train = train;
    }

    public Integer getValidation() {
        return validation;
    }

    public void setValidation(Integer validation) {
        this.validation = validation;
    }

    public Integer getSkipped() {
        return skipped;
    }

    public void setSkipped(Integer skipped) {
        this.skipped = skipped;
    }
}
