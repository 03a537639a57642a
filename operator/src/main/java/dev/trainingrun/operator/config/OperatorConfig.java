package dev.trainingrun.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything an installation may tune, in one typed place; each setting is also an environment variable
 * ({@code trainingrun.operator.trainer-image} is {@code TRAININGRUN_OPERATOR_TRAINER_IMAGE}).
 */
@ConfigMapping(prefix = "trainingrun.operator")
public interface OperatorConfig {

    /** Trainer image for runs that do not name one in {@code spec.image}. */
    @WithDefault("trainingrun/trainer:${quarkus.application.version}")
    String trainerImage();

    /** Pull policy of the trainer container. */
    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    /** Namespaces whose TrainingRuns this operator reconciles; every namespace when left out. */
    Optional<Set<String>> namespaces();

    /**
     * TrainingRuns reconciled at the same time, and the threads reconciling their dependents. 16, not the SDK's 50:
     * with 500 runs at once, 16 threads in each pool made every Job as soon and kept 33 MB less resident than 50;
     * 8 made them 4 s later than 16 for no further saving (docs/performance.md).
     */
    @WithDefault("16")
    int concurrency();

    /**
     * Prefixes of the TrainingRun's labels and annotations that are copied to the Job and its pod, so that
     * batch schedulers such as Kueue or Volcano see them where they look.
     */
    @WithDefault("kueue.x-k8s.io/,scheduling.x-k8s.io/,volcano.sh/,yunikorn.apache.org/")
    List<String> propagatedPrefixes();

    LeaderElection leaderElection();

    /** How long a training pod is given to stop when it is asked to (its terminationGracePeriodSeconds). */
    Stop stop();

    /**
     * A pod asked to stop (SIGTERM) finishes its step, saves a step checkpoint and exits; the grace period is the
     * longest step, plus the checkpoint's size at the write speed assumed, plus a margin for the process to end and
     * report. Too short and the kubelet kills the pod mid-save (the run then redoes up to an interval of steps); too
     * long only delays a drain or a preemption by as much.
     */
    interface Stop {
        /** The longest training step expected, in seconds; CPU training of a large batch is the slow case. */
        @WithDefault("30")
        int stepSeconds();

        /** The write speed assumed for the checkpoint volume, in megabytes per second. */
        @WithDefault("50")
        int writeMegabytesPerSecond();

        /** Seconds for the JVM to end and the status to be written after the save (the trainer waits 5 at most). */
        @WithDefault("10")
        int marginSeconds();
    }

    /** What runs may ask of the cluster through the operator; safe by default (docs/security.md). */
    Policy policy();

    /** Only one replica reconciles at a time; the others wait for the Lease. */
    interface LeaderElection {
        /** Off by default for a single process on a workstation; the Helm chart turns it on. */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("trainingrun-operator")
        String leaseName();

        /** Namespace of the Lease; the kubeconfig's (or the pod's) namespace when left out. */
        Optional<String> leaseNamespace();

        /** Name this replica holds the Lease under; the host name plus a random suffix when left out. */
        Optional<String> identity();

        @WithDefault("15s")
        Duration leaseDuration();

        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }

    /**
     * The security policy: what a run may use that the user who creates it may not be allowed to use directly. The
     * Helm chart sets these from its {@code policy} values, and gives its ValidatingAdmissionPolicy the same values.
     * Lists are comma-separated; a list left out allows nothing, except {@link #imagePrefixes()}, which then allows
     * any image.
     */
    interface Policy {
        /** PersistentVolumeClaims of the run's namespace as data volume. */
        @WithDefault("true")
        boolean persistentVolumeClaims();

        /** CSI drivers whose inline volumes may be a run's data volume. */
        Optional<List<String>> csiDrivers();

        /** NFS servers a run may mount as data volume, exactly as {@code spec.data.volume.nfs.server} names them. */
        Optional<List<String>> nfsServers();

        /** Directories of the node that a run may mount as hostPath data volume, each with what lies below it. */
        Optional<List<String>> hostPathPrefixes();

        /** PriorityClasses a run may name; without one it gets the cluster's default priority. */
        Optional<List<String>> priorityClassNames();

        /** Schedulers a run may name besides {@code default-scheduler}. */
        Optional<List<String>> schedulerNames();

        /**
         * Registries and repositories {@code spec.image} must lie under (the default trainer image is always
         * allowed); any image when left out.
         */
        Optional<List<String>> imagePrefixes();
    }
}
