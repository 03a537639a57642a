package dev.trainingrun.operator.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.StatusOwner;
import dev.trainingrun.api.StopReason;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.operator.ActiveTime;
import dev.trainingrun.operator.Runs;
import dev.trainingrun.operator.kueue.Kueue;
import dev.trainingrun.operator.kueue.KueueWorkload;
import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** How Job and pod states map to the run's phase and conditions, including the stuck states. */
class StatusAggregatorTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final String NOW_TEXT = "2026-01-02T03:04:05Z";

    private static TrainingRunStatus derive(TrainingRun run, Job job, Pod... pods) {
        return StatusAggregator.derive(new Observation(run, Optional.empty(), job, List.of(pods), List.of()), NOW);
    }

    private static Condition condition(TrainingRunStatus status, String type) {
        return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    private static void assertCondition(TrainingRunStatus status, String type, String value, String reason) {
        Condition condition = condition(status, type);
        assertEquals(value, condition.getStatus(), type);
        assertEquals(reason, condition.getReason(), type);
    }

    private static JobBuilder job() {
        return new JobBuilder().withNewMetadata().withName("cats").withNamespace("ml").endMetadata()
                .withNewSpec().withSuspend(false).endSpec();
    }

    private static PodBuilder pod(String name, String phase) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("ml")
                    .withCreationTimestamp("2026-01-02T03:00:00Z").endMetadata()
                .withNewSpec().withNodeName("kwok-gpu-0").endSpec()
                .withNewStatus().withPhase(phase).endStatus();
    }

    @Test
    void beforeTheJobExistsTheRunIsPendingAndEveryConditionIsThere() {
        TrainingRunStatus status = derive(Runs.minimal(), null);
        assertEquals(Phase.Pending, status.getPhase());
        assertEquals(List.of("Ready", "Running", "Succeeded", "Failed", "Suspended", "Stuck"),
                status.getConditions().stream().map(Condition::getType).toList());
        assertCondition(status, "Ready", "False", "Creating");
        assertCondition(status, "Stuck", "False", "Creating");
        assertEquals(1L, status.getObservedGeneration());
        assertEquals(NOW_TEXT, condition(status, "Ready").getLastTransitionTime());
        assertEquals(1L, condition(status, "Ready").getObservedGeneration());
        assertNull(status.getJobName());
    }

    @Test
    void theOperatorSaysWhereTheRunsFilesAreFromTheStart() {
        TrainingRunStatus status = derive(Runs.minimal(), null);
        assertEquals("cats-checkpoints", status.getCheckpoints().getClaimName());
        assertEquals("cats-0a1b2c3d", status.getCheckpoints().getDirectory());
        assertNull(status.getCheckpoints().getLatest(), "the trainer's");
    }

    @Test
    void theApplyObjectCarriesOnlyTheFieldsTheOperatorOwns() {
        Job failed = job().withNewStatus().withFailed(1).withActive(0).addNewCondition().withType("Failed")
                .withStatus("True").withReason("BackoffLimitExceeded").endCondition().endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), failed, pod("cats-abcde", "Failed").build());
        JsonNode apply = new ObjectMapper().valueToTree(StatusWriter.applyObject(Runs.minimal(), status).getStatus());
        Set<String> written = new TreeSet<>();
        apply.fields().forEachRemaining(field -> {
            if (field.getKey().equals("checkpoints")) {
                field.getValue().fieldNames().forEachRemaining(inner -> written.add("checkpoints." + inner));
            } else {
                written.add(field.getKey());
            }
        });
        assertTrue(StatusOwner.OPERATOR.fields().containsAll(written), written::toString);
        assertTrue(written.containsAll(Set.of("phase", "conditions", "attempts", "pod", "checkpoints.claimName")),
                written::toString);
    }

    @Test
    void aJobWithoutPodsYetIsPendingButReady() {
        TrainingRunStatus status = derive(Runs.minimal(), job().withNewStatus().withActive(0).endStatus().build());
        assertEquals(Phase.Pending, status.getPhase());
        assertCondition(status, "Ready", "True", "JobCreated");
        assertCondition(status, "Running", "False", "PodPending");
        assertEquals("cats", status.getJobName());
        assertEquals(0, status.getAttempts());
        assertNull(status.getStartTime());
    }

    @Test
    void aRunningPodMakesTheRunRunningFromWhenItsContainerStarted() {
        Pod running = pod("cats-abcde", "Running").editStatus().addNewContainerStatus().withName("trainer")
                .withNewState().withNewRunning().withStartedAt("2026-01-02T03:01:00Z").endRunning().endState()
                .endContainerStatus().endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), job().withNewStatus().withActive(1).endStatus().build(),
                running);
        assertEquals(Phase.Running, status.getPhase());
        assertCondition(status, "Running", "True", "PodRunning");
        assertEquals("Pod cats-abcde runs on node kwok-gpu-0.", condition(status, "Running").getMessage());
        assertCondition(status, "Succeeded", "False", "PodRunning");
        assertEquals("2026-01-02T03:01:00Z", status.getStartTime());
        assertEquals(1, status.getAttempts());
    }

    @Test
    void aCompleteJobMakesTheRunSucceededAndSaysWhereTheFilesAre() {
        Job complete = job().withNewStatus().withSucceeded(1).withStartTime("2026-01-02T03:00:00Z")
                .withCompletionTime("2026-01-02T03:30:00Z")
                .addNewCondition().withType("Complete").withStatus("True")
                .withLastTransitionTime("2026-01-02T03:30:01Z").endCondition().endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), complete);
        assertEquals(Phase.Succeeded, status.getPhase());
        assertCondition(status, "Succeeded", "True", "Completed");
        assertEquals("Training finished; its files are in directory cats-0a1b2c3d of claim cats-checkpoints.",
                condition(status, "Succeeded").getMessage());
        assertCondition(status, "Running", "False", "Completed");
        assertCondition(status, "Failed", "False", "Completed");
        assertEquals("2026-01-02T03:30:00Z", status.getCompletionTime());
        assertEquals("2026-01-02T03:00:00Z", status.getStartTime(), "never seen running: the Job's start");
    }

    @Test
    void successCriteriaMetAlreadyMakesTheRunSucceeded() {
        Job finishing = job().withNewStatus().withSucceeded(1).withStartTime("2026-01-02T03:00:00Z")
                .addNewCondition().withType("SuccessCriteriaMet").withStatus("True")
                .withLastTransitionTime("2026-01-02T03:30:01Z").endCondition().endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), finishing);
        assertEquals(Phase.Succeeded, status.getPhase());
        assertCondition(status, "Succeeded", "True", "Completed");
        assertEquals("2026-01-02T03:30:01Z", status.getCompletionTime());
    }

    @Test
    void aSucceededPodWhoseJobIsNotMarkedYetKeepsTheRunRunning() {
        Pod done = pod("cats-abcde", "Succeeded").editStatus().addNewContainerStatus().withName("trainer")
                .withNewState().withNewTerminated().withExitCode(0).withStartedAt("2026-01-02T03:01:00Z")
                .endTerminated().endState().endContainerStatus().endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), job().withNewStatus().withSucceeded(1).endStatus().build(),
                done);
        assertEquals(Phase.Running, status.getPhase());
        assertCondition(status, "Running", "True", "PodSucceeded");
        assertEquals("Pod cats-abcde finished training; Job cats is completing.",
                condition(status, "Running").getMessage());
        assertEquals("2026-01-02T03:01:00Z", status.getStartTime());
    }

    @Test
    void theBackoffLimitFailsTheRunQuotingTheLastPod() {
        Job failed = job().withNewStatus().withFailed(2).addNewCondition().withType("Failed").withStatus("True")
                .withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit")
                .withLastTransitionTime("2026-01-02T03:10:00Z").endCondition().endStatus().build();
        Pod first = pod("cats-aaaaa", "Failed").build();
        Pod last = pod("cats-bbbbb", "Failed").editMetadata().withCreationTimestamp("2026-01-02T03:05:00Z")
                .endMetadata().editStatus().addNewContainerStatus().withName("trainer").withNewState()
                .withNewTerminated().withExitCode(3).withReason("Error").withMessage("CUDA out of memory\n")
                .endTerminated().endState().endContainerStatus().endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), failed, first, last);
        assertEquals(Phase.Failed, status.getPhase());
        assertCondition(status, "Failed", "True", "BackoffLimitExceeded");
        assertEquals("Job has reached the specified backoff limit. Last pod cats-bbbbb: exited with code 3 (Error): "
                + "CUDA out of memory", condition(status, "Failed").getMessage());
        assertEquals("2026-01-02T03:10:00Z", status.getCompletionTime());
        assertEquals(2, status.getAttempts());
    }

    /** A run whose budget is {@code seconds} of active time. */
    private static TrainingRun budgeted(long seconds) {
        TrainingRun run = Runs.minimal();
        run.getSpec().getRunPolicy().setActiveDeadlineSeconds(seconds);
        return run;
    }

    /** The Job with the operator's tally: {@code ended} seconds of ended periods, the current one {@code since}. */
    private static JobBuilder tallied(long ended, String since) {
        JobBuilder job = job().editMetadata().addToAnnotations(ActiveTime.ENDED, Long.toString(ended)).endMetadata();
        return since == null ? job : job.editMetadata().addToAnnotations(ActiveTime.SINCE, since).endMetadata();
    }

    @Test
    void invalidInputFailsTheRunWithTheTrainersWords() {
        Job failed = job().withNewStatus().withFailed(1).addNewCondition().withType("Failed").withStatus("True")
                .withReason("PodFailurePolicy").withMessage("Container trainer for pod ml/cats-aaaaa failed with exit "
                        + "code 2 matching FailJob rule at index 0")
                .withLastTransitionTime("2026-01-02T03:10:00Z").endCondition().endStatus().build();
        Pod refused = pod("cats-aaaaa", "Failed").editStatus().addNewContainerStatus().withName("trainer")
                .withNewState().withNewTerminated().withExitCode(2).withReason("Error")
                .withMessage("error: spec.model.numClasses: is 5 but spec.data.trainDir /data/train has 3 class "
                        + "folders [a, b, c]\n").endTerminated().endState().endContainerStatus().endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), failed, refused);
        assertEquals(Phase.Failed, status.getPhase());
        assertCondition(status, "Failed", "True", "InvalidInput");
        assertEquals("The trainer refused the run's input, so the run failed without a retry: error: "
                + "spec.model.numClasses: is 5 but spec.data.trainDir /data/train has 3 class folders [a, b, c]",
                condition(status, "Failed").getMessage());
        assertEquals(1, status.getAttempts());
    }

    /** A Job the Job controller marked Complete, and its pod, which exited 0 with {@code terminationMessage}. */
    private static TrainingRunStatus completedWith(String terminationMessage) {
        Job complete = job().withNewStatus().withSucceeded(1).withCompletionTime("2026-01-02T03:30:00Z")
                .addNewCondition().withType("Complete").withStatus("True")
                .withLastTransitionTime("2026-01-02T03:30:00Z").endCondition().endStatus().build();
        Pod earlier = pod("cats-aaaaa", "Succeeded").editStatus().addNewContainerStatus().withName("trainer")
                .withNewState().withNewTerminated().withExitCode(0).withMessage("NoImprovement: an older pod's")
                .endTerminated().endState().endContainerStatus().endStatus().build();
        Pod done = pod("cats-bbbbb", "Succeeded").editMetadata().withCreationTimestamp("2026-01-02T03:05:00Z")
                .endMetadata().editStatus().addNewContainerStatus().withName("trainer").withNewState()
                .withNewTerminated().withExitCode(0).withReason("Completed").withMessage(terminationMessage)
                .endTerminated().endState().endContainerStatus().endStatus().build();
        return derive(Runs.minimal(), complete, earlier, done);
    }

    @Test
    void aTargetReachedEndsTheRunSucceededWithTheTrainersReason() {
        TrainingRunStatus status = completedWith(new EarlyStop(StopReason.TargetReached,
                "validation accuracy 96.00 % (96/100) at epoch 2 reached the target of 95.00 %.").terminationMessage());
        assertEquals(Phase.Succeeded, status.getPhase());
        assertCondition(status, "Succeeded", "True", "TargetReached");
        assertEquals("Training stopped early: validation accuracy 96.00 % (96/100) at epoch 2 reached the target of "
                + "95.00 %. The stopped epoch is the run's last; its files are in directory cats-0a1b2c3d of claim "
                + "cats-checkpoints.", condition(status, "Succeeded").getMessage());
        assertEquals("2026-01-02T03:30:00Z", status.getCompletionTime());
    }

    @Test
    void noImprovementEndsTheRunSucceededWithTheTrainersReason() {
        TrainingRunStatus status = completedWith("NoImprovement: 3 epoch(s) in a row brought no new best.\n");
        assertEquals(Phase.Succeeded, status.getPhase());
        assertCondition(status, "Succeeded", "True", "NoImprovement");
        assertTrue(condition(status, "Succeeded").getMessage()
                .startsWith("Training stopped early: 3 epoch(s) in a row brought no new best. "),
                condition(status, "Succeeded").getMessage());
    }

    @Test
    void aRunThatTrainedEveryEpochIsCompletedWhateverItsLogsSay() {
        assertCondition(completedWith(null), "Succeeded", "True", "Completed");
        assertCondition(completedWith("Diverged: not a reason a succeeded pod gives"), "Succeeded", "True",
                "Completed");
    }

    @Test
    void aDivergedRunFailsWithoutRetryNamingTheStep() {
        Job failed = job().withNewStatus().withFailed(1).addNewCondition().withType("Failed").withStatus("True")
                .withReason("PodFailurePolicy").withMessage("Container trainer for pod ml/cats-aaaaa failed with exit "
                        + "code 4 matching FailJob rule at index 0")
                .withLastTransitionTime("2026-01-02T03:10:00Z").endCondition().endStatus().build();
        Pod diverged = pod("cats-aaaaa", "Failed").editStatus().addNewContainerStatus().withName("trainer")
                .withNewState().withNewTerminated().withExitCode(TrainerExitCode.DIVERGED.code()).withReason("Error")
                .withMessage("Diverged: the training loss of step 11 (epoch 2, step 5 of 6) is NaN: training diverged "
                        + "and stopped").endTerminated().endState().endContainerStatus().endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), failed, diverged);
        assertEquals(Phase.Failed, status.getPhase());
        assertCondition(status, "Failed", "True", "Diverged");
        assertEquals("Training diverged, so the run failed without a retry: the training loss of step 11 (epoch 2, "
                + "step 5 of 6) is NaN: training diverged and stopped", condition(status, "Failed").getMessage());
        assertEquals("2026-01-02T03:10:00Z", status.getCompletionTime());
    }

    @Test
    void podsThatReplaceAnEvictedOrDeletedOneAreAttemptsTooThoughTheJobDoesNotCountThem() {
        TrainingRun run = Runs.minimal();
        Pod first = pod("cats-aaaaa", "Running").build();
        TrainingRunStatus before = derive(run, job().withNewStatus().withActive(1).endStatus().build(), first);
        assertEquals(1, before.getAttempts());
        assertEquals("cats-aaaaa", before.getPod().getName());
        run.setStatus(before);
        // The first pod was evicted and is gone; the Job's policy ignored it, so its counters show one pod only.
        Pod second = pod("cats-bbbbb", "Running").editMetadata().withCreationTimestamp("2026-01-02T03:07:00Z")
                .endMetadata().build();
        TrainingRunStatus after = derive(run, job().withNewStatus().withActive(1).endStatus().build(), second);
        assertEquals(2, after.getAttempts());
        assertEquals("cats-bbbbb", after.getPod().getName());
        run.setStatus(after);
        assertEquals(2, derive(run, job().withNewStatus().withActive(1).endStatus().build(), second).getAttempts(),
                "a pod is counted once");
        assertEquals(2, derive(run, job().withNewStatus().withActive(1).endStatus().build(), first).getAttempts(),
                "a cache that still shows the older pod counts nothing new");
        assertEquals("cats-bbbbb", derive(run, job().withNewStatus().withActive(1).endStatus().build(), first)
                .getPod().getName());
    }

    void theStatusShowsTheActiveTimeOfEndedPeriodsAndWhenTheCurrentOneBegan() {
        Job running = tallied(40, "2026-01-02T03:00:00Z").withNewStatus().withActive(1)
                .withStartTime("2026-01-02T03:00:00Z").endStatus().build();
        TrainingRunStatus status = derive(budgeted(600), running);
        assertEquals(40L, status.getActiveSeconds());
        assertEquals("2026-01-02T03:00:00Z", status.getActiveSince());

        Job suspended = tallied(40, "2026-01-02T03:00:00Z").editSpec().withSuspend(true).endSpec().withNewStatus()
                .addNewCondition().withType("Suspended").withStatus("True")
                .withLastTransitionTime("2026-01-02T03:01:30Z").endCondition().endStatus().build();
        TrainingRunStatus paused = derive(budgeted(600), suspended);
        assertEquals(130L, paused.getActiveSeconds());
        assertNull(paused.getActiveSince());
    }

    @Test
    void theJobsDeadlineFailsTheRunCountingEveryActivePeriod() {
        // The Job controller's FailureTarget comes first; its Failed condition a moment later must change nothing.
        Job failed = tallied(250, "2026-01-02T03:00:00Z").withNewStatus().withStartTime("2026-01-02T03:00:00Z")
                .addNewCondition().withType("FailureTarget").withStatus("True").withReason("DeadlineExceeded")
                .withMessage("Job was active longer than specified deadline")
                .withLastTransitionTime("2026-01-02T03:05:50Z").endCondition()
                .addNewCondition().withType("Failed").withStatus("True").withReason("DeadlineExceeded")
                .withMessage("Job was active longer than specified deadline")
                .withLastTransitionTime("2026-01-02T03:05:52Z").endCondition().endStatus().build();
        TrainingRunStatus status = derive(budgeted(600), failed);
        assertEquals(Phase.Failed, status.getPhase());
        assertCondition(status, "Failed", "True", "DeadlineExceeded");
        assertEquals("The run was active for 600 s in all, its whole budget of 600 s (spec.runPolicy."
                + "activeDeadlineSeconds; time suspended is not counted). Its checkpoints are kept.",
                condition(status, "Failed").getMessage());
        assertEquals(600L, status.getActiveSeconds());
        assertNull(status.getActiveSince());
        assertEquals("2026-01-02T03:05:50Z", status.getCompletionTime());
    }

    @Test
    void aBudgetAlreadySpentFailsTheRunAtOnce() {
        TrainingRun run = budgeted(500);
        Job suspended = tallied(600, null).editSpec().withSuspend(true).endSpec().withNewStatus()
                .addNewCondition().withType("Suspended").withStatus("True").endCondition().endStatus().build();
        TrainingRunStatus status = derive(run, suspended);
        assertEquals(Phase.Failed, status.getPhase());
        assertCondition(status, "Failed", "True", "DeadlineExceeded");
        assertTrue(condition(status, "Failed").getMessage().startsWith("The run was active for 600 s in all, its "
                + "whole budget of 500 s"), condition(status, "Failed").getMessage());
        assertEquals(NOW_TEXT, status.getCompletionTime());
        assertEquals(600L, status.getActiveSeconds());
    }

    @Test
    void anImageThatCannotBePulledIsStuckWithTheKubeletsMessage() {
        Pod pulling = pod("cats-abcde", "Pending").editStatus().addNewContainerStatus().withName("trainer")
                .withNewState().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"nope:1\"").endWaiting().endState().endContainerStatus()
                .endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), job().withNewStatus().withActive(1).endStatus().build(),
                pulling);
        assertEquals(Phase.Pending, status.getPhase());
        assertCondition(status, "Stuck", "True", "ImagePullBackOff");
        assertEquals("Pod cats-abcde, container trainer: Back-off pulling image \"nope:1\"",
                condition(status, "Stuck").getMessage());
        assertCondition(status, "Running", "False", "ImagePullBackOff");
    }

    @Test
    void anUnschedulablePodIsStuckWithTheSchedulersMessage() {
        Pod waiting = pod("cats-abcde", "Pending").editStatus().addNewCondition().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable")
                .withMessage("0/5 nodes are available: 4 Insufficient nvidia.com/gpu.").endCondition()
                .endStatus().build();
        TrainingRunStatus status = derive(Runs.minimal(), job().withNewStatus().withActive(1).endStatus().build(),
                waiting);
        assertCondition(status, "Stuck", "True", "Unschedulable");
        assertEquals("Pod cats-abcde cannot be scheduled: 0/5 nodes are available: 4 Insufficient nvidia.com/gpu.",
                condition(status, "Stuck").getMessage());
    }

    @Test
    void aPodAdmissionRefusesIsStuckWithTheJobControllersMessage() {
        Job job = job().editMetadata().withUid("job-uid").endMetadata().withNewStatus().endStatus().build();
        Event refused = new EventBuilder().withReason("FailedCreate").withLastTimestamp("2026-01-02T03:02:00Z")
                .withMessage("Error creating: pods \"cats-x\" is forbidden: violates PodSecurity \"restricted:latest\"")
                .withNewInvolvedObject().withKind("Job").withName("cats").withUid("job-uid").endInvolvedObject()
                .build();
        TrainingRunStatus status = StatusAggregator.derive(
                new Observation(Runs.minimal(), Optional.empty(), job, List.of(), List.of(refused)), NOW);
        assertEquals(Phase.Pending, status.getPhase());
        assertCondition(status, "Stuck", "True", "FailedCreate");
        assertEquals("Job cats cannot create its training pod: Error creating: pods \"cats-x\" is forbidden: "
                + "violates PodSecurity \"restricted:latest\"", condition(status, "Stuck").getMessage());

        Pod later = pod("cats-y", "Failed").editMetadata().withCreationTimestamp("2026-01-02T03:03:00Z").endMetadata()
                .build();
        TrainingRunStatus since = StatusAggregator.derive(
                new Observation(Runs.minimal(), Optional.empty(), job, List.of(later), List.of(refused)), NOW);
        assertCondition(since, "Stuck", "False", "PodPending");
    }

    /** The run's checkpoint claim "cats-checkpoints", Pending, with the given Events about it. */
    private static TrainingRunStatus withPendingClaim(Pod pod, Event... events) {
        PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("cats-checkpoints").withNamespace("ml").withUid("claim-uid").endMetadata()
                .withNewStatus().withPhase("Pending").endStatus().build();
        return StatusAggregator.derive(new Observation(Runs.minimal(), Optional.empty(),
                job().withNewStatus().withActive(1).endStatus().build(), pod != null ? List.of(pod) : List.of(),
                List.of(), List.of(claim), List.of(events), Optional.empty(), Optional.empty()), NOW);
    }

    private static Event claimEvent(String type, String reason, String message, String first, String last) {
        return new EventBuilder().withType(type).withReason(reason).withMessage(message)
                .withFirstTimestamp(first).withLastTimestamp(last)
                .withNewInvolvedObject().withKind("PersistentVolumeClaim").withName("cats-checkpoints")
                .withUid("claim-uid").endInvolvedObject().build();
    }

    /** The volume controller's ExternalProvisioning Event, repeated from 03:00:00 until {@code last}. */
    private static Event externalProvisioningUntil(String last) {
        return claimEvent("Normal", "ExternalProvisioning",
                "Waiting for a volume to be created either by the external provisioner 'disk.example'",
                "2026-01-02T03:00:00Z", "2026-01-02T" + last + "Z");
    }

    private static final Pod UNSCHEDULABLE = pod("cats-abcde", "Pending").editStatus().addNewCondition()
            .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
            .withMessage("0/5 nodes are available: pod has unbound immediate PersistentVolumeClaims.").endCondition()
            .endStatus().build();

    @Test
    void aClaimThatCannotBeProvisionedIsStuckWithWhatItsEventsSayNotAsUnschedulable() {
        TrainingRunStatus status = withPendingClaim(UNSCHEDULABLE,
                claimEvent("Normal", "ExternalProvisioning", "waiting", "2026-01-02T03:00:00Z", "2026-01-02T03:00:00Z"),
                claimEvent("Warning", "ProvisioningFailed", "storageclass.storage.k8s.io \"fast\" not found",
                        "2026-01-02T03:00:05Z", "2026-01-02T03:01:05Z"));
        assertEquals(Phase.Pending, status.getPhase());
        assertCondition(status, "Stuck", "True", "ClaimNotBound");
        assertEquals("PersistentVolumeClaim \"cats-checkpoints\" (the checkpoint claim the operator makes for "
                + "spec.checkpoints) is not bound: ProvisioningFailed: storageclass.storage.k8s.io \"fast\" not found",
                condition(status, "Stuck").getMessage());
    }

    @Test
    void aClaimWithNoVolumeAndNoClassIsStuck() {
        TrainingRunStatus status = withPendingClaim(null, claimEvent("Normal", "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
                "2026-01-02T03:00:00Z", "2026-01-02T03:00:00Z"));
        assertCondition(status, "Stuck", "True", "ClaimNotBound");
    }

    @Test
    void aClaimWaitingForItsFirstConsumerOrAProvisionerAtWorkIsNotStuck() {
        TrainingRunStatus waiting = withPendingClaim(pod("cats-abcde", "Pending").build(), claimEvent("Normal",
                "WaitForFirstConsumer", "waiting for first consumer to be created before binding",
                "2026-01-02T03:00:00Z", "2026-01-02T03:05:00Z"));
        assertCondition(waiting, "Stuck", "False", "PodPending");
        TrainingRunStatus provisioning = withPendingClaim(UNSCHEDULABLE, externalProvisioningUntil("03:00:45"));
        assertCondition(provisioning, "Stuck", "True", "Unschedulable");
    }

    @Test
    void anExternalProvisionerSilentForAMinuteIsNamed() {
        TrainingRunStatus status = withPendingClaim(UNSCHEDULABLE, externalProvisioningUntil("03:01:00"));
        assertCondition(status, "Stuck", "True", "ClaimNotBound");
        String message = condition(status, "Stuck").getMessage();
        assertTrue(message.contains("ExternalProvisioning: Waiting for a volume to be created either by the external "
                + "provisioner 'disk.example'"), message);
    }

    @Test
    void aBoundClaimIsNeverStuckWhateverItsOldEventsSay() {
        PersistentVolumeClaim bound = new PersistentVolumeClaimBuilder().withNewMetadata().withName("cats-checkpoints")
                .withUid("claim-uid").endMetadata().withNewStatus().withPhase("Bound").endStatus().build();
        TrainingRunStatus status = StatusAggregator.derive(new Observation(Runs.minimal(), Optional.empty(),
                job().withNewStatus().withActive(1).endStatus().build(), List.of(), List.of(), List.of(bound),
                List.of(claimEvent("Warning", "ProvisioningFailed", "old news", "2026-01-02T03:00:00Z",
                        "2026-01-02T03:00:00Z")), Optional.empty(), Optional.empty()), NOW);
        assertCondition(status, "Stuck", "False", "PodPending");
    }

    @Test
    void aRefusedUpdateOfARunningRunsObjectKeepsItRunningButStuckAndNotReady() {
        Problem refused = new Problem("UpdateRefused", "The API server refused to update the run's Job: denied", false);
        Pod running = pod("cats-abcde", "Running").build();
        TrainingRunStatus status = StatusAggregator.derive(new Observation(Runs.minimal(), Optional.of(refused),
                job().withNewStatus().withActive(1).endStatus().build(), List.of(running), List.of()), NOW);
        assertEquals(Phase.Running, status.getPhase());
        assertCondition(status, "Running", "True", "PodRunning");
        assertCondition(status, "Ready", "False", "UpdateRefused");
        assertCondition(status, "Stuck", "True", "UpdateRefused");
    }

    @Test
    void aRefusedCreateBeforeTheJobKeepsTheRunPending() {
        Problem refused = new Problem("CreateRefused", "The API server refused to create the run's Job: quota",
                false);
        TrainingRunStatus status = StatusAggregator.derive(
                new Observation(Runs.minimal(), Optional.of(refused), null, List.of(), List.of()), NOW);
        assertEquals(Phase.Pending, status.getPhase());
        assertCondition(status, "Ready", "False", "CreateRefused");
        assertCondition(status, "Stuck", "True", "CreateRefused");
        assertEquals(refused.message(), condition(status, "Running").getMessage());
    }

    @Test
    void anOutdatedCrdMakesEveryRunNotReadyWithoutChangingItsPhase() {
        Problem outdated = new Problem("CrdOutdated", "The installed CRD lacks status.activeSeconds", false);
        TrainingRunStatus status = StatusAggregator.derive(new Observation(Runs.minimal(), Optional.empty(),
                job().withNewStatus().withActive(1).endStatus().build(), List.of(pod("cats-abcde", "Running").build()),
                List.of(), List.of(), List.of(), Optional.of(outdated), Optional.empty()), NOW);
        assertEquals(Phase.Running, status.getPhase());
        assertCondition(status, "Ready", "False", "CrdOutdated");
        assertEquals(outdated.message(), condition(status, "Ready").getMessage());
        assertCondition(status, "Stuck", "False", "PodRunning");
    }

    @Test
    void aTerminatingPodDoesNotCountAsRunning() {
        Pod leaving = pod("cats-abcde", "Running").editMetadata().withDeletionTimestamp(NOW_TEXT).endMetadata()
                .build();
        TrainingRunStatus status = derive(Runs.minimal(), job().withNewStatus().endStatus().build(), leaving);
        assertEquals(Phase.Pending, status.getPhase());
    }

    @Test
    void suspensionByTheUserIsItsOwnPhase() {
        TrainingRun run = Runs.minimal();
        run.getSpec().getRunPolicy().setSuspend(true);
        TrainingRunStatus status = derive(run, job().editSpec().withSuspend(true).endSpec().build(),
                pod("cats-abcde", "Running").build());
        assertEquals(Phase.Suspended, status.getPhase());
        assertCondition(status, "Suspended", "True", "SuspendedByUser");
        assertCondition(status, "Ready", "True", "JobCreated");
    }

    @Test
    void aJobHeldSuspendedByAQueueKeepsTheRunPending() {
        TrainingRunStatus status = derive(Runs.minimal(), job().editSpec().withSuspend(true).endSpec().build());
        assertEquals(Phase.Pending, status.getPhase());
        assertCondition(status, "Running", "False", "JobSuspended");
        assertCondition(status, "Stuck", "False", "JobSuspended");
    }

    @Test
    void aMissingClaimKeepsTheRunPendingAndStuck() {
        Problem missing = new Problem("ClaimNotFound", "PersistentVolumeClaim \"images\" is missing", false);
        TrainingRunStatus status = StatusAggregator.derive(
                new Observation(Runs.minimal(), Optional.of(missing), null, List.of(), List.of()), NOW);
        assertEquals(Phase.Pending, status.getPhase());
        assertCondition(status, "Ready", "False", "ClaimNotFound");
        assertCondition(status, "Stuck", "True", "ClaimNotFound");
        assertEquals("PersistentVolumeClaim \"images\" is missing", condition(status, "Ready").getMessage());
    }

    @Test
    void aPermanentProblemFailsTheRun() {
        Problem problem = new Problem("NameTooLong", "too long", true);
        TrainingRunStatus status = StatusAggregator.derive(
                new Observation(Runs.minimal(), Optional.of(problem), null, List.of(), List.of()), NOW);
        assertEquals(Phase.Failed, status.getPhase());
        assertCondition(status, "Failed", "True", "NameTooLong");
        assertCondition(status, "Ready", "False", "NameTooLong");
        assertEquals(NOW_TEXT, status.getCompletionTime());
    }

    @Test
    void transitionTimesMoveOnlyWhenAConditionFlips() {
        TrainingRun run = Runs.minimal();
        Job active = job().withNewStatus().withActive(1).endStatus().build();
        TrainingRunStatus before = derive(run, active);
        before.getConditions().forEach(c -> c.setLastTransitionTime("2026-01-01T00:00:00Z"));
        run.setStatus(before);
        TrainingRunStatus after = derive(run, active, pod("cats-abcde", "Running").build());
        assertEquals(NOW_TEXT, condition(after, "Running").getLastTransitionTime());
        assertEquals("2026-01-01T00:00:00Z", condition(after, "Ready").getLastTransitionTime());
        assertEquals("2026-01-01T00:00:00Z", condition(after, "Failed").getLastTransitionTime(),
                "still False, though its reason changed");
    }

    /** A pod made at {@code created}, in {@code phase}; its container finished at {@code finished} when given. */
    private static PodBuilder pod(String name, String phase, String created, String finished) {
        PodBuilder pod = pod(name, phase).editMetadata().withCreationTimestamp(created).endMetadata();
        return finished == null ? pod : pod.editStatus().addNewContainerStatus().withName("trainer").withNewState()
                .withNewTerminated().withExitCode(1).withFinishedAt(finished).endTerminated().endState()
                .endContainerStatus().endStatus();
    }

    private static Pod deleted(PodBuilder pod) {
        return pod.editMetadata().withDeletionTimestamp("2026-01-02T03:06:00Z").endMetadata().build();
    }

    /**
     * kubernetes/kubernetes#130683: under load the Job controller can make a second pod beside the one it meant to
     * (a create that timed out, taken for failed) and then removes one of the two. Whichever it keeps, the pair is
     * one attempt, in the Job's counters (two active) as in the pods, and the status names the pod it keeps.
     */
    @Test
    void aSecondPodTheJobControllerMadeBesideTheRetryIsNotAnAttempt() {
        TrainingRun run = Runs.minimal();
        PodBuilder failed = pod("cats-aaaaa", "Failed", "2026-01-02T03:00:00Z", "2026-01-02T03:04:00Z");
        run.setStatus(derive(run, job().withNewStatus().withFailed(1).endStatus().build(), failed.build()));
        assertEquals(1, run.getStatus().getAttempts());
        PodBuilder retry = pod("cats-bbbbb", "Running", "2026-01-02T03:05:00Z", null);
        PodBuilder extra = pod("cats-ccccc", "Pending", "2026-01-02T03:05:00Z", null);
        Job twoActive = job().withNewStatus().withFailed(1).withActive(2).endStatus().build();
        Job oneActive = job().withNewStatus().withFailed(1).withActive(1).endStatus().build();

        TrainingRunStatus both = derive(run, twoActive, failed.build(), retry.build(), extra.build());
        assertEquals(2, both.getAttempts());
        run.setStatus(both);
        TrainingRunStatus removing = derive(run, twoActive, failed.build(), retry.build(), deleted(extra));
        assertEquals(2, removing.getAttempts());
        assertEquals("cats-bbbbb", removing.getPod().getName(), "not the pod being removed");
        run.setStatus(removing);
        TrainingRunStatus gone = derive(run, oneActive, failed.build(), retry.build());
        assertEquals(2, gone.getAttempts());
        assertEquals("cats-bbbbb", gone.getPod().getName());

        run.setStatus(both);
        TrainingRunStatus keptTheNewer = derive(run, oneActive, failed.build(), deleted(retry), extra.build());
        assertEquals(2, keptTheNewer.getAttempts());
        assertEquals("cats-ccccc", keptTheNewer.getPod().getName());
    }

    @Test
    void aSecondPodBesideOneAlreadyCountedIsNotAnAttempt() {
        TrainingRun run = Runs.minimal();
        PodBuilder first = pod("cats-bbbbb", "Running", "2026-01-02T03:05:00Z", null);
        run.setStatus(derive(run, job().withNewStatus().withActive(1).endStatus().build(), first.build()));
        assertEquals(1, run.getStatus().getAttempts());
        PodBuilder extra = pod("cats-aaaaa", "Pending", "2026-01-02T03:05:02Z", null);
        TrainingRunStatus both = derive(run, job().withNewStatus().withActive(2).endStatus().build(), first.build(),
                extra.build());
        assertEquals(1, both.getAttempts());
        run.setStatus(both);
        // On a real node a removed pod fails before it is gone; it finished after the other was made.
        PodBuilder stopped = pod("cats-aaaaa", "Failed", "2026-01-02T03:05:02Z", "2026-01-02T03:05:20Z");
        TrainingRunStatus removed = derive(run, job().withNewStatus().withActive(1).endStatus().build(),
                deleted(stopped), first.build());
        assertEquals(1, removed.getAttempts());
        assertEquals("cats-bbbbb", removed.getPod().getName());
    }

    /** The Job replaces a deleted pod once it has finished: within the same second, that is still a new attempt. */
    @Test
    void aPodMadeAsTheLastOneFinishedIsAnAttempt() {
        TrainingRun run = Runs.minimal();
        PodBuilder first = pod("cats-bbbbb", "Running", "2026-01-02T03:00:00Z", null);
        run.setStatus(derive(run, job().withNewStatus().withActive(1).endStatus().build(), first.build()));
        PodBuilder stopped = pod("cats-bbbbb", "Failed", "2026-01-02T03:00:00Z", "2026-01-02T03:05:00Z");
        PodBuilder replacement = pod("cats-aaaaa", "Pending", "2026-01-02T03:05:00Z", null);
        TrainingRunStatus status = derive(run, job().withNewStatus().withActive(1).endStatus().build(),
                deleted(stopped), replacement.build());
        assertEquals(2, status.getAttempts());
        assertEquals("cats-aaaaa", status.getPod().getName());
    }

    @Test
    void attemptsNeverGoDown() {
        TrainingRun run = Runs.minimal();
        TrainingRunStatus earlier = new TrainingRunStatus();
        earlier.setAttempts(3);
        run.setStatus(earlier);
        assertEquals(3, derive(run, job().withNewStatus().withActive(1).endStatus().build()).getAttempts());
        assertEquals(4, derive(run, job().withNewStatus().withFailed(4).endStatus().build()).getAttempts(),
                "the Job's finished pods are a floor");
    }

    /**
     * The Job's and the pods' caches are two watches: the Job can count its new pod as active before the operator
     * has seen the pod. That pod is one attempt, counted when it is seen (a run once showed 3 attempts for 2 pods).
     */
    @Test
    void aPodTheJobCountsBeforeTheOperatorSeesItIsCountedOnce() {
        TrainingRun run = Runs.minimal();
        PodBuilder failed = pod("cats-aaaaa", "Failed", "2026-01-02T03:00:00Z", "2026-01-02T03:04:00Z");
        run.setStatus(derive(run, job().withNewStatus().withActive(1).endStatus().build(),
                pod("cats-aaaaa", "Running").build()));
        Job retrying = job().withNewStatus().withFailed(1).withActive(1).endStatus().build();
        TrainingRunStatus notSeenYet = derive(run, retrying, failed.build());
        assertEquals(1, notSeenYet.getAttempts());
        run.setStatus(notSeenYet);
        TrainingRunStatus seen = derive(run, retrying, failed.build(),
                pod("cats-bbbbb", "Running", "2026-01-02T03:05:00Z", null).build());
        assertEquals(2, seen.getAttempts());
        assertEquals("cats-bbbbb", seen.getPod().getName());
    }

    @Test
    void aFinishedRunKeepsItsVerdictWhenItsJobIsRemoved() {
        TrainingRun run = Runs.minimal();
        Job complete = job().withNewStatus().withSucceeded(1).withCompletionTime("2026-01-02T03:30:00Z")
                .addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus().build();
        TrainingRunStatus finished = derive(run, complete);
        run.setStatus(finished);
        TrainingRunStatus after = derive(run, null);
        assertEquals(OperatorStatus.of(finished), OperatorStatus.of(after));
        assertSame(Phase.Succeeded, after.getPhase());
    }

    @Test
    void theApplyObjectCarriesOnlyIdentityAndTheOperatorsStatus() {
        TrainingRun run = Runs.minimal();
        TrainingRunStatus status = derive(run, null);
        TrainingRun apply = StatusWriter.applyObject(run, status);
        String json = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().asJson(apply);
        assertTrue(json.startsWith("{\"apiVersion\":\"trainingrun.dev/v1alpha1\",\"kind\":\"TrainingRun\","
                + "\"metadata\":{\"name\":\"cats\",\"namespace\":\"ml\"},\"status\":{"), json);
        assertTrue(!json.contains("\"spec\"") && !json.contains("progress"), json);
    }

    // Runs queued through Kueue: what the Workload of their Job says (Kueue v0.19's conditions and messages).

    private static TrainingRun queuedRun() {
        TrainingRun run = Runs.minimal();
        run.getMetadata().setLabels(Map.of(Kueue.QUEUE_LABEL, "team-a"));
        return run;
    }

    private static Job heldJob() {
        return job().editMetadata().addToLabels(Kueue.QUEUE_LABEL, "team-a").endMetadata()
                .editSpec().withSuspend(true).endSpec().build();
    }

    private static KueueWorkload workload(boolean active, String clusterQueue, Condition... conditions) {
        return new KueueWorkload("job-cats-1a2b3", "ml", active, false, clusterQueue, List.of(conditions), null);
    }

    private static Condition kueueCondition(String type, String status, String reason, String message) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime("2026-01-02T03:00:00Z").build();
    }

    private static TrainingRunStatus deriveQueued(Job job, Optional<KueueWorkload> workload, Pod... pods) {
        return StatusAggregator.derive(new Observation(queuedRun(), Optional.empty(), job, List.of(pods), List.of(),
                List.of(), List.of(), Optional.empty(), workload), NOW);
    }

    @Test
    void aRunWaitingForQuotaIsQueuedWithKueuesOwnReasonAndMessage() {
        String kueueSays = "couldn't assign flavors to pod set main: insufficient unused quota for nvidia.com/gpu in "
                + "flavor gpu, 1 more needed";
        TrainingRunStatus status = deriveQueued(heldJob(), Optional.of(new KueueWorkload("job-cats-1a2b3", "ml", true,
                false, null, List.of(kueueCondition("QuotaReserved", "False", "Pending", kueueSays)), 3)));
        assertEquals(Phase.Pending, status.getPhase());
        assertCondition(status, "Queued", "True", "Pending");
        assertEquals("Workload job-cats-1a2b3 waits in LocalQueue \"team-a\" at position 3: " + kueueSays,
                condition(status, "Queued").getMessage());
        assertCondition(status, "Admitted", "False", "Queued");
        assertCondition(status, "Running", "False", "Queued");
        assertCondition(status, "Stuck", "False", "Queued");
        assertFalse(status.getConditions().stream().anyMatch(c -> c.getType().equals("Preempted")),
                "never preempted, so no Preempted condition");
    }

    @Test
    void aJobKueueHasNotTakenYetWaitsForItsWorkload() {
        TrainingRunStatus status = deriveQueued(heldJob(), Optional.empty());
        assertCondition(status, "Queued", "True", "WaitingForWorkload");
        assertEquals(Phase.Pending, status.getPhase());
    }

    @Test
    void anAdmittedRunSaysWhichClusterQueueAdmittedIt() {
        Job started = job().editMetadata().addToLabels(Kueue.QUEUE_LABEL, "team-a").endMetadata()
                .withNewStatus().withActive(1).endStatus().build();
        TrainingRunStatus status = deriveQueued(started, Optional.of(workload(true, "gpus",
                kueueCondition("QuotaReserved", "True", "QuotaReserved", "Quota reserved in ClusterQueue gpus"),
                kueueCondition("Admitted", "True", "Admitted", "The workload is admitted"))),
                pod("cats-abcde", "Running").build());
        assertEquals(Phase.Running, status.getPhase());
        assertCondition(status, "Queued", "False", "PodRunning");
        assertCondition(status, "Admitted", "True", "Admitted");
        assertEquals("Admitted by ClusterQueue gpus.", condition(status, "Admitted").getMessage());
    }

    @Test
    void aPreemptedRunCarriesKueuesPreemptedConditionAndIsQueuedAgain() {
        TrainingRunStatus status = deriveQueued(heldJob(), Optional.of(workload(true, null,
                kueueCondition("QuotaReserved", "False", "Pending", "couldn't assign flavors"),
                kueueCondition("Evicted", "True", "Preempted", "Preempted to accommodate a workload"),
                kueueCondition("Preempted", "True", "InClusterQueue",
                        "Preempted to accommodate a workload (UID: 1, JobUID: 2) due to prioritization"))));
        assertEquals(Phase.Pending, status.getPhase());
        assertCondition(status, "Queued", "True", "Pending");
        assertCondition(status, "Preempted", "True", "InClusterQueue");
        assertTrue(condition(status, "Preempted").getMessage().contains("prioritization"));
    }

    @Test
    void aWorkloadSomeoneElseDeactivatedIsNotReportedAsQueued() {
        TrainingRunStatus status = deriveQueued(heldJob(), Optional.of(workload(false, null,
                kueueCondition("Evicted", "True", "Deactivated", "The workload is deactivated"))));
        assertCondition(status, "Queued", "False", "Deactivated");
        assertTrue(condition(status, "Running").getMessage().contains("spec.runPolicy.suspend"));
    }

    @Test
    void aRunWithoutAQueueHasNoQueueConditionsAndAJobSuspendedByOthersIsNotCalledQueued() {
        TrainingRunStatus status = derive(Runs.minimal(), job().editSpec().withSuspend(true).endSpec().build());
        assertCondition(status, "Running", "False", "JobSuspended");
        assertFalse(status.getConditions().stream().anyMatch(c -> c.getType().equals("Queued")
                || c.getType().equals("Admitted")));
    }
}
