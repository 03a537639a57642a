package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Which network to train, how many classes it tells apart, and what it starts from: the seed's initialisation, or
 * a torchvision state_dict on the data volume ({@code weights}), with the backbone trained or frozen, or another
 * run's checkpoint ({@code from}, a fork).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.architecture != 'ResNet18RandomEncoder' || !has(self.weights)",
        message = "ResNet18RandomEncoder keeps its random initialisation; to start from weights use ResNet18 "
                + "(with freezeBackbone: true to train only the final layer)",
        fieldPath = ".weights")
@ValidationRule(
        value = "!has(self.weights) || !has(self.from)",
        message = "a run starts either from weights or from another run's checkpoint (from), not both",
        fieldPath = ".from")
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

    @JsonPropertyDescription("Initial weights: a safetensors file in torchvision's state_dict layout (what "
            + "safetensors.torch.save_file(model.state_dict(), f) writes, and this trainer's model-*.safetensors "
            + "exports), as a path relative to the data volume's root. Every tensor must match the architecture's "
            + "name, shape and dtype (float32; int64 for num_batches_tracked) except the final layer fc, which is "
            + "initialised afresh from the seed when its shape does not fit numClasses. A restarted run continues "
            + "from its own checkpoints, not from these weights.")
    @Size(min = 1, max = 1024)
    @ValidationRule(value = DataSpec.INSIDE_VOLUME, message = DataSpec.INSIDE_VOLUME_MESSAGE)
    private String weights;

    @JsonPropertyDescription("Train only the final layer (fc): every other parameter keeps its initial value "
            + "(usually from weights) and gets neither gradients nor optimiser state; batch norm's running "
            + "statistics still follow the training data, as in PyTorch with requires_grad=False in train() mode.")
    @Default("false")
    private boolean freezeBackbone;

    @JsonPropertyDescription("Start from a checkpoint of another TrainingRun of this namespace (a fork) instead of "
            + "from torchvision's initialisation. The run's status (startedFrom) and config.json record which.")
    private RunSource from;

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

    public String getWeights() {
        return weights;
    }

    public void setWeights(String weights) {
        this.weights = weights;
    }

    public boolean isFreezeBackbone() {
        return freezeBackbone;
    }

    public void setFreezeBackbone(boolean freezeBackbone) {
        this.freezeBackbone = freezeBackbone;
    }

    public RunSource getFrom() {
        return from;
    }

    public void setFrom(RunSource from) {
        this.from = from;
    }
}
