package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Which network to train and how many classes it tells apart. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {
    @JsonPropertyDescription("Network to train: ResNet18, ResNet34 or ResNet50 with torchvision's architecture, "
            + "or ResNet18RandomEncoder (a randomly initialised, frozen ResNet-18 encoder with a trained head).")
    @Default("ResNet18")
    private Architecture architecture = Architecture.ResNet18;

    @JsonPropertyDescription("Number of output classes; must equal the number of class folders in the data.")
    @Default("2")
    @Min(2)
    @Max(100000)
    private int numClasses = 2;

    public Architecture getArchitecture() {
        return architecture;
    }

    public void setArchitecture(Architecture architecture) {
        this.architecture = architecture;
    }

    public int getNumClasses() {
        return numClasses;
    }

    public void setNumClasses(int numClasses) {
        this.numClasses = numClasses;
    }
}
