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

    /** TrainingRuns reconciled at the same time. */
    @WithDefault("50")
    int concurrency();

    /**
     * Prefixes of the TrainingRun's labels and annotations that are copied to the Job and its pod, so that
     * batch schedulers such as Kueue or Volcano see them where they look.
     */
    @WithDefault("kueue.x-k8s.io/,scheduling.x-k8s.io/,volcano.sh/,yunikorn.apache.org/")
    List<String> propagatedPrefixes();

    LeaderElection leaderElection();

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
}
