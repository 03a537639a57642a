package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/** Where checkpoints go, when they are written, and how many are kept. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.claimName) || (!has(self.size) && !has(self.storageClassName))",
        message = "size and storageClassName describe a claim the operator makes; "
                + "leave them out when claimName names an existing claim")
public class CheckpointSpec {
    static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    @JsonPropertyDescription("An existing PersistentVolumeClaim in the run's namespace to write checkpoints to. "
            + "When left out, the operator makes a claim named <run>-checkpoints.")
    @Pattern(DNS_SUBDOMAIN)
    private String claimName;

    @JsonPropertyDescription("Size of the claim the operator makes; 10Gi when left out.")
    private Quantity size;

    @JsonPropertyDescription("Storage class of the claim the operator makes; the cluster's default when left out.")
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

    public boolean isResume() {
        return resume;
    }

    public void setResume(boolean resume) {
        this.resume = resume;
    }
}
