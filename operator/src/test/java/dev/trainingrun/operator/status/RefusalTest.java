package dev.trainingrun.operator.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which failures to write an object are the API server's refusals, and what the run then says. */
class RefusalTest {
    private static KubernetesClientException error(int code, String message) {
        return new KubernetesClientException(new StatusBuilder().withCode(code).withMessage(message).build());
    }

    @Test
    void aQuotaRefusingACreateQuotesTheApiServer() {
        String quota = "jobs.batch \"cats\" is forbidden: exceeded quota: none, requested: count/jobs.batch=1, "
                + "used: count/jobs.batch=1, limited: count/jobs.batch=0";
        Problem problem = Refusal.of(error(403, quota), "run's Job", false).orElseThrow();
        assertEquals(new Problem("CreateRefused", "The API server refused to create the run's Job: " + quota,
                false), problem);
    }

    @Test
    void aRefusedChangeOfAnExistingObjectIsAnUpdateRefusedFoundThroughWrappers() {
        Exception wrapped = new OperatorException("reconcile failed",
                error(400, "admission webhook \"policy.example\" denied the request: no suspension on Fridays"));
        assertEquals("UpdateRefused", Refusal.of(wrapped, "run's Job", true).orElseThrow().reason());
    }

    @Test
    void invalidObjectsAndWebhooksThatAreDownAreRefusalsToo() {
        assertTrue(Refusal.of(error(422, "Job.batch \"cats\" is invalid"), "run's Job", false).isPresent());
        assertTrue(Refusal.of(error(500, "Internal error occurred: failed calling webhook \"policy.example\": "
                + "connection refused"), "run's Job", false).isPresent());
    }

    @Test
    void failuresThatRetryingResolvesAreNot() {
        for (int code : new int[] {404, 408, 409, 429, 500, 503}) {
            assertEquals(Optional.empty(), Refusal.of(error(code, "try again"), "run's Job", false), "HTTP " + code);
        }
    }
}
