package dev.trainingrun.operator.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.Runs;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the operator refuses to start, and how it says so. */
class RunValidatorTest {
    private static final TrainingRun NAMED_CLAIMS = Runs.run("cats", """
            {data: {volume: {persistentVolumeClaim: {claimName: images}}}, checkpoints: {claimName: results}}""");
    /** The operator's defaults, which allow every run of this class but those that name a PriorityClass. */
    private static final SecurityPolicy DEFAULTS = new SecurityPolicy(true, List.of(), List.of("s"), List.of(),
            List.of(), List.of(), List.of(), "trainer:1");

    @Test
    void aRunWhoseClaimsExistIsFine() {
        assertTrue(RunValidator.validate(NAMED_CLAIMS, DEFAULTS, Set.of("images", "results")::contains).isEmpty());
    }

    @Test
    void theOperatorsOwnClaimNeedNotExistYet() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {persistentVolumeClaim: {claimName: images}}}}");
        assertTrue(RunValidator.validate(run, DEFAULTS, Set.of("images")::contains).isEmpty());
    }

    @Test
    void aMissingDataClaimKeepsTheRunWaitingWithTheFieldNamed() {
        Problem problem = RunValidator.validate(NAMED_CLAIMS, DEFAULTS, Set.of("results")::contains).orElseThrow();
        assertEquals("ClaimNotFound", problem.reason());
        assertFalse(problem.permanent());
        assertEquals("PersistentVolumeClaim \"images\" (spec.data.volume.persistentVolumeClaim.claimName) does not "
                + "exist in namespace ml; the run starts as soon as it does.", problem.message());
    }

    @Test
    void aMissingCheckpointClaimIsNamedToo() {
        Problem problem = RunValidator.validate(NAMED_CLAIMS, DEFAULTS, Set.of("images")::contains).orElseThrow();
        assertTrue(problem.message().startsWith("PersistentVolumeClaim \"results\" (spec.checkpoints.claimName)"),
                problem.message());
    }

    @Test
    void aNameTooLongForItsJobFailsTheRun() {
        TrainingRun run = Runs.run("r".repeat(64), "{data: {volume: {nfs: {server: s, path: /d}}}}");
        Problem problem = RunValidator.validate(run, DEFAULTS, name -> true).orElseThrow();
        assertEquals("NameTooLong", problem.reason());
        assertTrue(problem.permanent());
    }

    @Test
    void aRunThePolicyRefusesIsNamedForThatBeforeItsClaims() {
        TrainingRun run = Runs.run("cats", """
                {data: {volume: {persistentVolumeClaim: {claimName: images}}},
                 resources: {priorityClassName: system-node-critical}}""");
        Problem problem = RunValidator.validate(run, DEFAULTS, claim -> false).orElseThrow();
        assertEquals(SecurityPolicy.PRIORITY_CLASS_NOT_ALLOWED, problem.reason());
        assertFalse(problem.permanent());
        assertTrue(problem.message().startsWith("spec.resources.priorityClassName: \"system-node-critical\" is not "
                + "allowed by the TrainingRun security policy (policy.priorityClassNames: none)."), problem.message());
    }
}
