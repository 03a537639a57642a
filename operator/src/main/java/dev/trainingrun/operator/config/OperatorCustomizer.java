package dev.trainingrun.operator.config;

import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurationServiceCustomizer;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Applies the operator-wide settings of {@link OperatorConfig} (concurrency, leader election) to the SDK, with its
 * metrics and shutdown behaviour.
 */
@Singleton
public class OperatorCustomizer implements ConfigurationServiceCustomizer {
    private static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(10);
    private final OperatorConfig config;
    private final MeterRegistry registry;

    public OperatorCustomizer(OperatorConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @Override
    public Consumer<ConfigurationServiceOverrider> overrider() {
        return overrider -> {
            overrider.withConcurrentReconciliationThreads(config.concurrency());
            // Reconciles under way finish before the process exits on SIGTERM. Set here rather than through
            // quarkus.operator-sdk.termination-timeout, which adds a second shutdown hook racing Quarkus' own.
            overrider.withReconciliationTerminationTimeout(TERMINATION_TIMEOUT);
            // The SDK's reconcile counts and durations. Quarkus Operator SDK 7.7.3 hands the SDK its no-op metrics
            // when the operator is made before Micrometer's registry, so they are wired here explicitly.
            overrider.withMetrics(MicrometerMetricsV2.newBuilder(registry).build());
            if (config.leaderElection().enabled()) {
                overrider.withLeaderElectionConfiguration(leaderElection(config.leaderElection()));
            }
        };
    }

    static LeaderElectionConfiguration leaderElection(OperatorConfig.LeaderElection settings) {
        LeaderElectionConfigurationBuilder builder = LeaderElectionConfigurationBuilder
                .aLeaderElectionConfiguration(settings.leaseName())
                .withIdentity(settings.identity().orElseGet(OperatorCustomizer::uniqueIdentity))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod());
        settings.leaseNamespace().ifPresent(builder::withLeaseNamespace);
        return builder.build();
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
