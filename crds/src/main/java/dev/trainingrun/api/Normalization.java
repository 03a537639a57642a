package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Per-channel mean and standard deviation, as torchvision's {@code Normalize} takes them. The lists carry a
 * maximum length as well as the CEL rule because the API server refuses rules over unbounded lists as too costly.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "size(self.mean) == 3 && size(self.std) == 3",
        message = "mean and std need exactly three numbers each, one per RGB channel")
@ValidationRule(value = "self.std.all(s, s > 0.0)", message = "every std value must be greater than 0")
public class Normalization {
    @JsonPropertyDescription("Whether to normalise at all; false feeds pixels scaled to [0, 1] as they are.")
    @Default("true")
    private boolean enabled = true;

    @JsonPropertyDescription("Mean of the red, green and blue channels, subtracted from each pixel.")
    @Default("[0.5, 0.5, 0.5]")
    @Size(max = 3)
    private List<Double> mean = List.of(0.5, 0.5, 0.5);

    @JsonPropertyDescription("Standard deviation of the red, green and blue channels; each pixel is divided by it.")
    @Default("[0.5, 0.5, 0.5]")
    @Size(max = 3)
    private List<Double> std = List.of(0.5, 0.5, 0.5);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<Double> getMean() {
        return mean;
    }

    public void setMean(List<Double> mean) {
        this.mean = mean;
    }

    public List<Double> getStd() {
        return std;
    }

    public void setStd(List<Double> std) {
        this.std = std;
    }
}
