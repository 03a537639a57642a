package dev.trainingrun.operator.dependents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainingrun.operator.Runs;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer's Role reaches its own run and nothing else. */
class TrainerRbacTest {

    @Test
    void theRoleNamesTheRunAndGrantsOnlyGetAndStatusPatch() {
        Role role = TrainerRoleDependent.desiredRole(Runs.minimal());
        assertEquals("cats-trainer", role.getMetadata().getName());
        List<PolicyRule> rules = role.getRules();
        assertEquals(2, rules.size());
        assertEquals(List.of("trainingrun.dev"), rules.get(0).getApiGroups());
        assertEquals(List.of("trainingruns"), rules.get(0).getResources());
        assertEquals(List.of("get"), rules.get(0).getVerbs());
        assertEquals(List.of("cats"), rules.get(0).getResourceNames());
        assertEquals(List.of("trainingruns/status"), rules.get(1).getResources());
        assertEquals(List.of("patch"), rules.get(1).getVerbs());
        assertEquals(List.of("cats"), rules.get(1).getResourceNames());
    }
}
