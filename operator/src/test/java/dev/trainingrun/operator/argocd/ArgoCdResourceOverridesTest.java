package dev.trainingrun.operator.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health check and resource actions judged by Argo CD itself (its binary, built from source; see
 * {@link ArgoCdAdmin}), configured with the argocd-cm exactly as docs/gitops.md gives it, so with Argo CD's
 * default Lua environment: no {@code useOpenLibs}, hence no string or math library. Every case of health_test.yaml
 * must get the verdict the Lua 5.1 tests give it ({@link ArgoCdHealthCheckTest}), and every case of
 * actions/action_test.yaml the actions and results it names.
 */
class ArgoCdResourceOverridesTest {
    @TempDir
    Path scratch;
    private ArgoCdAdmin argocd;

    /** Per test, so that each one reports why it is skipped where the binary is missing. */
    @BeforeEach
    void argocdWithTheDocumentedConfigMap() {
        argocd = ArgoCdAdmin.withConfigMap(DocumentedArgocdCm.text(), scratch);
    }

    @TestFactory
    Stream<DynamicTest> argoCdGivesEveryCaseOfHealthTestYamlItsVerdict() {
        return HealthTests.read().stream().map(test -> DynamicTest.dynamicTest(test.name(),
                () -> assertEquals(test.health(), argocd.health(HealthCheck.DIRECTORY.resolve(test.inputPath())))));
    }

    @TestFactory
    Stream<DynamicTest> argoCdOffersTheActionsEachDiscoveryCaseNames() {
        return ActionTests.read().discovery().stream().map(test -> DynamicTest.dynamicTest(test.inputPath(),
                () -> assertEquals(test.actions(), argocd.actions(ActionTests.DIRECTORY.resolve(test.inputPath())))));
    }

    @TestFactory
    Stream<DynamicTest> argoCdRunsEveryActionToItsExpectedOutput() {
        return ActionTests.read().actions().stream().map(test -> DynamicTest.dynamicTest(
                test.action() + " " + test.inputPath(), () -> assertEquals(
                        HealthTests.YAML.readTree(ActionTests.DIRECTORY.resolve(test.expectedOutputPath()).toFile()),
                        argocd.runAction(ActionTests.DIRECTORY.resolve(test.inputPath()), test.action()))));
    }

    /** What makes this class worth having: the documented config leaves Argo CD's default, no open libraries. */
    @Test
    void theDocumentedConfigMapLeavesTheStandardLibrariesOff() {
        assertTrue(DocumentedArgocdCm.data().path(DocumentedArgocdCm.HEALTH_KEY).isTextual());
        assertFalse(DocumentedArgocdCm.data().has(DocumentedArgocdCm.OPEN_LIBS_KEY),
                DocumentedArgocdCm.OPEN_LIBS_KEY + " is set in " + GitopsDoc.PATH);
    }

    /** Argo CD without open libraries has no string library: a script calling string.format fails there. */
    @Test
    void argoCdRefusesAScriptThatNeedsTheStringLibrary() {
        String needsString = DocumentedArgocdCm.text().replace("local hs = {}\n",
                "local hs = {}\n    hs.needs = string.format(\"%d\", 1)\n");
        Path run = HealthCheck.DIRECTORY.resolve(Path.of("testdata", "created.yaml"));
        ArgoCdAdmin strict = ArgoCdAdmin.withConfigMap(needsString, scratch);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> strict.health(run));
        assertTrue(error.getMessage().contains("attempt to index a non-table object(nil) with key 'format'"),
                error.getMessage());
        ArgoCdAdmin open = ArgoCdAdmin.withConfigMap(needsString.replace("data:\n",
                "data:\n  " + DocumentedArgocdCm.OPEN_LIBS_KEY + ": \"true\"\n"), scratch);
        assertEquals("Progressing", open.health(run).status(), "the same script with useOpenLibs");
    }
}
