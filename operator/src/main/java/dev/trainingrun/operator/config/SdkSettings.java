package dev.trainingrun.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * Hands the Java Operator SDK what {@link OperatorConfig} decides, as the beans Quarkus Operator SDK looks up.
 * (Its ConfigurationServiceCustomizer is avoided: in 7.7.3 the customised service builds a new Kubernetes client,
 * kubeconfig parsing and TLS included, on every resource clone.)
 */
@Singleton
public class SdkSettings {

    /** The Lease to hold before reconciling, or none (null) when leader election is off. */
    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        OperatorConfig.LeaderElection settings = config.leaderElection();
        if (!settings.enabled()) {
            return null;
        }
        LeaderElectionConfigurationBuilder builder = LeaderElectionConfigurationBuilder
                .aLeaderElectionConfiguration(settings.leaseName())
                .withIdentity(settings.identity().orElseGet(SdkSettings::uniqueIdentity))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod());
        settings.leaseNamespace().ifPresent(builder::withLeaseNamespace);
        return builder.build();
    }

    /**
     * The SDK's reconcile counts and durations in Micrometer. Quarkus Operator SDK 7.7.3 would hand the SDK its
     * no-op metrics when the operator is made before Micrometer's registry is bound.
     */
    @Produces
    @Singleton
    Metrics metrics(MeterRegistry registry) {
        return MicrometerMetricsV2.newBuilder(registry).build();
    }

    /**
     * The SDK's default identity is the host name alone, so two processes on one machine would both believe
     * they hold the Lease; a random suffix keeps each process distinct, even across restarts of one pod.
     */
    private static String uniqueIdentity() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "trainingrun-operator";
            }
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
