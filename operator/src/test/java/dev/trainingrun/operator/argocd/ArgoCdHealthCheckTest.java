package dev.trainingrun.operator.argocd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingrun.operator.argocd.HealthCheck.Health;
import dev.trainingrun.operator.argocd.HealthTests.Case;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Argo CD health check without a cluster: every case of health_test.yaml (status documents captured from real
 * runs by {@code ArgoCdHealthIT}, and hand-written odd ones) replayed on a real Lua 5.1 interpreter; strings that
 * reach the script unchanged; and the copy of the script in docs/gitops.md, which must not drift from the file.
 */
class ArgoCdHealthCheckTest {
    /** The states issue 9 asks the health check to be tested on, each a document of a real run. */
    private static final Set<String> REQUIRED_CAPTURES = Set.of("created", "suspend-requested", "pending-queued",
            "running-started", "running", "suspended", "succeeded", "failed-backoff-limit", "failed-deadline",
            "stuck-unschedulable", "stuck-claim-not-found", "stuck-pod-rejected", "stuck-image-pull",
            "stuck-claim-not-bound", "stuck-create-refused", "degraded-crd-outdated");

    @BeforeEach
    void needsLua() {
        HealthCheck.requireLua();
    }

    @TestFactory
    Stream<DynamicTest> everyCaseOfHealthTestYamlGetsItsVerdict() {
        return HealthTests.read().stream().map(test -> DynamicTest.dynamicTest(test.name(), () -> {
            assertTrue(HealthCheck.STATUSES.contains(test.health().status()), test.health().status());
            assertEquals(test.health(), HealthCheck.evaluate(test.document()));
        }));
    }

    @Test
    void everyTestdataFileIsACaseAndEveryStateWasCaptured() throws IOException {
        Set<String> cases = HealthTests.read().stream().map(Case::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> files;
        try (Stream<Path> listing = Files.list(HealthCheck.DIRECTORY.resolve("testdata"))) {
            files = listing.map(file -> file.getFileName().toString().replaceFirst("\\.yaml$", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, cases, "testdata/ and health_test.yaml");
        for (String name : REQUIRED_CAPTURES) {
            Path file = HealthCheck.DIRECTORY.resolve(Path.of("testdata", name + ".yaml"));
            assertTrue(Files.exists(file) && Files.readString(file).startsWith(HealthTests.CAPTURED),
                    name + " is a captured document");
        }
    }

    @Test
    void stringsReachTheScriptByteForByte() {
        String message = "quotes \" and ', a backslash \\ and \\\" and \\n, a tab\t, lines\nand\r\nmore, "
                + "brackets ]] [[ ]=], a NUL \0 and \u001b, digits after an escape \"123, accents é, 漢字, 🎉";
        ObjectNode run = HealthTests.YAML.createObjectNode();
        run.putObject("metadata").put("name", "escapes").put("generation", 1);
        ObjectNode status = run.putObject("status");
        status.put("observedGeneration", 1).put("phase", "Failed");
        status.putArray("conditions").addObject().put("type", "Failed").put("status", "True")
                .put("reason", "BackoffLimitExceeded").put("message", message);
        assertEquals(new Health("Degraded", "BackoffLimitExceeded: " + message), HealthCheck.evaluate(run));
    }

    @Test
    void numbersOfEveryJsonFormReachTheScript() {
        ObjectNode run = HealthTests.YAML.createObjectNode();
        run.putObject("metadata").put("generation", 7L);
        ObjectNode status = run.putObject("status");
        status.put("observedGeneration", 7L).put("phase", "Running");
        status.putObject("progress").put("epoch", 12).put("totalEpochs", 100).put("valAccuracy", 1.0E-4);
        assertEquals(new Health("Progressing", "Epoch 12/100, val-acc 0.0001"), HealthCheck.evaluate(run));
    }

    /** docs/gitops.md shows the argocd-cm snippet with the script inline; it must be the script file, verbatim. */
    @Test
    void theArgocdCmSnippetInTheDocsIsTheScript() throws IOException {
        String script = Files.readString(HealthCheck.SCRIPT);
        List<String> copies = new ArrayList<>();
        for (String block : DocumentedArgocdCm.blocks()) {
            copies.add(HealthTests.YAML.readTree(block).path("data").path(DocumentedArgocdCm.HEALTH_KEY).asText());
        }
        assertEquals(List.of(script), copies, "the argocd-cm snippet in " + GitopsDoc.PATH + " and "
                + HealthCheck.SCRIPT + " (copy the script into the snippet, indented by four spaces)");
    }

    /** The same snippet carries the resource actions: actions/discovery.lua and each action's action.lua, verbatim. */
    @Test
    void theArgocdCmSnippetInTheDocsHasTheActions() throws IOException {
        JsonNode actions = HealthTests.YAML.readTree(DocumentedArgocdCm.data().path(DocumentedArgocdCm.ACTIONS_KEY)
                .asText());
        assertEquals(Files.readString(ActionTests.DIRECTORY.resolve("discovery.lua")),
                actions.path("discovery.lua").asText(), "discovery.lua in " + GitopsDoc.PATH);
        List<String> names = new ArrayList<>();
        for (JsonNode definition : actions.path("definitions")) {
            String name = definition.path("name").asText();
            names.add(name);
            assertEquals(Files.readString(ActionTests.DIRECTORY.resolve(Path.of(name, "action.lua"))),
                    definition.path("action.lua").asText(), name + "/action.lua in " + GitopsDoc.PATH);
        }
        assertEquals(List.of("suspend", "resume"), names, "the actions in " + GitopsDoc.PATH);
    }
}
