package dev.trainingrun.operator.crd;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready} is DOWN, with the reason, while the served CRD lacks what this operator uses: a rollout of a
 * new operator over an old CRD then stops at its first pod instead of replacing a working operator.
 */
@Readiness
@ApplicationScoped
public class ServedCrdReadiness implements HealthCheck {
    static final String NAME = "TrainingRun CRD";

    private final ServedCrd crd;

    public ServedCrdReadiness(ServedCrd crd) {
        this.crd = crd;
    }

    @Override
    public HealthCheckResponse call() {
        return crd.outdated()
                .map(problem -> HealthCheckResponse.named(NAME).down().withData("message", problem.message()).build())
                .orElseGet(() -> HealthCheckResponse.up(NAME));
    }
}
