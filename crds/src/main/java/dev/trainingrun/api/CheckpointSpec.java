package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/** Where checkpoints go, when they are written, and how many are kept. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = QuantityPattern.class, input = "size")
@ValidationRule(
        value = "!has(self.claimName) || (!has(self.size) && !has(self.storageClassName))",
        message = "size and storageClassName describe a claim the operator makes; "
                + "leave them out when claimName names an existing claim")
public class CheckpointSpec {
    /**
     * Ten minutes: a ResNet-50 step checkpoint (weights and both AdamW moments, about 300 MB) takes seconds to write
     * (docs/trainer.md has the measurements), a small share of ten minutes of training; and a pod lost without
     * warning redoes five minutes of training on average.
     */
    public static final String DEFAULT_INTERVAL = "10m";
    /** The shortest interval but 0s: saving more often would spend a large share of training on writing. */
    public static final String MIN_INTERVAL = "30s";

    @JsonPropertyDescription("An existing PersistentVolumeClaim in the run's namespace to write checkpoints to. "
            + "When left out, the operator makes a claim named <run>-checkpoints.")
    @Pattern(SchemaPatterns.DNS_SUBDOMAIN)
    private String claimName;

    @JsonPropertyDescription("Size of the claim the operator makes, e.g. 20Gi; 10Gi when left out.")
    private Quantity size;

    @JsonPropertyDescription("Storage class of the claim the operator makes; the cluster's default when left out. "
            + "An empty string asks for no class, as in a PersistentVolumeClaim: the claim then binds only to an "
            + "existing PersistentVolume without a class.")
    @Pattern("^$|" + SchemaPatterns.DNS_SUBDOMAIN)
    private String storageClassName;

    @JsonPropertyDescription("Retain keeps the operator-made claim after the run is deleted; "
            + "Delete lets it be garbage-collected with the run. Claims named by claimName are never deleted.")
    @Default("Retain")
    private ReclaimPolicy reclaimPolicy = ReclaimPolicy.Retain;

    @JsonPropertyDescription("Save a checkpoint after each epoch whose number is greater than this "
            + "(the seed's save_station); epochs count from 1.")
    @Default("1")
    @Min(0)
    private int saveAfterEpoch = 1;

    @JsonPropertyDescription("How many of the newest checkpoints to keep; the best one is always kept as well.")
    @Default("3")
    @Min(1)
    @Max(1000)
    private int keep = 3;

    @JsonPropertyDescription("How often the trainer also saves a step checkpoint while it trains, for a pod that is "
            + "killed without warning (SIGKILL, a lost node): at most this much training is redone. A pod asked to "
            + "stop (SIGTERM: deletion, eviction, preemption, drain, suspension) always saves one at the next step, "
            + "so nothing is redone. A duration such as 90s, 10m or 1h30m, at least 30s; 0s saves only on SIGTERM. "
            + "The step checkpoint is one rolling file beside the epoch checkpoints.")
    @Default(DEFAULT_INTERVAL)
    @Pattern(Durations.PATTERN)
    @ValidationRule(value = "duration(self) == duration('0s') || duration(self) >= duration('" + MIN_INTERVAL + "')",
            message = "must be 0s (save only when asked to stop) or at least " + MIN_INTERVAL)
    private String interval = DEFAULT_INTERVAL;

    @JsonPropertyDescription("Whether a restarted pod continues from the newest readable checkpoint.")
    @Default("true")
    private boolean resume = true;

    public String getClaimName() {
        return claimName;
    }

    public void setClaimName(String claimName) {
        this.claimName = claimName;
    }

    public Quantity getSize() {
        return size;
    }

    public void setSize(Quantity size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }

    public ReclaimPolicy getReclaimPolicy() {
        return reclaimPolicy;
    }

    public void setReclaimPolicy(ReclaimPolicy reclaimPolicy) {
        this.reclaimPolicy = reclaimPolicy;
    }

    public int getSaveAfterEpoch() {
        return saveAfterEpoch;
    }

    public void setSaveAfterEpoch(int saveAfterEpoch) {
        this.saveAfterEpoch = saveAfterEpoch;
    }

    public int getKeep() {
        return keep;
    }

    public void setKeep(int keep) {
        this.keep = keep;
    }

    public String getInterval() {
        return interval;
    }

    public void setInterval(String interval) {
        this.interval = interval;
    }

    public boolean isResume() {
        return resume;
    }

    public void setResume(boolean resume) {
        this.resume = resume;
    }
}
