package dev.trainingrun.operator.dependents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.api.TrainingRunYaml;
import dev.trainingrun.operator.ActiveTime;
import dev.trainingrun.operator.RunResources;
import dev.trainingrun.operator.Runs;
import dev.trainingrun.operator.kueue.Kueue;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Job the operator makes for a run: the pod spec issue 7 and the trainer's command line agree on. */
class TrainingJobDependentTest {
    private static final TrainerDefaults DEFAULTS =
            new TrainerDefaults("trainer:1", "IfNotPresent", List.of("kueue.x-k8s.io/"),
                    new TrainerDefaults.Stop(30, 50, 10));

    private static Job job(TrainingRun run) {
        return TrainingJobDependent.desiredJob(run, DEFAULTS, Optional.empty());
    }

    private static Container trainer(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void theJobIsLookedUpByTheNameItIsMadeWith() {
        TrainingRun run = Runs.minimal();
        // The lookup reads neither the configuration nor the context.
        TrainingJobDependent dependent = new TrainingJobDependent(null);
        assertEquals(ResourceID.fromResource(job(run)), dependent.targetSecondaryResourceID(run, null),
                "the SDK finds the run's Job by this id, without building the desired Job");
    }

    @Test
    void theTrainerGetsItsManifestDataAndRunDirectoryAsArguments() {
        Container trainer = trainer(job(Runs.minimal()));
        assertEquals(List.of("train", "--run", "/etc/trainingrun/run.yaml", "--data", "/data",
                "--output", "/checkpoints/cats-0a1b2c3d", "--termination-message", "/dev/termination-log"),
                trainer.getArgs());
        assertEquals("/dev/termination-log", trainer.getTerminationMessagePath(),
                "the trainer writes why its run ended early where Kubernetes reads the termination message");
        assertEquals("FallbackToLogsOnError", trainer.getTerminationMessagePolicy());
        assertTrue(trainer.getCommand().isEmpty(), "the image's entrypoint is the trainer launcher");
        assertEquals("trainer:1", trainer.getImage());
    }

    @Test
    void invalidInputAndDivergenceFailTheRunAtOnceWhileStopsAndDisruptionsDoNotCount() {
        PodFailurePolicy policy = job(Runs.minimal()).getSpec().getPodFailurePolicy();
        assertEquals(3, policy.getRules().size());
        PodFailurePolicyRule invalid = policy.getRules().get(0);
        assertEquals("FailJob", invalid.getAction());
        assertEquals(List.of(TrainerExitCode.INVALID_INPUT.code(), TrainerExitCode.DIVERGED.code()),
                invalid.getOnExitCodes().getValues());
        assertEquals("In", invalid.getOnExitCodes().getOperator());
        assertEquals("trainer", invalid.getOnExitCodes().getContainerName());
        PodFailurePolicyRule stopped = policy.getRules().get(1);
        assertEquals("Ignore", stopped.getAction());
        assertEquals(List.of(TrainerExitCode.STOPPED.code()), stopped.getOnExitCodes().getValues());
        PodFailurePolicyRule disrupted = policy.getRules().get(2);
        assertEquals("Ignore", disrupted.getAction());
        assertEquals("DisruptionTarget", disrupted.getOnPodConditions().get(0).getType());
        assertEquals("Never", job(Runs.minimal()).getSpec().getTemplate().getSpec().getRestartPolicy(),
                "a pod failure policy needs it");
    }

    @Test
    void theGracePeriodCoversAStepAndTheSaveOfTheNetworksCheckpoint() {
        // ResNet-18 with 2 classes: 11,177,538 parameters and two AdamW moments each, 134 MB: 3 s at 50 MB/s.
        assertEquals(30 + 3 + 10, job(Runs.minimal()).getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds());
        TrainingRun large = Runs.run("big", "{model: {architecture: ResNet50, numClasses: 1000}, "
                + "data: {volume: {persistentVolumeClaim: {claimName: d}}}}");
        // 25,557,032 parameters, 307 MB: 7 s.
        assertEquals(30 + 7 + 10, job(large).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
    }

    @Test
    void specImageOverridesTheDefault() {
        TrainingRun run = Runs.run("cats", "{image: 'mine:2', data: {volume: {nfs: {server: s, path: /d}}}}");
        assertEquals("mine:2", trainer(job(run)).getImage());
    }

    @Test
    void thePodRunsUnderTheRestrictedProfile() {
        Job job = job(Runs.minimal());
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(1000L, pod.getSecurityContext().getRunAsUser());
        assertEquals(1000L, pod.getSecurityContext().getFsGroup());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        var container = trainer(job).getSecurityContext();
        assertFalse(container.getAllowPrivilegeEscalation());
        assertTrue(container.getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), container.getCapabilities().getDrop());
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals("trainingrun-trainer", pod.getServiceAccountName());
        assertFalse(pod.getEnableServiceLinks());
    }

    /** The pod's annotation holds exactly what the trainer's command line reads, as the config volume's file. */
    @Test
    void theManifestIsTheDefaultedSpecWithTheRunsIdentity() {
        TrainingRun run = Runs.run("cats", "{model: {numClasses: 7}, data: {volume: {nfs: {server: s, path: /d}}}}");
        run.getMetadata().setResourceVersion("42");
        run.setStatus(new TrainingRunStatus());
        String yaml = job(run).getSpec().getTemplate().getMetadata().getAnnotations()
                .get("trainingrun.dev/manifest");
        TrainingRun read = TrainingRunYaml.read(yaml, "run.yaml");
        assertEquals("cats", read.getMetadata().getName());
        assertEquals("ml", read.getMetadata().getNamespace());
        assertEquals(Runs.UID, read.getMetadata().getUid());
        assertNull(read.getMetadata().getResourceVersion());
        assertNull(read.getStatus());
        assertFalse(yaml.contains("status"), yaml);
        KubernetesSerialization json = new KubernetesSerialization();
        assertEquals(json.asJson(run.getSpec()), json.asJson(read.getSpec()));
        assertEquals(7, read.getSpec().getModel().getNumClasses());
    }

    @Test
    void volumesAreMountedWhereTheArgumentsSayWithTheDataReadOnly() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {persistentVolumeClaim: {claimName: images}}}}");
        PodSpec pod = job(run).getSpec().getTemplate().getSpec();
        Map<String, Volume> volumes = pod.getVolumes().stream()
                .collect(Collectors.toMap(Volume::getName, Function.identity()));
        assertEquals("images", volumes.get("data").getPersistentVolumeClaim().getClaimName());
        assertTrue(volumes.get("data").getPersistentVolumeClaim().getReadOnly());
        assertEquals(List.of("metadata.annotations['trainingrun.dev/manifest']"), volumes.get("config")
                .getDownwardAPI().getItems().stream().map(item -> item.getFieldRef().getFieldPath()).toList());
        assertEquals(List.of("run.yaml"), volumes.get("config").getDownwardAPI().getItems().stream()
                .map(DownwardAPIVolumeFile::getPath).toList());
        assertEquals("cats-checkpoints", volumes.get("checkpoints").getPersistentVolumeClaim().getClaimName());
        assertTrue(volumes.containsKey("scratch") && volumes.get("scratch").getEmptyDir() != null);
        Map<String, VolumeMount> mounts = trainer(job(run)).getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getName, Function.identity()));
        assertEquals("/data", mounts.get("data").getMountPath());
        assertTrue(mounts.get("data").getReadOnly());
        assertEquals("/etc/trainingrun", mounts.get("config").getMountPath());
        assertEquals("/checkpoints", mounts.get("checkpoints").getMountPath());
        assertFalse(mounts.get("checkpoints").getReadOnly());
        assertEquals("/tmp", mounts.get("scratch").getMountPath());
    }

    @Test
    void aForkReadsItsSourcesClaimReadOnlyAndIsToldTheSourcesDirectory() {
        TrainingRun source = Runs.run("quickstart", "{data: {volume: {nfs: {server: s, path: /d}}}}");
        source.getMetadata().setUid("feedbeef-0000-4000-8000-000000000000");
        TrainingRun fork = Runs.run("cats", "{model: {from: {run: quickstart}}, data: {volume: {nfs: {server: s, "
                + "path: /d}}}}");
        Job job = TrainingJobDependent.desiredJob(fork, DEFAULTS, Optional.of(source));
        assertEquals(List.of("train", "--run", "/etc/trainingrun/run.yaml", "--data", "/data",
                "--output", "/checkpoints/cats-0a1b2c3d", "--termination-message", "/dev/termination-log",
                "--from", "/source/quickstart-feedbeef"),
                trainer(job).getArgs());
        Volume claim = job.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("source")).findFirst().orElseThrow();
        assertEquals("quickstart-checkpoints", claim.getPersistentVolumeClaim().getClaimName());
        assertTrue(claim.getPersistentVolumeClaim().getReadOnly(), "the source's claim is read-only in the pod");
        VolumeMount mount = trainer(job).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/source")).findFirst().orElseThrow();
        assertEquals("source", mount.getName());
        assertTrue(mount.getReadOnly());
        assertTrue(trainer(job(fork)).getVolumeMounts().stream().noneMatch(m -> m.getMountPath().equals("/source")),
                "without its source (never the case once validated) nothing is mounted");
    }

    @Test
    void aForkOnItsSourcesClaimMountsThatOneVolumeAgainReadOnly() {
        String shared = "data: {volume: {nfs: {server: s, path: /d}}}, checkpoints: {claimName: shared}";
        TrainingRun source = Runs.run("quickstart", "{" + shared + "}");
        TrainingRun fork = Runs.run("cats", "{model: {from: {run: quickstart}}, " + shared + "}");
        Job job = TrainingJobDependent.desiredJob(fork, DEFAULTS, Optional.of(source));
        List<Volume> volumes = job.getSpec().getTemplate().getSpec().getVolumes();
        assertEquals(1, volumes.stream().filter(v -> v.getPersistentVolumeClaim() != null
                && "shared".equals(v.getPersistentVolumeClaim().getClaimName())).count(), "one volume of the claim");
        List<VolumeMount> mounts = trainer(job).getVolumeMounts().stream()
                .filter(m -> m.getName().equals("checkpoints")).toList();
        assertEquals(List.of("/checkpoints", "/source"), mounts.stream().map(VolumeMount::getMountPath).toList());
        assertEquals(List.of(false, true), mounts.stream().map(VolumeMount::getReadOnly).toList());
    }

    @Test
    void anNfsDataVolumeIsReadOnlyEvenWhenTheSpecSaysOtherwise() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {nfs: {server: s, path: /d, readOnly: false}}}}");
        Volume data = job(run).getSpec().getTemplate().getSpec().getVolumes().get(0);
        assertTrue(data.getNfs().getReadOnly());
    }

    @Test
    void anExistingCheckpointClaimIsMountedInsteadOfTheOperatorsOwn() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {nfs: {server: s, path: /d}}}, "
                + "checkpoints: {claimName: shared}}");
        assertEquals("shared", job(run).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("checkpoints")).findFirst().orElseThrow()
                .getPersistentVolumeClaim().getClaimName());
    }

    @Test
    void theRunsIdentityComesFromTheDownwardApiAndDjlStaysOffline() {
        Map<String, EnvVar> env = trainer(job(Runs.minimal())).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, Function.identity()));
        assertEquals("metadata.labels['trainingrun.dev/run']",
                env.get("TRAININGRUN_NAME").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("metadata.namespace", env.get("TRAININGRUN_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("true", env.get("DJL_OFFLINE").getValue());
        assertEquals("/tmp", env.get("HOME").getValue());
        assertFalse(env.containsKey("TRAININGRUN_CHECKPOINT_CLAIM"),
                "where the run's files are is the operator's to report (status.checkpoints.claimName)");
        assertEquals("cats", job(Runs.minimal()).getSpec().getTemplate().getMetadata().getLabels()
                .get("trainingrun.dev/run"));
    }

    @Test
    void resourcesAndPlacementComeFromTheSpec() {
        TrainingRun run = Runs.run("cats", """
                {data: {volume: {nfs: {server: s, path: /d}}},
                 resources: {gpus: 2, gpuResourceName: amd.com/gpu, cpu: "4", memory: 16Gi,
                   nodeSelector: {pool: gpu}, tolerations: [{key: gpu, operator: Exists, effect: NoSchedule}],
                   priorityClassName: low, schedulerName: volcano}}""");
        Job job = job(run);
        var resources = trainer(job).getResources();
        assertEquals(new Quantity("2"), resources.getLimits().get("amd.com/gpu"));
        assertEquals(new Quantity("2"), resources.getRequests().get("amd.com/gpu"), "what Kueue counts");
        assertEquals(new Quantity("4"), resources.getLimits().get("cpu"));
        assertEquals(new Quantity("4"), resources.getRequests().get("cpu"));
        assertEquals(new Quantity("16Gi"), resources.getRequests().get("memory"));
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals(Map.of("pool", "gpu"), pod.getNodeSelector());
        assertEquals("gpu", pod.getTolerations().get(0).getKey());
        assertEquals("low", pod.getPriorityClassName());
        assertEquals("volcano", pod.getSchedulerName());
    }

    @Test
    void aCpuRunAsksForNoGpu() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {nfs: {server: s, path: /d}}}, resources: {gpus: 0}}");
        assertNull(trainer(job(run)).getResources().getLimits());
    }

    @Test
    void runPolicyMapsToTheJob() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {nfs: {server: s, path: /d}}}, "
                + "runPolicy: {backoffLimit: 5, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 60, suspend: true}}");
        Job job = job(run);
        assertEquals(5, job.getSpec().getBackoffLimit());
        assertEquals(600L, job.getSpec().getActiveDeadlineSeconds());
        assertTrue(job.getSpec().getSuspend());
        assertNull(job.getSpec().getTtlSecondsAfterFinished(), "the operator removes the Job itself, see reconciler");
        assertEquals("Failed", job.getSpec().getPodReplacementPolicy());
        assertEquals("true", job.getMetadata().getAnnotations().get(RunResources.SUSPEND_ANNOTATION));
    }

    @Test
    void batchSchedulerLabelsAndAnnotationsPassToTheJobAndItsPod() {
        TrainingRun run = Runs.minimal();
        run.getMetadata().setLabels(Map.of("kueue.x-k8s.io/queue-name", "gpu", "team", "vision"));
        run.getMetadata().setAnnotations(Map.of("kueue.x-k8s.io/priority", "high", "note", "x"));
        Job job = job(run);
        assertEquals("gpu", job.getMetadata().getLabels().get("kueue.x-k8s.io/queue-name"));
        assertFalse(job.getMetadata().getLabels().containsKey("team"));
        assertEquals("gpu", job.getSpec().getTemplate().getMetadata().getLabels().get("kueue.x-k8s.io/queue-name"));
        assertEquals("high", job.getSpec().getTemplate().getMetadata().getAnnotations().get("kueue.x-k8s.io/priority"));
        assertFalse(job.getSpec().getTemplate().getMetadata().getAnnotations()
                .containsKey(RunResources.SUSPEND_ANNOTATION));
        assertEquals("trainingrun-operator", job.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    }

    @Test
    void aJobThatMatchesTheRunPolicyNeedsNoPatch() {
        TrainingRun run = Runs.minimal();
        assertTrue(TrainingJobDependent.policyPatch(job(run), run).isEmpty());
    }

    @Test
    void editedPolicyFieldsArePatchedAndNothingElse() {
        TrainingRun run = Runs.minimal();
        Job actual = job(run);
        run.getSpec().getRunPolicy().setBackoffLimit(7);
        run.getSpec().getRunPolicy().setActiveDeadlineSeconds(30L);
        run.getSpec().getRunPolicy().setSuspend(true);
        ObjectNode patch = TrainingJobDependent.policyPatch(actual, run);
        assertEquals(7, patch.at("/spec/backoffLimit").asInt());
        assertEquals(30, patch.at("/spec/activeDeadlineSeconds").asInt());
        assertTrue(patch.at("/spec/suspend").asBoolean());
        assertEquals("true", patch.at("/metadata/annotations/trainingrun.dev~1suspend").asText());
        assertEquals(2, patch.size());
        assertEquals(3, patch.get("spec").size());
    }

    @Test
    void aRemovedDeadlineIsPatchedAway() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {nfs: {server: s, path: /d}}}, "
                + "runPolicy: {activeDeadlineSeconds: 600}}");
        Job actual = job(run);
        run.getSpec().getRunPolicy().setActiveDeadlineSeconds(null);
        assertTrue(TrainingJobDependent.policyPatch(actual, run).at("/spec/activeDeadlineSeconds").isNull());
    }

    @Test
    void aSuspendedJobIsGivenWhatIsLeftOfTheBudgetWithTheTallyBeforeAnyoneResumesIt() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {nfs: {server: s, path: /d}}}, "
                + "runPolicy: {activeDeadlineSeconds: 600}}");
        Job running = new JobBuilder(job(run)).editMetadata()
                .addToAnnotations(ActiveTime.SINCE, "2026-01-02T03:00:00Z").endMetadata()
                .withNewStatus().withStartTime("2026-01-02T03:00:00Z").endStatus().build();
        assertTrue(TrainingJobDependent.policyPatch(running, run).isEmpty(), "the open period is already recorded");

        Job suspended = new JobBuilder(running).editSpec().withSuspend(true).endSpec()
                .withNewStatus().addNewCondition().withType("Suspended").withStatus("True")
                .withLastTransitionTime("2026-01-02T03:04:10Z").endCondition().endStatus().build();
        ObjectNode patch = TrainingJobDependent.policyPatch(suspended, run);
        assertEquals(350, patch.at("/spec/activeDeadlineSeconds").asLong());
        assertEquals("250", patch.at("/metadata/annotations/trainingrun.dev~1active-seconds").asText());
        assertTrue(patch.at("/metadata/annotations/trainingrun.dev~1active-since").isNull());
        assertEquals(2, patch.size());
    }

    @Test
    void aRunWhoseBudgetIsSpentIsNotResumed() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {nfs: {server: s, path: /d}}}, "
                + "runPolicy: {activeDeadlineSeconds: 600, suspend: true}}");
        Job suspended = new JobBuilder(job(run)).editMetadata().addToAnnotations(ActiveTime.ENDED, "600").endMetadata()
                .editSpec().withActiveDeadlineSeconds(1L).endSpec().build();
        run.getSpec().getRunPolicy().setSuspend(false);
        assertTrue(TrainingJobDependent.policyPatch(suspended, run).isEmpty());
    }

    @Test
    void aRunForAKueueQueueGetsASuspendedJobWithTheQueueLabelWhateverThePropagatedPrefixes() {
        TrainingRun run = Runs.minimal();
        run.getMetadata().setLabels(Map.of(Kueue.QUEUE_LABEL, "team-a"));
        Job job = TrainingJobDependent.desiredJob(run, new TrainerDefaults("trainer:1", "IfNotPresent", List.of(),
                new TrainerDefaults.Stop(30, 50, 10)), Optional.empty());
        assertEquals(true, job.getSpec().getSuspend(), "Kueue unsuspends it when it admits it");
        assertEquals("team-a", job.getMetadata().getLabels().get(Kueue.QUEUE_LABEL));
        assertEquals("false", job.getMetadata().getAnnotations().get(RunResources.SUSPEND_ANNOTATION),
                "the run's own wish is still recorded");
        assertFalse(job(Runs.minimal()).getSpec().getSuspend(), "a run without a queue starts at once");
    }

    @Test
    void theSuspendFlagOfAJobKueueManagesIsNeverPatchedWhateverTheRunWants() {
        TrainingRun run = Runs.minimal();
        run.getMetadata().setLabels(Map.of(Kueue.QUEUE_LABEL, "team-a"));
        Job admitted = new JobBuilder(job(run)).editSpec().withSuspend(false).endSpec().build();
        run.getSpec().getRunPolicy().setSuspend(true);
        assertTrue(TrainingJobDependent.policyPatch(admitted, run).at("/spec/suspend").isMissingNode(),
                TrainingJobDependent.policyPatch(admitted, run)::toString);
        Job withoutKueue = new JobBuilder(admitted).editMetadata().withLabels(Map.of()).endMetadata().build();
        assertTrue(TrainingJobDependent.policyPatch(withoutKueue, run).at("/spec/suspend").asBoolean(),
                "without Kueue the operator suspends the Job itself");
    }

    @Test
    void aJobSuspendedBySomeoneElseIsLeftAlone() {
        TrainingRun run = Runs.minimal();
        Job heldByKueue = new JobBuilder(job(run)).editSpec().withSuspend(true).endSpec().build();
        assertTrue(TrainingJobDependent.policyPatch(heldByKueue, run).isEmpty());
    }
}
