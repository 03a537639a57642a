package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How the run's Job retries, times out, cleans up and pauses; the only settings that stay editable. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunPolicy {
    @JsonPropertyDescription("Pod failures the Job retries before the run is Failed; "
            + "each retry resumes from the newest checkpoint.")
    @Default("3")
    @Min(0)
    @Max(100)
    private int backoffLimit = 3;

    @JsonPropertyDescription("Seconds the run may be active in all, summed over its active periods: time "
            + "suspended (by runPolicy.suspend, or by a queue such as Kueue) does not count and does not restart "
            + "the count, unlike a Job's own activeDeadlineSeconds. Active means what it means for a Job: from "
            + "the moment its pod may be created, scheduling and image pulls included. Once the sum reaches it, "
            + "the run is Failed with reason DeadlineExceeded; status.activeSeconds shows the sum so far. May be "
            + "set or changed while the run lives. No limit when left out.")
    @Min(1)
    private Long activeDeadlineSeconds;

    @JsonPropertyDescription("Seconds after the run finishes before its Job and pods are removed; "
            + "the TrainingRun, its status and the checkpoints stay. Kept forever when left out.")
    @Min(0)
    private Integer ttlSecondsAfterFinished;

    @JsonPropertyDescription("True stops the training pod and keeps everything else; "
            + "setting it back to false resumes from the newest checkpoint.")
    @Default("false")
    private boolean suspend = false;

    public int getBackoffLimit() {
        return backoffLimit;
    }

    public void setBackoffLimit(int backoffLimit) {
        this.backoffLimit = backoffLimit;
    }

    public Long getActiveDeadlineSeconds() {
        return activeDeadlineSeconds;
    }

    public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
        this.activeDeadlineSeconds = activeDeadlineSeconds;
    }

    public Integer getTtlSecondsAfterFinished() {
        return ttlSecondsAfterFinished;
    }

    public void setTtlSecondsAfterFinished(Integer ttlSecondsAfterFinished) {
        this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
    }

    public boolean isSuspend() {
        return suspend;
    }

    public void setSuspend(boolean suspend) {
        this.suspend = suspend;
    }
}
