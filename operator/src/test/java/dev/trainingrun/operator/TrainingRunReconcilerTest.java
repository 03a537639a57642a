package dev.trainingrun.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.CheckpointLocations;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.operator.crd.ServedCrd;
import dev.trainingrun.operator.kueue.Kueue;
import dev.trainingrun.operator.kueue.KueueWorkload;
import dev.trainingrun.operator.metrics.RunMetrics;
import dev.trainingrun.operator.status.RunEvents;
import dev.trainingrun.operator.status.StatusWriter;
import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The controller tier: {@link TrainingRunReconciler}'s decisions on what a reconcile sees, with a fake
 * {@link RunContext} and a fixed clock: what it makes, what it writes, when it removes a finished Job. Milliseconds,
 * no cluster, no root.
 */
class TrainingRunReconcilerTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    /** Built with no server behind it: these tests never reach one (the serializer is all ServedCrd uses of it). */
    private static final KubernetesClient CLIENT = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").build()).build();
    private static final String RUN = "{data: {volume: {persistentVolumeClaim: {claimName: images}}}, "
            + "runPolicy: {ttlSecondsAfterFinished: 600}}";

    private final RecordedEvents events = new RecordedEvents();
    private final TrainingRunReconciler reconciler = new TrainingRunReconciler(OperatorConfigs.from(Map.of()),
            new StatusWriter(events, new RunMetrics(new SimpleMeterRegistry())),
            new RunMetrics(new SimpleMeterRegistry()), new ServedCrd(CLIENT, events, "test"),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Test
    void aNewRunGetsItsObjectsAndItsFirstStatus() {
        FakeRunContext context = new FakeRunContext().withClaim("images");
        reconciler.reconcile(Runs.run("cats", RUN), context);
        assertEquals(1, context.dependentsReconciled);
        TrainingRunStatus status = context.lastStatus();
        assertEquals(Phase.Pending, status.getPhase());
        assertEquals("Creating", condition(status, "Ready").getReason());
        assertEquals(NOW.toString(), condition(status, "Ready").getLastTransitionTime());
    }

    @Test
    void aRunWhoseClaimIsMissingGetsNothingMadeAndSaysWhichClaim() {
        FakeRunContext context = new FakeRunContext();
        reconciler.reconcile(Runs.run("cats", RUN), context);
        assertEquals(0, context.dependentsReconciled);
        Condition stuck = condition(context.lastStatus(), "Stuck");
        assertEquals("ClaimNotFound", stuck.getReason());
        assertTrue(stuck.getMessage().startsWith("PersistentVolumeClaim \"images\""), stuck::getMessage);
    }

    @Test
    void aSpecChangedWhileTheStatusIsWrittenIsReconciledAgainAtOnce() {
        FakeRunContext raced = new FakeRunContext().withClaim("images").withSpecChangedDuringStatusWrite(2);
        UpdateControl<TrainingRun> control = reconciler.reconcile(Runs.run("cats", RUN), raced);
        assertEquals(1, raced.applied.size());
        assertEquals(Optional.of(0L), control.getScheduleDelay(), "the SDK drops the change's event");

        FakeRunContext calm = new FakeRunContext().withClaim("images");
        assertEquals(Optional.empty(), reconciler.reconcile(Runs.run("cats", RUN), calm).getScheduleDelay());
    }

    @Test
    void aForkWhoseSourceRunIsMissingWaitsWithNothingMadeAndIsLookedAtAgain() {
        String fork = "{model: {from: {run: quickstart}}, " + RUN.substring(1);
        FakeRunContext context = new FakeRunContext().withClaim("images");
        UpdateControl<TrainingRun> control = reconciler.reconcile(Runs.run("fork", fork), context);
        assertEquals(0, context.dependentsReconciled);
        assertEquals(Phase.Pending, context.lastStatus().getPhase());
        Condition stuck = condition(context.lastStatus(), "Stuck");
        assertEquals("SourceRunNotFound", stuck.getReason());
        assertEquals("TrainingRun quickstart in namespace ml, named by spec.model.from.run, does not exist; the run "
                + "starts as soon as it does.", stuck.getMessage());
        assertEquals(Optional.of(TrainingRunReconciler.SOURCE_POLL.toMillis()), control.getScheduleDelay(),
                "the source's creation is another run's event");

        TrainingRun source = Runs.run("quickstart", RUN);
        FakeRunContext training = new FakeRunContext().withClaim("images").withRun(source);
        control = reconciler.reconcile(Runs.run("fork", fork), training);
        assertEquals(0, training.dependentsReconciled);
        assertEquals("SourceCheckpointPending", condition(training.lastStatus(), "Stuck").getReason());
        assertEquals(Optional.of(TrainingRunReconciler.SOURCE_POLL.toMillis()), control.getScheduleDelay(),
                "the source's checkpoint is another run's event too");

        // As the source's trainer reports its best checkpoint.
        source.setStatus(new TrainingRunStatus());
        source.getStatus().setCheckpoints(new CheckpointLocations());
        source.getStatus().getCheckpoints().setBest("checkpoints/best.safetensors");
        FakeRunContext later = new FakeRunContext().withClaim("images").withRun(source);
        reconciler.reconcile(Runs.run("fork", fork), later);
        assertEquals(1, later.dependentsReconciled, "made once the source has its checkpoint");
    }

    @Test
    void aForkOfAnotherNetworkFailsWithNothingMade() {
        FakeRunContext context = new FakeRunContext().withClaim("images")
                .withRun(Runs.run("quickstart", "{model: {numClasses: 3}, " + RUN.substring(1)));
        reconciler.reconcile(Runs.run("fork", "{model: {numClasses: 4, from: {run: quickstart}}, "
                + RUN.substring(1)), context);
        assertEquals(0, context.dependentsReconciled);
        assertEquals(Phase.Failed, context.lastStatus().getPhase());
        Condition failed = condition(context.lastStatus(), "Failed");
        assertEquals("SourceRunMismatch", failed.getReason());
        assertTrue(failed.getMessage().contains("trains ResNet18 with 3 classes, and this run ResNet18 with 4"),
                failed::getMessage);
    }

    @Test
    void aRunThePolicyRefusesGetsNothingMade() {
        FakeRunContext context = new FakeRunContext();
        reconciler.reconcile(Runs.run("cats", "{data: {volume: {hostPath: {path: /etc}}}}"), context);
        assertEquals(0, context.dependentsReconciled);
        assertEquals("DataVolumeNotAllowed", condition(context.lastStatus(), "Stuck").getReason());
    }

    @Test
    void aFinishedRunIsNeverStartedAgainAfterItsJobIsRemoved() {
        TrainingRun run = finished(Runs.run("cats", RUN), "2026-01-02T02:00:00Z");
        FakeRunContext context = new FakeRunContext().withClaim("images");
        reconciler.reconcile(run, context);
        assertEquals(0, context.dependentsReconciled, "no Job is made again for a finished run");
        assertEquals(List.of(), context.applied, "its verdict stands as it was");
    }

    @Test
    void aFinishedJobIsKeptForItsTtlThenRemoved() {
        TrainingRun run = finished(Runs.run("cats", RUN), "2026-01-02T03:00:00Z");
        Job job = completeJob("2026-01-02T03:00:00Z");

        UpdateControl<TrainingRun> early = reconciler.reconcile(run, new FakeRunContext().withClaim("images")
                .withJob(job));
        assertEquals(Optional.of(Duration.ofMinutes(10).minusSeconds(245).toMillis()), early.getScheduleDelay(),
                "checked again when its 600 s are over");

        FakeRunContext late = new FakeRunContext().withClaim("images").withJob(job);
        new TrainingRunReconciler(OperatorConfigs.from(Map.of()),
                new StatusWriter(events, new RunMetrics(new SimpleMeterRegistry())),
                new RunMetrics(new SimpleMeterRegistry()), new ServedCrd(CLIENT, events, "test"),
                Clock.fixed(Instant.parse("2026-01-02T03:10:00Z"), ZoneOffset.UTC)).reconcile(run, late);
        assertEquals(List.of(job), late.deleted);
    }

    @Test
    void aCreateTheApiServerRefusesIsInTheStatusWithItsMessage() {
        FakeRunContext context = new FakeRunContext().withClaim("images");
        context.refusal = Optional.of(new Problem("CreateRefused", "Job cats cannot be made: "
                + "exceeded quota: no-jobs", false));
        reconciler.updateErrorStatus(Runs.run("cats", RUN), context);
        Condition stuck = condition(context.lastStatus(), "Stuck");
        assertEquals("CreateRefused", stuck.getReason());
        assertTrue(stuck.getMessage().contains("exceeded quota: no-jobs"), stuck::getMessage);
        assertEquals(List.of("Pending", "CreateRefused"), events.reasons, "a Warning Event says it too");
    }

    private static TrainingRun finished(TrainingRun run, String completionTime) {
        TrainingRunStatus status = new TrainingRunStatus();
        status.setPhase(Phase.Succeeded);
        status.setCompletionTime(completionTime);
        run.setStatus(status);
        return run;
    }

    @Test
    void aRunForAQueueWhereKueueIsMissingGetsNothingMadeSaysWhyAndIsLookedAtAgain() {
        FakeRunContext context = new FakeRunContext().withClaim("images");
        context.queueRefusal = Optional.of(new Problem("KueueNotInstalled", "no Kueue API", false));
        UpdateControl<TrainingRun> control = reconciler.reconcile(queued(Runs.run("cats", RUN)), context);
        assertEquals(0, context.dependentsReconciled, "no Job that would wait suspended forever");
        assertEquals("KueueNotInstalled", condition(context.lastStatus(), "Stuck").getReason());
        assertEquals("True", condition(context.lastStatus(), "Stuck").getStatus());
        assertEquals(Optional.of(TrainingRunReconciler.QUEUE_POLL.toMillis()), control.getScheduleDelay(),
                "no event tells when Kueue is installed");
    }

    @Test
    void aRunUnderKueueIsSuspendedAndResumedThroughItsWorkloadNeverItsJob() {
        TrainingRun run = queued(Runs.run("cats", RUN));
        FakeRunContext admitted = new FakeRunContext().withClaim("images").withJob(queuedJob(false));
        admitted.workload = Optional.of(new KueueWorkload("job-cats-1", "ml", true, false, "gpus", List.of(), null));
        reconciler.reconcile(run, admitted);
        assertEquals(List.of(), admitted.suspensions, "a running run's Workload stays active");

        run.getSpec().getRunPolicy().setSuspend(true);
        reconciler.reconcile(run, admitted);
        assertEquals(List.of(true), admitted.suspensions, "suspend deactivates the Workload");

        run.getSpec().getRunPolicy().setSuspend(false);
        FakeRunContext deactivated = new FakeRunContext().withClaim("images").withJob(queuedJob(true));
        deactivated.workload = Optional.of(new KueueWorkload("job-cats-1", "ml", false, true, null, List.of(), null));
        UpdateControl<TrainingRun> control = reconciler.reconcile(run, deactivated);
        assertEquals(List.of(false), deactivated.suspensions, "resume activates it again");
        assertEquals(Optional.of(TrainingRunReconciler.QUEUE_POLL.toMillis()), control.getScheduleDelay(),
                "it waits in its queue again, which only the Workload shows");
    }

    @Test
    void aWorkloadKueueDeactivatedItselfIsLeftDeactivated() {
        FakeRunContext context = new FakeRunContext().withClaim("images").withJob(queuedJob(true));
        context.workload = Optional.of(new KueueWorkload("job-cats-1", "ml", false, false, null, List.of(), null));
        reconciler.reconcile(queued(Runs.run("cats", RUN)), context);
        assertEquals(List.of(), context.suspensions, "the run's wish did not change: Kueue's decision stands");
        assertEquals("Deactivated", condition(context.lastStatus(), "Running").getReason());
    }

    @Test
    void aRunWithoutAQueueIsNotLookedAtAgainWhileItsJobIsSuspendedBySomeoneElse() {
        Job held = new JobBuilder(queuedJob(true)).editMetadata().withLabels(Map.of()).endMetadata().build();
        UpdateControl<TrainingRun> control = reconciler.reconcile(Runs.run("cats", RUN),
                new FakeRunContext().withClaim("images").withJob(held));
        assertEquals(Optional.empty(), control.getScheduleDelay());
    }

    private static TrainingRun queued(TrainingRun run) {
        run.getMetadata().setLabels(Map.of(Kueue.QUEUE_LABEL, "team-a"));
        return run;
    }

    private static Job queuedJob(boolean suspended) {
        return new JobBuilder().withNewMetadata().withName("cats").withNamespace("ml").withUid("j")
                .addToLabels(Kueue.QUEUE_LABEL, "team-a").endMetadata()
                .withNewSpec().withSuspend(suspended).endSpec().build();
    }

    private static Job completeJob(String completionTime) {
        return new JobBuilder().withNewMetadata().withName("cats").withNamespace("ml").withUid("j").endMetadata()
                .withNewSpec().withSuspend(false).endSpec()
                .withNewStatus().withSucceeded(1).withCompletionTime(completionTime)
                    .addNewCondition().withType("Complete").withStatus("True")
                    .withLastTransitionTime(completionTime).endCondition()
                .endStatus().build();
    }

    private static Condition condition(TrainingRunStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    /** What a reconcile sees and does, in memory. */
    private static final class FakeRunContext implements RunContext {
        private Optional<Job> job = Optional.empty();
        private final List<Pod> pods = new ArrayList<>();
        private final List<PersistentVolumeClaim> claims = new ArrayList<>();
        private final List<TrainingRun> runs = new ArrayList<>();
        private Optional<Problem> refusal = Optional.empty();
        private Optional<Problem> queueRefusal = Optional.empty();
        private Optional<KueueWorkload> workload = Optional.empty();
        private final List<Boolean> suspensions = new ArrayList<>();
        private int dependentsReconciled;
        private final List<TrainingRun> applied = new ArrayList<>();
        private final List<Job> deleted = new ArrayList<>();
        /** The generation the API server answers a status write with; the runs of these tests are generation 1. */
        private long answeredGeneration = 1;

        FakeRunContext withClaim(String name) {
            claims.add(new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("ml")
                    .withUid("uid-" + name).endMetadata().withNewStatus().withPhase("Bound").endStatus().build());
            return this;
        }

        FakeRunContext withRun(TrainingRun run) {
            runs.add(run);
            return this;
        }

        /** The spec is changed, to this generation, between the reconcile's read and its status write. */
        FakeRunContext withSpecChangedDuringStatusWrite(long generation) {
            this.answeredGeneration = generation;
            return this;
        }

        FakeRunContext withJob(Job job) {
            this.job = Optional.of(job);
            return this;
        }

        TrainingRunStatus lastStatus() {
            return applied.get(applied.size() - 1).getStatus();
        }

        @Override
        public Optional<Job> job() {
            return job;
        }

        @Override
        public List<Pod> pods() {
            return pods;
        }

        @Override
        public List<Event> failedCreates() {
            return List.of();
        }

        @Override
        public Optional<TrainingRun> trainingRun(String name) {
            return runs.stream().filter(run -> name.equals(run.getMetadata().getName())).findFirst();
        }

        @Override
        public Optional<PersistentVolumeClaim> claim(String name) {
            return claims.stream().filter(claim -> name.equals(claim.getMetadata().getName())).findFirst();
        }

        @Override
        public List<Event> claimEvents(Set<String> claimUids) {
            return List.of();
        }

        @Override
        public Optional<Problem> queueRefusal() {
            return queueRefusal;
        }

        @Override
        public Optional<KueueWorkload> workload() {
            return workload;
        }

        @Override
        public KueueWorkload setSuspended(KueueWorkload workload, boolean suspend) {
            suspensions.add(suspend);
            return new KueueWorkload(workload.name(), workload.namespace(), !suspend, suspend, workload.clusterQueue(),
                    workload.conditions(), null);
        }

        @Override
        public void reconcileDependents() {
            dependentsReconciled++;
        }

        @Override
        public Optional<Problem> refusal() {
            return refusal;
        }

        @Override
        public boolean nextReconciliationImminent() {
            return false;
        }

        @Override
        public TrainingRun applyStatus(TrainingRun applyObject) {
            applied.add(applyObject);
            TrainingRun answer = new TrainingRun();
            answer.setMetadata(new ObjectMetaBuilder(applyObject.getMetadata()).withGeneration(answeredGeneration)
                    .build());
            answer.setStatus(applyObject.getStatus());
            return answer;
        }

        @Override
        public void deleteJob(Job job) {
            deleted.add(job);
        }
    }

    /** The Events the operator would record, by reason. */
    private static final class RecordedEvents extends RunEvents {
        private final List<String> reasons = new ArrayList<>();

        RecordedEvents() {
            super(CLIENT);
        }

        @Override
        public void record(HasMetadata object, boolean warning, String action, String reason, String note) {
            reasons.add(reason);
        }
    }
}
