package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The run a fork starts from ({@code spec.model.from}): another TrainingRun of the same namespace, one of its
 * checkpoints, and what to take from it. The operator mounts the source's checkpoint claim read-only into the fork's
 * pod; the trainer loads the checkpoint before the fork's first step, unless the fork has checkpoints of its own to
 * resume from.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.checkpoint != 'Epoch' || has(self.epoch)",
        message = "checkpoint: Epoch needs epoch, the source's epoch whose checkpoint to start from")
@ValidationRule(value = "self.checkpoint == 'Epoch' || !has(self.epoch)",
        message = "epoch is only for checkpoint: Epoch; Best and Latest name their checkpoint themselves")
public class RunSource {
    @JsonPropertyDescription("Name of the TrainingRun to start from, in this run's namespace. Its architecture "
            + "and numClasses must equal this run's.")
    @Required
    @Pattern(SchemaPatterns.DNS_SUBDOMAIN)
    private String run;

    @JsonPropertyDescription("Which of the source's checkpoints: Best (its best validation accuracy), Latest (its "
            + "newest epoch checkpoint) or Epoch (the one of epoch, which must have been saved and kept).")
    @Default("Best")
    private SourceCheckpoint checkpoint = SourceCheckpoint.Best;

    @JsonPropertyDescription("The source's epoch whose checkpoint to start from; only with checkpoint: Epoch.")
    @Min(1)
    private Integer epoch;

    @JsonPropertyDescription("Weights (the network's parameters and batch-norm statistics) or WeightsAndOptimizer "
            + "(also AdamW's moments and step counts). This run's own learning-rate schedule applies from its "
            + "first step either way.")
    @Default("Weights")
    private SourceInclude include = SourceInclude.Weights;

    public String getRun() {
        return run;
    }

    public void setRun(String run) {
        this.run = run;
    }

    public SourceCheckpoint getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(SourceCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    public Integer getEpoch() {
        return epoch;
    }

    public void setEpoch(Integer epoch) {
        this.epoch = epoch;
    }

    public SourceInclude getInclude() {
        return include;
    }

    public void setInclude(SourceInclude include) {
        this.include = include;
    }
}
