package dev.trainingrun.operator;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.operator.config.OperatorConfig;
import dev.trainingrun.operator.crd.ServedCrd;
import dev.trainingrun.operator.dependents.CheckpointClaimDependent;
import dev.trainingrun.operator.dependents.OperatorMakesClaim;
import dev.trainingrun.operator.dependents.TrainerRoleBindingDependent;
import dev.trainingrun.operator.dependents.TrainerRoleDependent;
import dev.trainingrun.operator.dependents.TrainerServiceAccountDependent;
import dev.trainingrun.operator.dependents.TrainingJobDependent;
import dev.trainingrun.operator.kueue.Kueue;
import dev.trainingrun.operator.kueue.KueueWorkload;
import dev.trainingrun.operator.metrics.RunMetrics;
import dev.trainingrun.operator.status.Observation;
import dev.trainingrun.operator.status.RunConditions;
import dev.trainingrun.operator.status.StatusAggregator;
import dev.trainingrun.operator.status.StatusWriter;
import dev.trainingrun.operator.validation.Problem;
import dev.trainingrun.operator.validation.RunValidator;
import dev.trainingrun.operator.validation.SecurityPolicy;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurableReconciler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns each TrainingRun into its Job and keeps the run's status true to it. It only orchestrates: observe (the
 * caches), validate (what the schema cannot), reconcile the dependents in their workflow, derive the status in
 * {@link StatusAggregator}, write it with {@link StatusWriter}. Progress comes from events, never from waiting.
 */
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = TrainingRunReconciler.CLAIM, type = CheckpointClaimDependent.class,
            reconcilePrecondition = OperatorMakesClaim.class),
    // The namespace's trainer identity, shared by its runs: made by the first, a cache lookup for the others.
    @Dependent(name = "service-account", type = TrainerServiceAccountDependent.class),
    @Dependent(name = "role", type = TrainerRoleDependent.class),
    // The API server lets the operator bind a Role only after checking that the operator holds the Role's rules
    // itself (it has no "bind" or "escalate" rights), which needs the Role to exist; the ServiceAccount need not.
    @Dependent(name = "role-binding", type = TrainerRoleBindingDependent.class, dependsOn = "role"),
    // The pod needs its ServiceAccount (admission checks it, and the Job controller would back off for
    // seconds without it) and its RBAC from the trainer's first status write on; its configuration travels in the
    // pod template. Last, so that the run's first status is derived right after the Job is made, before a fast
    // node could start the pod.
    @Dependent(name = "job", type = TrainingJobDependent.class, dependsOn = {"service-account", "role-binding"})
})
@ControllerConfiguration(name = TrainingRunReconciler.NAME, fieldManager = RunResources.OPERATOR)
public class TrainingRunReconciler implements Reconciler<TrainingRun>, ConfigurableReconciler<TrainingRun> {
    static final String NAME = "trainingrun";
    static final String CLAIM = "checkpoint-claim";
    static final String FAILED_CREATES = "job-failed-create";
    static final String CLAIM_EVENTS = "claim-events";
    /** How often a run that waits on Kueue's objects is looked at again ({@link #lookAgainIfQueued}). */
    static final Duration QUEUE_POLL = Duration.ofSeconds(5);
    /** How often a fork that waits for its source, or its source's checkpoint, is looked at again. */
    static final Duration SOURCE_POLL = Duration.ofSeconds(10);

    private final OperatorConfig config;
    private final SecurityPolicy policy;
    private final StatusWriter statusWriter;
    private final RunMetrics metrics;
    private final ServedCrd servedCrd;
    private final Clock clock;

    public TrainingRunReconciler(OperatorConfig config, StatusWriter statusWriter, RunMetrics metrics,
            ServedCrd servedCrd, Clock clock) {
        this.config = config;
        this.policy = SecurityPolicy.from(config);
        this.statusWriter = statusWriter;
        this.metrics = metrics;
        this.servedCrd = servedCrd;
        this.clock = clock;
    }

    @Override
    public void updateConfigurationFrom(ControllerConfigurationOverrider<TrainingRun> overrider) {
        config.namespaces().ifPresent(overrider::settingNamespaces);
    }

    /**
     * Beside the dependents' own informers: the Job's pods, which tell what the Job's status does not (why a pod is
     * not running yet); the Job controller's FailedCreate Events, the only place where Kubernetes says that
     * admission refuses the Job's pods (pod security level, quota, a missing PriorityClass); the Events about
     * claims, the only place where Kubernetes says why a claim does not bind (no such storage class, no
     * provisioner); and a change of the served CRD, which concerns every run.
     */
    @Override
    public List<EventSource<?, TrainingRun>> prepareEventSources(EventSourceContext<TrainingRun> context) {
        metrics.countPhasesOf(context.getPrimaryCache());
        metrics.countInterruptionsOf(context.getPrimaryCache());
        var pods = InformerEventSourceConfiguration.from(Pod.class, TrainingRun.class)
                .withName("pods")
                .withLabelSelector(RunResources.MANAGED_SELECTOR + "," + RunResources.RUN_LABEL)
                .withSecondaryToPrimaryMapper(pod -> Set.of(new ResourceID(
                        pod.getMetadata().getLabels().get(RunResources.RUN_LABEL), pod.getMetadata().getNamespace())))
                .build();
        // The Job is named after its run, so the Event's object names the run.
        var failedCreates = InformerEventSourceConfiguration.from(Event.class, TrainingRun.class)
                .withName(FAILED_CREATES)
                .withFieldSelector(new FieldSelector(
                        new FieldSelector.Field("involvedObject.kind", "Job"),
                        new FieldSelector.Field("reason", RunConditions.FAILED_CREATE)))
                .withSecondaryToPrimaryMapper(event -> Set.of(new ResourceID(
                        event.getInvolvedObject().getName(), event.getMetadata().getNamespace())))
                .build();
        var claimEvents = InformerEventSourceConfiguration.from(Event.class, TrainingRun.class)
                .withName(CLAIM_EVENTS)
                .withFieldSelector(new FieldSelector(
                        new FieldSelector.Field("involvedObject.kind", "PersistentVolumeClaim")))
                .withSecondaryToPrimaryMapper(event -> CheckpointClaimDependent.claimants(
                        event.getMetadata().getNamespace(), event.getInvolvedObject().getName(), context))
                .build();
        var crdChanges = new SimpleInboundEventSource<TrainingRun>("crd");
        servedCrd.onChange(() -> context.getPrimaryCache().list()
                .forEach(run -> crdChanges.propagateEvent(ResourceID.fromResource(run))));
        return List.of(new InformerEventSource<>(pods, context), new InformerEventSource<>(failedCreates, context),
                new InformerEventSource<>(claimEvents, context), crdChanges);
    }

    @Override
    public UpdateControl<TrainingRun> reconcile(TrainingRun run, Context<TrainingRun> context) {
        return reconcile(run, new SdkRunContext(run, context));
    }

    /** The reconcile itself, on what the operator's caches say ({@link RunContext}). */
    UpdateControl<TrainingRun> reconcile(TrainingRun run, RunContext context) {
        // Validation decides whether the run's objects are made, so it stops once the Job exists: its pods then report
        // on missing claims, and a policy changed since leaves alone what it allowed (as Pod Security admission
        // leaves running pods alone).
        Optional<Problem> problem = context.job().isPresent()
                ? Optional.empty()
                : RunValidator.validate(run, policy, name -> context.claim(name).isPresent())
                        .or(() -> RunValidator.source(run, context::trainingRun))
                        .or(context::queueRefusal);
        // A finished run is never started again, even when its Job has been removed after ttlSecondsAfterFinished.
        boolean finished = isFinished(run.getStatus());
        if (problem.isEmpty() && !finished) {
            context.reconcileDependents();
        }
        // Under Kueue the Job's suspend flag is Kueue's: the run is suspended by deactivating its Workload instead,
        // when the run's wish changes (a Workload Kueue deactivated itself stays so).
        boolean suspend = run.getSpec().getRunPolicy().isSuspend();
        Optional<KueueWorkload> workload = context.workload().map(queued -> finished
                || queued.suspendedByRun() == suspend ? queued : context.setSuspended(queued, suspend));
        Instant now = clock.instant();
        Observation seen = observe(run, problem, workload, context);
        TrainingRunStatus status = StatusAggregator.derive(seen, now);
        Optional<TrainingRun> written = statusWriter.write(run, servedCrd.writable(status), context);
        UpdateControl<TrainingRun> control = removeFinishedJob(run, status, seen.job(), context, now);
        if (written.filter(answer -> specChangedMeanwhile(run, answer)).isPresent()) {
            return control.rescheduleAfter(Duration.ZERO);
        }
        if (isFinished(status) || control.getScheduleDelay().isPresent()) {
            return control;
        }
        return waitsForSource(seen) ? control.rescheduleAfter(SOURCE_POLL) : lookAgainIfQueued(seen, control);
    }

    /**
     * Whether the spec changed between the reconcile's read of the run and the API server's answer to its status
     * write. The SDK drops the event of such a change: it takes it for older than the operator's own write, whose
     * event it filters out too (Java Operator SDK 5.3.2; fixed in 5.3.5, operator-framework/java-operator-sdk#3414,
     * a version this build cannot get yet, after which this check can go). Without a new reconcile the change would
     * wait for an unrelated event, which a suspended run may never get.
     */
    private static boolean specChangedMeanwhile(TrainingRun run, TrainingRun written) {
        Long read = run.getMetadata().getGeneration();
        Long answered = written.getMetadata().getGeneration();
        return read != null && answered != null && answered > read;
    }

    /**
     * A fork whose source run does not exist yet, or has not saved the checkpoint it starts from: both are events of
     * another run, so the fork is looked at again after {@link #SOURCE_POLL}.
     */
    private static boolean waitsForSource(Observation seen) {
        return seen.problem().map(Problem::reason).filter(reason -> reason.equals(RunValidator.SOURCE_RUN_NOT_FOUND)
                || reason.equals(RunValidator.SOURCE_CHECKPOINT_PENDING)).isPresent();
    }

    /**
     * Kueue's objects are not watched (Kueue is optional), so a run that waits for something only Kueue's objects
     * show is looked at again after {@link #QUEUE_POLL}: a queue it names on a cluster without Kueue, a Workload
     * not made yet or waiting for quota. Admission, preemption and eviction change the Job, which is watched.
     */
    private static UpdateControl<TrainingRun> lookAgainIfQueued(Observation seen, UpdateControl<TrainingRun> control) {
        boolean refusedQueue = seen.problem().map(Problem::reason)
                .filter(reason -> reason.equals(RunConditions.KUEUE_NOT_INSTALLED)
                        || reason.equals(RunConditions.MULTIKUEUE_UNSUPPORTED)).isPresent();
        boolean waiting = seen.job() != null && Kueue.manages(seen.job())
                && seen.workload().map(KueueWorkload::waiting).orElse(true);
        return refusedQueue || waiting ? control.rescheduleAfter(QUEUE_POLL) : control;
    }

    /**
     * When the API server refuses to create or update one of the run's objects (RBAC, a quota, an admission
     * webhook), the status says so ({@code Stuck}, reason CreateRefused or UpdateRefused, the API server's
     * message) instead of only the log; the SDK then retries with back-off (application.properties), so the run
     * goes on by itself once the cause is removed.
     */
    @Override
    public ErrorStatusUpdateControl<TrainingRun> updateErrorStatus(TrainingRun run, Context<TrainingRun> context,
            Exception error) {
        return updateErrorStatus(run, new SdkRunContext(run, context));
    }

    ErrorStatusUpdateControl<TrainingRun> updateErrorStatus(TrainingRun run, RunContext context) {
        Optional<Problem> refusal = context.refusal();
        if (refusal.isPresent()) {
            TrainingRunStatus status = StatusAggregator.derive(observe(run, refusal, context.workload(), context),
                    clock.instant());
            statusWriter.write(run, servedCrd.writable(status), context);
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    /** Everything the status is derived from. */
    private Observation observe(TrainingRun run, Optional<Problem> problem, Optional<KueueWorkload> workload,
            RunContext context) {
        List<PersistentVolumeClaim> claims = RunResources.mountedClaims(run).stream()
                .flatMap(name -> context.claim(name).stream())
                .toList();
        Set<String> claimUids = claims.stream().map(claim -> claim.getMetadata().getUid()).collect(Collectors.toSet());
        return new Observation(run, problem, context.job().orElse(null), context.pods(), context.failedCreates(),
                claims, context.claimEvents(claimUids), servedCrd.outdated(), workload);
    }

    /**
     * Applies {@code ttlSecondsAfterFinished} here rather than on the Job: Kubernetes could remove a finished Job
     * before the operator has seen how it ended, and the run's verdict would be lost.
     */
    private static UpdateControl<TrainingRun> removeFinishedJob(TrainingRun run, TrainingRunStatus status, Job job,
            RunContext context, Instant now) {
        Integer ttl = run.getSpec().getRunPolicy().getTtlSecondsAfterFinished();
        if (job == null || ttl == null || !isFinished(status) || status.getCompletionTime() == null) {
            return UpdateControl.noUpdate();
        }
        Duration left = Duration.between(now, Instant.parse(status.getCompletionTime()).plusSeconds(ttl));
        if (!left.isNegative() && !left.isZero()) {
            return UpdateControl.<TrainingRun>noUpdate().rescheduleAfter(left);
        }
        context.deleteJob(job);
        return UpdateControl.noUpdate();
    }

    private static boolean isFinished(TrainingRunStatus status) {
        Phase phase = status != null ? status.getPhase() : null;
        return phase != null && phase.isFinished();
    }
}
