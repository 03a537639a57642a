package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The seed script's whole argument set, grouped, plus what running it on Kubernetes needs.
 *
 * <p>Everything that decides what is trained is fixed at creation; only {@link RunPolicy} stays editable,
 * so a run can be suspended, resumed or given more time without turning into a different experiment.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.model == oldSelf.model", message = "spec.model is immutable once the run exists; "
        + "create a new TrainingRun instead", fieldPath = ".model")
@ValidationRule(value = "self.data == oldSelf.data", message = "spec.data is immutable once the run exists; "
        + "create a new TrainingRun instead", fieldPath = ".data")
@ValidationRule(value = "self.training == oldSelf.training", message = "spec.training is immutable once the run "
        + "exists; create a new TrainingRun instead", fieldPath = ".training")
@ValidationRule(value = "self.checkpoints == oldSelf.checkpoints", message = "spec.checkpoints is immutable once "
        + "the run exists; create a new TrainingRun instead", fieldPath = ".checkpoints")
@ValidationRule(value = "self.resources == oldSelf.resources", message = "spec.resources is immutable once the "
        + "run exists; create a new TrainingRun instead", fieldPath = ".resources")
@ValidationRule(value = "has(self.image) == has(oldSelf.image) && (!has(self.image) || self.image == oldSelf.image)",
        message = "spec.image is immutable once the run exists; create a new TrainingRun instead",
        fieldPath = ".image")
public class TrainingRunSpec {
    @JsonPropertyDescription("The network and its number of classes.")
    @Default("{}")
    private ModelSpec model = new ModelSpec();

    @JsonPropertyDescription("The data set: where it lives and how images are prepared.")
    @Required
    private DataSpec data;

    @JsonPropertyDescription("Epochs, batch sizes, learning rate, warm-up, weight decay and seed.")
    @Default("{}")
    private TrainingSpec training = new TrainingSpec();

    @JsonPropertyDescription("Where checkpoints are written, when, and how many are kept.")
    @Default("{}")
    private CheckpointSpec checkpoints = new CheckpointSpec();

    @JsonPropertyDescription("GPUs, CPU, memory and scheduling constraints of the training pod.")
    @Default("{}")
    private ResourceSpec resources = new ResourceSpec();

    @JsonPropertyDescription("Retries, deadline, clean-up and suspension; editable while the run exists.")
    @Default("{}")
    private RunPolicy runPolicy = new RunPolicy();

    @JsonPropertyDescription("Trainer image for this run, e.g. registry.example/trainingrun/trainer:1.2; the "
            + "operator's default trainer image when left out. Where the operator's security policy lists image "
            + "prefixes (policy.imagePrefixes), it must lie under one of them.")
    @Pattern(SchemaPatterns.IMAGE)
    private String image;

    public ModelSpec getModel() {
        return model;
    }

    public void setModel(ModelSpec model) {
        this.model = model;
    }

    public DataSpec getData() {
        return data;
    }

    public void setData(DataSpec data) {
        this.data = data;
    }

    public TrainingSpec getTraining() {
        return training;
    }

    public void setTraining(TrainingSpec training) {
        this.training = training;
    }

    public CheckpointSpec getCheckpoints() {
        return checkpoints;
    }

    public void setCheckpoints(CheckpointSpec checkpoints) {
        this.checkpoints = checkpoints;
    }

    public ResourceSpec getResources() {
        return resources;
    }

    public void setResources(ResourceSpec resources) {
        this.resources = resources;
    }

    public RunPolicy getRunPolicy() {
        return runPolicy;
    }

    public void setRunPolicy(RunPolicy runPolicy) {
        this.runPolicy = runPolicy;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }
}
