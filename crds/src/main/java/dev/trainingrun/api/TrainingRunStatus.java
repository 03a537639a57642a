package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.trainingrun.api.StatusOwner.OwnedBy;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What is known about a run. Two writers share it through server-side apply, each under its own field manager and
 * owning only its own fields, as each field's {@link OwnedBy} says ({@link StatusOwner}): the operator (phase,
 * conditions, Job and pod bookkeeping, where the run's files are) and the trainer inside the pod (progress, epochs,
 * best, checkpoints, interruptions, images). Lists are map-lists so that the API server merges entries by key instead
 * of replacing the whole list.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = MapListKeys.class, input = "conditions=type,epochs=epoch")
public class TrainingRunStatus {
    /** How many epochs the status keeps; metrics.jsonl on the checkpoint volume keeps them all. */
    public static final int MAX_EPOCHS = 100;

    @JsonPropertyDescription("The spec generation the operator last acted on.")
    @OwnedBy(StatusOwner.OPERATOR)
    private Long observedGeneration;

    @JsonPropertyDescription("Pending, Running, Succeeded, Failed or Suspended.")
    @OwnedBy(StatusOwner.OPERATOR)
    private Phase phase;

    @JsonPropertyDescription("Standard conditions: Ready, Running, Succeeded, Failed, Suspended and Stuck, "
            + "each with a reason that names the cause and a message with the details.")
    @OwnedBy(StatusOwner.OPERATOR)
    private List<Condition> conditions;

    @JsonPropertyDescription("Name of the Job that runs the training pod.")
    @OwnedBy(StatusOwner.OPERATOR)
    private String jobName;

    @JsonPropertyDescription("When the first training pod started (RFC 3339).")
    @OwnedBy(StatusOwner.OPERATOR)
    private String startTime;

    @JsonPropertyDescription("When the run reached Succeeded or Failed (RFC 3339).")
    @OwnedBy(StatusOwner.OPERATOR)
    private String completionTime;

    @JsonPropertyDescription("Training pods the Job has made so far: retries, and the pods that replaced one "
            + "evicted, preempted, deleted or suspended.")
    @OwnedBy(StatusOwner.OPERATOR)
    private Integer attempts;

    @JsonPropertyDescription("The newest training pod.")
    @OwnedBy(StatusOwner.OPERATOR)
    private TrainingPod pod;

    @JsonPropertyDescription("Seconds the run was active (its Job not suspended) in its earlier active periods, "
            + "summed; once the run has finished, its whole active time. The current period, if any, began at "
            + "activeSince. spec.runPolicy.activeDeadlineSeconds limits the sum.")
    @OwnedBy(StatusOwner.OPERATOR)
    private Long activeSeconds;

    @JsonPropertyDescription("When the run's current active period began (RFC 3339); unset while it is suspended, "
            + "waiting in a queue or finished.")
    @OwnedBy(StatusOwner.OPERATOR)
    private String activeSince;

    @JsonPropertyDescription("Live position of the trainer within the run.")
    @OwnedBy(StatusOwner.TRAINER)
    private Progress progress;

    @JsonPropertyDescription("Metrics of the newest finished epochs (at most 100), keyed by epoch.")
    @Size(max = MAX_EPOCHS)
    @OwnedBy(StatusOwner.TRAINER)
    private List<EpochResult> epochs;

    @JsonPropertyDescription("The epoch with the highest validation accuracy so far.")
    @OwnedBy(StatusOwner.TRAINER)
    private BestResult best;

    @JsonPropertyDescription("Where the run's checkpoints and other files are.")
    private CheckpointLocations checkpoints;

    @JsonPropertyDescription("Interruptions of the run's training (preemption, eviction, drain, a lost node) and "
            + "the training they cost.")
    @OwnedBy(StatusOwner.TRAINER)
    private Interruptions interruptions;

    @JsonPropertyDescription("The images the trainer trains and validates on, and how many it left out as unreadable.")
    @OwnedBy(StatusOwner.TRAINER)
    private ImageCounts images;

    @JsonPropertyDescription("For a fork (spec.model.from): the run and checkpoint it started from.")
    @OwnedBy(StatusOwner.TRAINER)
    private StartedFrom startedFrom;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getCompletionTime() {
        return completionTime;
    }

    public void setCompletionTime(String completionTime) {
        this.completionTime = completionTime;
    }

    public Integer getAttempts() {
        return attempts;
    }

    public void setAttempts(Integer attempts) {
        this.attempts = attempts;
    }

    public TrainingPod getPod() {
        return pod;
    }

    public void setPod(TrainingPod pod) {
        this.pod = pod;
    }

    public Long getActiveSeconds() {
        return activeSeconds;
    }

    public void setActiveSeconds(Long activeSeconds) {
        this.activeSeconds = activeSeconds;
    }

    public String getActiveSince() {
        return activeSince;
    }

    public void setActiveSince(String activeSince) {
        this.activeSince = activeSince;
    }

    public Progress getProgress() {
        return progress;
    }

    public void setProgress(Progress progress) {
        this.progress = progress;
    }

    public List<EpochResult> getEpochs() {
        return epochs;
    }

    public void setEpochs(List<EpochResult> epochs) {
        this.epochs = epochs;
    }

    public BestResult getBest() {
        return best;
    }

    public void setBest(BestResult best) {
        this.best = best;
    }

    public CheckpointLocations getCheckpoints() {
        return checkpoints;
    }

    public void setCheckpoints(CheckpointLocations checkpoints) {
        this.checkpoints = checkpoints;
    }

    public Interruptions getInterruptions() {
        return interruptions;
    }

    public void setInterruptions(Interruptions interruptions) {
        this.interruptions = interruptions;
    }

    public ImageCounts getImages() {
        return images;
    }

    public void setImages(ImageCounts images) {
        this.images = images;
    }

    public StartedFrom getStartedFrom() {
        return startedFrom;
    }

    public void setStartedFrom(StartedFrom startedFrom) {
        this.startedFrom = startedFrom;
    }
}
