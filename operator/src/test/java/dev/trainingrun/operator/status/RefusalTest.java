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
        String quota = "configmaps \"cats-config\" is forbidden: exceeded quota: none, requested: configmaps=1, "
                + "used: configmaps=1, limited: configmaps=0";
        Problem problem = Refusal.of(error(403, quota), "ConfigMap", false).orElseThrow();
        assertEquals(new Problem("CreateRefused", "The API server refused to create the run's ConfigMap: " + quota,
                false), problem);
    }

    @Test
    void aRefusedChangeOfAnExistingObjectIsAnUpdateRefusedFoundThroughWrappers() {
        Exception wrapped = new OperatorException("reconcile failed",
                error(400, "admission webhook \"policy.example\" denied the request: no suspension on Fridays"));
        assertEquals("UpdateRefused", Refusal.of(wrapped, "Job", true).orElseThrow().reason());
    }

    @Test
    void invalidObjectsAndWebhooksThatAreDownAreRefusalsToo() {
        assertTrue(Refusal.of(error(422, "Job.batch \"cats\" is invalid"), "Job", false).isPresent());
        assertTrue(Refusal.of(error(500, "Internal error occurred: failed calling webhook \"policy.example\": "
                + "connection refused"), "Job", false).isPresent());
    }

    @Test
    void failuresThatRetryingResolvesAreNot() {
        for (int code : new int[] {404, 408, 409, 429, 500, 503}) {
            assertEquals(Optional.empty(), Refusal.of(error(code, "try again"), "Job", false), "HTTP " + code);
        }
    }
}
