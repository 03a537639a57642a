package dev.trainingrun.operator.dependents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainingrun.operator.Runs;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The namespace's trainer Role grants one action: patching a run's status. Which run is the admission policy's to
 * decide (SecurityIT shows both on an API server).
 */
class TrainerRbacTest {

    @Test
    void theRoleOfTheNamespaceGrantsOnlyTheStatusPatch() {
        Role role = TrainerRoleDependent.desiredRole(Runs.minimal());
        assertEquals("trainingrun-trainer", role.getMetadata().getName());
        assertEquals("ml", role.getMetadata().getNamespace());
        assertEquals(List.of(), role.getMetadata().getOwnerReferences(), "the namespace's, not the run's");
        List<PolicyRule> rules = role.getRules();
        assertEquals(1, rules.size());
        assertEquals(List.of("trainingrun.dev"), rules.get(0).getApiGroups());
        assertEquals(List.of("trainingruns/status"), rules.get(0).getResources());
        assertEquals(List.of("patch"), rules.get(0).getVerbs());
        assertEquals(List.of(), rules.get(0).getResourceNames());
    }
}
