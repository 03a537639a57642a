package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** The optimisation settings of the seed script: epochs, batch sizes, AdamW and its schedule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.warmupEpochs <= self.epochs",
        message = "warmupEpochs must not be greater than epochs",
        fieldPath = ".warmupEpochs")
public class TrainingSpec {
    @JsonPropertyDescription("Passes over the training set.")
    @Default("5")
    @Min(1)
    @Max(100000)
    private int epochs = 5;

    @JsonPropertyDescription("Images per training step, summed over all GPUs.")
    @Default("4")
    @Min(1)
    @Max(65536)
    private int batchSize = 4;

    @JsonPropertyDescription("Images per validation step.")
    @Default("4")
    @Min(1)
    @Max(65536)
    private int validationBatchSize = 4;

    @JsonPropertyDescription("Peak learning rate of AdamW, reached at the end of warm-up; "
            + "a cosine then takes it to zero at the last step.")
    @Default("0.001")
    @Min(value = 0, inclusive = false)
    @Max(10)
    private double learningRate = 0.001;

    @JsonPropertyDescription("Epochs over which the learning rate rises linearly from zero to learningRate.")
    @Default("1")
    @Min(0)
    private int warmupEpochs = 1;

    @JsonPropertyDescription("AdamW's decoupled weight decay.")
    @Default("0.01")
    @Min(0)
    @Max(1)
    private double weightDecay = 0.01;

    @JsonPropertyDescription("Seed for weight initialisation, data order and augmentation; "
            + "the same seed and thread count repeat a run.")
    @Default("0")
    @Min(0)
    private long seed = 0;

    @JsonPropertyDescription("libtorch's intra-op threads (torch.set_num_threads). Unset: the CPUs the container may "
            + "use (its CPU limit, as the JVM counts them), not the node's cores, which would oversubscribe them.")
    @Min(1)
    @Max(1024)
    private Integer intraOpThreads;

    @JsonPropertyDescription("Rules that end the run early, checked after each epoch: a target validation accuracy "
            + "and a patience. Left out: the run trains every epoch, unless its loss stops being finite.")
    private StopWhen stopWhen;

    public int getEpochs() {
        return epochs;
    }

    public void setEpochs(int epochs) {
        this.epochs = epochs;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public int getValidationBatchSize() {
        return validationBatchSize;
    }

    public void setValidationBatchSize(int validationBatchSize) {
        this.validationBatchSize = validationBatchSize;
    }

    public double getLearningRate() {
        return learningRate;
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public int getWarmupEpochs() {
        return warmupEpochs;
    }

    public void setWarmupEpochs(int warmupEpochs) {
        this.warmupEpochs = warmupEpochs;
    }

    public double getWeightDecay() {
        return weightDecay;
    }

    public void setWeightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public Integer getIntraOpThreads() {
        return intraOpThreads;
    }

    public void setIntraOpThreads(Integer intraOpThreads) {
        this.intraOpThreads = intraOpThreads;
    }

    public StopWhen getStopWhen() {
        return stopWhen;
    }

    public void setStopWhen(StopWhen stopWhen) {
        this.stopWhen = stopWhen;
    }
}
