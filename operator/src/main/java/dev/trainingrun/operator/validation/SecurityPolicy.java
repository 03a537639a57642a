package dev.trainingrun.operator.validation;

import dev.trainingrun.api.DataVolume;
import dev.trainingrun.api.ResourceSpec;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.config.OperatorConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a run may use through the operator that the user who creates it may not be allowed to use directly: a
 * node's directory, an NFS server or CSI driver, a priority, a scheduler, an image. The operator acts with its own
 * rights, so without these rules anyone who may create a TrainingRun could mount the node's files or preempt the
 * cluster's own pods through it (docs/security.md).
 *
 * <p>The chart's ValidatingAdmissionPolicy ({@code helm/trainingrun-operator/templates/policy.yaml}) applies the
 * same rules in CEL, from the same settings, when a run is created; the operator applies them again before it
 * makes anything for a run, for installations without that policy and for runs created before the policy changed.
 * Both give the same verdict and the same message on every case of {@code policy-cases.yaml} (the operator's
 * test resources): that table is the rule set's specification.
 *
 * <p>Lists keep their configured order, which messages show; entries are trimmed and empty ones dropped.
 *
 * @param persistentVolumeClaims whether a claim of the run's namespace may be its data volume
 * @param csiDrivers CSI drivers whose inline volumes may be the data volume
 * @param nfsServers NFS servers that may be mounted, compared with {@code nfs.server} as written
 * @param hostPathPrefixes absolute directories of the node that may be mounted, each with everything below it
 * @param priorityClassNames PriorityClasses a run may name; a run that names none gets the cluster's default
 * @param schedulerNames schedulers a run may name besides {@value #DEFAULT_SCHEDULER}
 * @param imagePrefixes registries and repositories {@code spec.image} must lie under; empty allows any image
 * @param trainerImage the operator's default trainer image, which {@code spec.image} may always name
 */
public record SecurityPolicy(boolean persistentVolumeClaims, List<String> csiDrivers, List<String> nfsServers,
        List<String> hostPathPrefixes, List<String> priorityClassNames, List<String> schedulerNames,
        List<String> imagePrefixes, String trainerImage) {

    public static final String DATA_VOLUME_NOT_ALLOWED = "DataVolumeNotAllowed";
    public static final String PRIORITY_CLASS_NOT_ALLOWED = "PriorityClassNotAllowed";
    public static final String SCHEDULER_NOT_ALLOWED = "SchedulerNotAllowed";
    public static final String IMAGE_NOT_ALLOWED = "ImageNotAllowed";
    /** The scheduler of a pod that names none; naming it changes nothing, so it is always allowed. */
    public static final String DEFAULT_SCHEDULER = "default-scheduler";

    public SecurityPolicy {
        csiDrivers = clean(csiDrivers);
        nfsServers = clean(nfsServers);
        hostPathPrefixes = clean(hostPathPrefixes);
        priorityClassNames = clean(priorityClassNames);
        schedulerNames = clean(schedulerNames);
        imagePrefixes = clean(imagePrefixes);
    }

    public static SecurityPolicy from(OperatorConfig config) {
        OperatorConfig.Policy policy = config.policy();
        return new SecurityPolicy(policy.persistentVolumeClaims(),
                policy.csiDrivers().orElse(List.of()),
                policy.nfsServers().orElse(List.of()),
                policy.hostPathPrefixes().orElse(List.of()),
                policy.priorityClassNames().orElse(List.of()),
                policy.schedulerNames().orElse(List.of()),
                policy.imagePrefixes().orElse(List.of()),
                config.trainerImage());
    }

    /**
     * The first rule the run breaks, in the order the CEL policy checks them: data volume, PriorityClass,
     * scheduler, image. The problem is not permanent: the run starts once the policy allows what it asks for.
     */
    public Optional<Problem> check(TrainingRun run) {
        ResourceSpec resources = run.getSpec().getResources();
        return Stream.of(dataVolume(run.getSpec().getData().getVolume()),
                        priorityClass(resources.getPriorityClassName()),
                        scheduler(resources.getSchedulerName()),
                        image(run.getSpec().getImage()))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** A field the spec leaves out is compared and shown as empty, as the CEL policy does. */
    private Optional<Problem> dataVolume(DataVolume volume) {
        if (volume.getPersistentVolumeClaim() != null && !persistentVolumeClaims) {
            return refuse(DATA_VOLUME_NOT_ALLOWED, "spec.data.volume.persistentVolumeClaim.claimName",
                    orEmpty(volume.getPersistentVolumeClaim().getClaimName()), "persistentVolumeClaims", "false");
        }
        if (volume.getNfs() != null && !nfsServers.contains(orEmpty(volume.getNfs().getServer()))) {
            return refuse(DATA_VOLUME_NOT_ALLOWED, "spec.data.volume.nfs.server", orEmpty(volume.getNfs().getServer()),
                    "nfsServers", listed(nfsServers));
        }
        if (volume.getCsi() != null && !csiDrivers.contains(orEmpty(volume.getCsi().getDriver()))) {
            return refuse(DATA_VOLUME_NOT_ALLOWED, "spec.data.volume.csi.driver", orEmpty(volume.getCsi().getDriver()),
                    "csiDrivers", listed(csiDrivers));
        }
        if (volume.getHostPath() != null && !hostPathAllowed(orEmpty(volume.getHostPath().getPath()))) {
            return refuse(DATA_VOLUME_NOT_ALLOWED, "spec.data.volume.hostPath.path",
                    orEmpty(volume.getHostPath().getPath()), "hostPathPrefixes", listed(hostPathPrefixes));
        }
        return Optional.empty();
    }

    private Optional<Problem> priorityClass(String name) {
        if (name == null || name.isEmpty() || priorityClassNames.contains(name)) {
            return Optional.empty();
        }
        return refuse(PRIORITY_CLASS_NOT_ALLOWED, "spec.resources.priorityClassName", name, "priorityClassNames",
                listed(priorityClassNames));
    }

    private Optional<Problem> scheduler(String name) {
        if (name == null || name.isEmpty() || name.equals(DEFAULT_SCHEDULER) || schedulerNames.contains(name)) {
            return Optional.empty();
        }
        return refuse(SCHEDULER_NOT_ALLOWED, "spec.resources.schedulerName", name, "schedulerNames",
                listed(schedulerNames) + "; or " + DEFAULT_SCHEDULER);
    }

    private Optional<Problem> image(String image) {
        if (image == null || imagePrefixes.isEmpty() || image.equals(trainerImage)
                || imagePrefixes.stream().anyMatch(prefix -> imageUnder(image, prefix))) {
            return Optional.empty();
        }
        return refuse(IMAGE_NOT_ALLOWED, "spec.image", image, "imagePrefixes",
                listed(imagePrefixes) + "; or the trainer image " + trainerImage);
    }

    /**
     * Whether a hostPath is an allowed directory or lies below one: an absolute path, no {@code ..} component (which
     * could climb out of the directory), and the prefix matched whole components at a time, so that
     * {@code /srv/data} admits {@code /srv/data} and {@code /srv/data/cats} but not {@code /srv/database}. The node's
     * symbolic links are beyond what any admission check can see: allow only directories nobody can plant one in.
     */
    boolean hostPathAllowed(String path) {
        return path.startsWith("/")
                && Arrays.stream(path.split("/")).noneMatch(".."::equals)
                && hostPathPrefixes.stream().anyMatch(prefix -> (path + "/").startsWith(directory(prefix)));
    }

    /**
     * Whether an image reference lies under an allowed prefix, compared as written (no registry defaults are
     * applied: {@code ubuntu} is not under {@code docker.io/library}). The prefix must end where a component of the
     * reference ends: a prefix without {@code /} names a registry host (with its port, if it has one), so
     * {@code registry.example} admits {@code registry.example/ml/trainer:1} but neither
     * {@code registry.example.evil/...} nor {@code registry.example:5000/...}; a prefix with {@code /} names a
     * repository or a path of repositories, so {@code registry.example/ml} admits {@code registry.example/ml:2},
     * {@code registry.example/ml@sha256:...} and {@code registry.example/ml/resnet:1} but not
     * {@code registry.example/ml-evil/...}.
     */
    static boolean imageUnder(String image, String prefix) {
        return image.equals(prefix) || image.startsWith(directory(prefix))
                || prefix.contains("/") && (image.startsWith(prefix + ":") || image.startsWith(prefix + "@"));
    }

    /** The prefix as a directory: what lies below it starts with this. */
    private static String directory(String prefix) {
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /**
     * The message both enforcement points give, word for word: the field, its value, and the setting with what it
     * allows. The operator adds what to do.
     */
    static String refusal(String field, String value, String setting, String allowed) {
        return field + ": \"" + value + "\" is not allowed by the TrainingRun security policy (policy." + setting
                + ": " + allowed + ")";
    }

    private static Optional<Problem> refuse(String reason, String field, String value, String setting,
            String allowed) {
        return Optional.of(new Problem(reason, refusal(field, value, setting, allowed) + ". The run starts once an "
                + "administrator allows it (docs/security.md); or create the run again within the policy.", false));
    }

    private static String listed(List<String> allowed) {
        return allowed.isEmpty() ? "none" : String.join(", ", allowed);
    }

    private static String orEmpty(String value) {
        return value != null ? value : "";
    }

    private static List<String> clean(List<String> entries) {
        return entries.stream().map(String::trim).filter(entry -> !entry.isEmpty()).toList();
    }
}
