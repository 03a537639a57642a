package dev.trainingrun.operator.dependents;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingrun.api.DataVolume;
import dev.trainingrun.api.ResourceSpec;
import dev.trainingrun.api.RunPolicy;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.api.TrainerPod;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunYaml;
import dev.trainingrun.operator.ActiveTime;
import dev.trainingrun.operator.RunResources;
import dev.trainingrun.operator.config.OperatorConfig;
import dev.trainingrun.operator.kueue.Kueue;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The run's {@code batch/v1} Job: one pod running the trainer under the restricted pod security profile.
 *
 * <p>The Job is created once and its pod template never rewritten (a running pod must not be replaced because
 * the operator's defaults changed); afterwards only the editable run policy is patched onto it: backoff limit,
 * what is left of the active-time budget, and suspension. A Job for a Kueue queue ({@link Kueue#manages}) is made
 * suspended and its suspension is never patched: Kueue owns that flag, and the node selectors and tolerations it
 * writes into the template, which the operator never rewrites anyway.
 */
@KubernetesDependent(informer = @Informer(labelSelector = RunResources.MANAGED_SELECTOR))
public class TrainingJobDependent extends CRUDKubernetesDependentResource<Job, TrainingRun> {
    private final OperatorConfig config;

    public TrainingJobDependent(OperatorConfig config) {
        super(Job.class);
        this.config = config;
    }

    @Override
    protected Job desired(TrainingRun run, Context<TrainingRun> context) {
        return desiredJob(run, TrainerDefaults.from(config), source(run, context));
    }

    /** A fork's source run (spec.model.from), which the reconciler has found before it made any object. */
    private static Optional<TrainingRun> source(TrainingRun run, Context<TrainingRun> context) {
        return Optional.ofNullable(run.getSpec().getModel().getFrom()).flatMap(from -> context.getPrimaryCache()
                .get(new ResourceID(from.getRun(), run.getMetadata().getNamespace())));
    }

    /**
     * The run's Job, by the name it is given. The SDK would otherwise build the desired Job on every reconcile (its
     * pod template carries the run's manifest, a YAML document to write) to read its name.
     */
    @Override
    protected ResourceID targetSecondaryResourceID(TrainingRun run, Context<TrainingRun> context) {
        return new ResourceID(RunResources.jobName(run), run.getMetadata().getNamespace());
    }

    /**
     * Only the run policy counts: everything else was fixed when the Job was created. Compared without the desired
     * Job, which this comparison would ignore.
     */
    @Override
    public Result<Job> match(Job actual, TrainingRun run, Context<TrainingRun> context) {
        return Result.nonComputed(policyPatch(actual, run).isEmpty());
    }

    /**
     * Sends the merge patch against the cached Job. Given by name alone, fabric8 would read the Job from the API
     * server first, only to take its name and namespace from it.
     */
    @Override
    public Job update(Job actual, Job desired, TrainingRun run, Context<TrainingRun> context) {
        String patch = policyPatch(actual, run).toString();
        return context.resourceOperations().resourcePatch(actual, job -> context.getClient().batch().v1().jobs()
                .resource(job)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch), eventSource().orElseThrow());
    }

    /**
     * A JSON merge patch that brings the Job's policy fields to the run's; empty when they already agree. The Job's
     * deadline is what the run's budget has left ({@link ActiveTime}), patched together with the tally it follows
     * from, so that whoever resumes the Job next (the operator or a queue) resumes it with the right deadline.
     */
    static ObjectNode policyPatch(Job actual, TrainingRun run) {
        RunPolicy policy = run.getSpec().getRunPolicy();
        ActiveTime active = ActiveTime.of(actual);
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        ObjectNode annotations = JsonNodeFactory.instance.objectNode();
        if (!Objects.equals(actual.getSpec().getBackoffLimit(), policy.getBackoffLimit())) {
            spec.put("backoffLimit", policy.getBackoffLimit());
        }
        Long deadline = active.jobDeadline(policy.getActiveDeadlineSeconds());
        if (!Objects.equals(actual.getSpec().getActiveDeadlineSeconds(), deadline)) {
            spec.put("activeDeadlineSeconds", deadline);
        }
        if (!active.equals(ActiveTime.recorded(actual))) {
            active.annotations().forEach(annotations::put);
        }
        String wanted = Boolean.toString(policy.isSuspend());
        Map<String, String> recorded = actual.getMetadata().getAnnotations();
        // A run whose budget is spent is never resumed: it has failed (DeadlineExceeded). Under Kueue the flag is
        // Kueue's alone: the reconciler suspends and resumes such a run through its Workload.
        boolean resumable = policy.isSuspend() || !active.spent(policy.getActiveDeadlineSeconds());
        if (resumable && !Kueue.manages(actual)
                && (recorded == null || !wanted.equals(recorded.get(RunResources.SUSPEND_ANNOTATION)))) {
            spec.put("suspend", policy.isSuspend());
            annotations.put(RunResources.SUSPEND_ANNOTATION, wanted);
        }
        if (!annotations.isEmpty()) {
            patch.putObject("metadata").set("annotations", annotations);
        }
        if (!spec.isEmpty()) {
            patch.set("spec", spec);
        }
        return patch;
    }

    /** The run's Job; {@code source} is a fork's source run (spec.model.from), whose checkpoint claim it reads. */
    static Job desiredJob(TrainingRun run, TrainerDefaults defaults, Optional<TrainingRun> source) {
        RunPolicy policy = run.getSpec().getRunPolicy();
        Map<String, String> annotations = propagated(run.getMetadata().getAnnotations(), defaults);
        Map<String, String> jobAnnotations = new LinkedHashMap<>(annotations);
        jobAnnotations.put(RunResources.SUSPEND_ANNOTATION, Boolean.toString(policy.isSuspend()));
        // A Job for a Kueue queue carries the queue's label whatever the propagated prefixes, and is made suspended,
        // as Kueue's own webhook would make it: Kueue unsuspends it when it admits it, and no pod may start before.
        Optional<String> queue = Kueue.queueName(run);
        ObjectMeta metadata = new ObjectMetaBuilder(RunResources.metadata(run, RunResources.jobName(run)))
                .addToLabels(propagated(run.getMetadata().getLabels(), defaults))
                .addToLabels(queue.map(name -> Map.of(Kueue.QUEUE_LABEL, name)).orElse(Map.of()))
                .withAnnotations(jobAnnotations)
                .build();
        return new JobBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                    .withBackoffLimit(policy.getBackoffLimit())
                    .withActiveDeadlineSeconds(policy.getActiveDeadlineSeconds())
                    .withSuspend(policy.isSuspend() || queue.isPresent())
                    // A replacement pod starts only once the failed one has stopped, so that two trainers
                    // never write to the same run directory at once.
                    .withPodReplacementPolicy("Failed")
                    .withPodFailurePolicy(podFailurePolicy())
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(metadata.getLabels())
                            .withAnnotations(podAnnotations(run, annotations))
                        .endMetadata()
                        .withSpec(podSpec(run, defaults, source))
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The propagated annotations and the run's manifest, which the pod's "config" volume turns into a file. */
    private static Map<String, String> podAnnotations(TrainingRun run, Map<String, String> propagated) {
        Map<String, String> annotations = new LinkedHashMap<>(propagated);
        annotations.put(TrainerPod.MANIFEST_ANNOTATION, manifest(run));
        return annotations;
    }

    /**
     * What the trainer reads as its configuration ({@link TrainerPod#MANIFEST_FILE}): the run's identity and spec as
     * the API server defaulted them, in the manifest format of the trainer's command line, so that a run trains the
     * same inside the cluster and outside; without status or server-side bookkeeping. Fixed with the pod template
     * when the Job is made, as the trainer's inputs are (spec.runPolicy, the one editable part, is the Job's).
     */
    static String manifest(TrainingRun run) {
        TrainingRun copy = new TrainingRun();
        copy.setMetadata(new ObjectMetaBuilder()
                .withName(run.getMetadata().getName())
                .withNamespace(run.getMetadata().getNamespace())
                .withUid(run.getMetadata().getUid())
                .build());
        copy.setSpec(run.getSpec());
        return TrainingRunYaml.write(copy);
    }

    /**
     * How the Job counts a pod's end, by the trainer's exit code ({@link TrainerExitCode}) and Kubernetes' own
     * disruption mark: invalid input and a diverged training fail the run at once (retrying cannot help: the same
     * input, or the same checkpoint and seed, come to the same end); a pod stopped on request after
     * saving its step checkpoint, and one disrupted by Kubernetes (eviction, preemption, a drained or tainted node,
     * a lost node: the DisruptionTarget condition), are replaced without counting against the backoff limit. Any
     * other end counts, as without a policy.
     */
    static PodFailurePolicy podFailurePolicy() {
        return new PodFailurePolicyBuilder()
                .addNewRule()
                    .withAction("FailJob")
                    .withNewOnExitCodes().withContainerName(TrainerPod.CONTAINER).withOperator("In")
                        .withValues(TrainerExitCode.INVALID_INPUT.code(), TrainerExitCode.DIVERGED.code())
                        .endOnExitCodes()
                .endRule()
                .addNewRule()
                    .withAction("Ignore")
                    .withNewOnExitCodes().withContainerName(TrainerPod.CONTAINER).withOperator("In")
                        .withValues(TrainerExitCode.STOPPED.code()).endOnExitCodes()
                .endRule()
                .addNewRule()
                    .withAction("Ignore")
                    .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True").endOnPodCondition()
                .endRule()
                .build();
    }

    private static PodSpec podSpec(TrainingRun run, TrainerDefaults defaults, Optional<TrainingRun> source) {
        ResourceSpec resources = run.getSpec().getResources();
        return new PodSpecBuilder()
                .withRestartPolicy("Never")
                // Time to finish a step and save a step checkpoint after SIGTERM, for this network's size.
                .withTerminationGracePeriodSeconds(defaults.stop().gracePeriodSeconds(
                        run.getSpec().getModel().getArchitecture(), run.getSpec().getModel().getNumClasses()))
                .withServiceAccountName(TrainerPod.SERVICE_ACCOUNT)
                .withAutomountServiceAccountToken(true)
                .withEnableServiceLinks(false)
                .withNewSecurityContext()
                    .withRunAsNonRoot(true)
                    .withRunAsUser(TrainerPod.USER_ID)
                    .withRunAsGroup(TrainerPod.USER_ID)
                    .withFsGroup(TrainerPod.USER_ID)
                    .withFsGroupChangePolicy("OnRootMismatch")
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withNodeSelector(resources.getNodeSelector())
                .withTolerations(resources.getTolerations())
                .withPriorityClassName(resources.getPriorityClassName())
                .withSchedulerName(resources.getSchedulerName())
                .withContainers(container(run, defaults, source))
                .withVolumes(volumes(run, source))
                .build();
    }

    private static Container container(TrainingRun run, TrainerDefaults defaults, Optional<TrainingRun> source) {
        List<VolumeMount> mounts = new ArrayList<>(List.of(
                mount("data", TrainerPod.DATA_DIR, true),
                mount("config", TrainerPod.MANIFEST_DIR, true),
                mount("checkpoints", TrainerPod.CHECKPOINT_DIR, false),
                mount("scratch", TrainerPod.SCRATCH_DIR, false)));
        // A fork reads its source's claim, read-only; when the source writes to this run's own claim, that volume is
        // mounted a second time, read-only (a pod may mount one volume at several paths, but two volumes of one claim
        // may never be set up on some storage).
        source.ifPresent(from -> mounts.add(mount(sharesClaim(run, from) ? "checkpoints" : "source",
                TrainerPod.SOURCE_DIR, true)));
        String image = run.getSpec().getImage() != null ? run.getSpec().getImage() : defaults.image();
        return new ContainerBuilder()
                .withName(TrainerPod.CONTAINER)
                .withImage(image)
                .withImagePullPolicy(defaults.imagePullPolicy())
                .withArgs(TrainerPod.arguments(run, source))
                .withEnv(env())
                .withResources(resources(run.getSpec().getResources()))
                .withSecurityContext(new SecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withCapabilities(new Capabilities(null, List.of("ALL")))
                        .build())
                // The trainer writes why a run ended early to the termination-message file; when it wrote nothing
                // and failed, its last log lines become the message. The run's conditions quote it.
                .withTerminationMessagePath(TrainerPod.TERMINATION_MESSAGE_PATH)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withVolumeMounts(mounts)
                .build();
    }

    /** Whether a fork's source writes its checkpoints to the same claim as the fork. */
    private static boolean sharesClaim(TrainingRun run, TrainingRun source) {
        return RunResources.checkpointClaimName(source).equals(RunResources.checkpointClaimName(run));
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }

    private static List<EnvVar> env() {
        return List.of(
                new EnvVarBuilder().withName(TrainerPod.RUN_NAME_ENV).withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.labels['" + RunResources.RUN_LABEL + "']")
                        .endFieldRef().endValueFrom().build(),
                new EnvVarBuilder().withName(TrainerPod.RUN_NAMESPACE_ENV).withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build(),
                new EnvVar(TrainerPod.DJL_OFFLINE_ENV, "true", null),
                // The root filesystem is read-only; anything that writes under HOME writes to the scratch volume.
                new EnvVar(TrainerPod.HOME_ENV, TrainerPod.SCRATCH_DIR, null));
    }

    /**
     * Requests equal to limits for everything the spec sets (a Guaranteed pod when it sets cpu and memory). The GPUs
     * are requested explicitly too, although Kubernetes would copy an extended resource's limit: queues such as Kueue
     * count a Job's quota from its pod template's requests.
     */
    private static ResourceRequirements resources(ResourceSpec spec) {
        Map<String, Quantity> requests = new LinkedHashMap<>();
        if (spec.getCpu() != null) {
            requests.put("cpu", spec.getCpu());
        }
        if (spec.getMemory() != null) {
            requests.put("memory", spec.getMemory());
        }
        if (spec.getGpus() > 0) {
            requests.put(spec.getGpuResourceName(), new Quantity(Integer.toString(spec.getGpus())));
        }
        return requests.isEmpty() ? new ResourceRequirements(null, null, null)
                : new ResourceRequirements(null, new LinkedHashMap<>(requests), requests);
    }

    private static List<Volume> volumes(TrainingRun run, Optional<TrainingRun> source) {
        List<Volume> volumes = new ArrayList<>(List.of(
                dataVolume(run.getSpec().getData().getVolume()),
                new VolumeBuilder().withName("config").withNewDownwardAPI()
                        .addNewItem().withPath(TrainerPod.MANIFEST_FILE).withNewFieldRef()
                            .withFieldPath("metadata.annotations['" + TrainerPod.MANIFEST_ANNOTATION + "']")
                            .endFieldRef().endItem()
                        .endDownwardAPI().build(),
                new VolumeBuilder().withName("checkpoints").withNewPersistentVolumeClaim()
                        .withClaimName(RunResources.checkpointClaimName(run)).endPersistentVolumeClaim().build(),
                new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build()));
        source.filter(from -> !sharesClaim(run, from)).ifPresent(from -> volumes.add(new VolumeBuilder()
                .withName("source").withNewPersistentVolumeClaim()
                .withClaimName(RunResources.checkpointClaimName(from)).withReadOnly(true)
                .endPersistentVolumeClaim().build()));
        return volumes;
    }

    /** The data volume, read-only whatever the spec says: training never writes to its data. */
    private static Volume dataVolume(DataVolume source) {
        VolumeBuilder volume = new VolumeBuilder().withName("data");
        if (source.getPersistentVolumeClaim() != null) {
            volume.withNewPersistentVolumeClaimLike(source.getPersistentVolumeClaim()).withReadOnly(true)
                    .endPersistentVolumeClaim();
        } else if (source.getNfs() != null) {
            volume.withNewNfsLike(source.getNfs()).withReadOnly(true).endNfs();
        } else if (source.getCsi() != null) {
            volume.withNewCsiLike(source.getCsi()).withReadOnly(true).endCsi();
        } else {
            volume.withHostPath(source.getHostPath());
        }
        return volume.build();
    }

    /** The entries of a run's labels or annotations that batch schedulers read from Jobs and pods. */
    static Map<String, String> propagated(Map<String, String> entries, TrainerDefaults defaults) {
        Map<String, String> selected = new LinkedHashMap<>();
        if (entries != null) {
            entries.forEach((key, value) -> {
                if (defaults.propagatedPrefixes().stream().anyMatch(key::startsWith)) {
                    selected.put(key, value);
                }
            });
        }
        return selected;
    }
}
