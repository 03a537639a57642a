package dev.trainingrun.operator.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource actions' test cases in Argo CD's own format ({@code actions/action_test.yaml}): discovery cases (a
 * run and the actions offered for it, each enabled unless it says {@code disabled: true}) and action cases (a run,
 * an action, and the run as the action leaves it), paths relative to {@code actions/}.
 */
final class ActionTests {
    static final Path DIRECTORY = HealthCheck.DIRECTORY.resolve("actions");
    static final Path FILE = DIRECTORY.resolve("action_test.yaml");

    private ActionTests() {}

    /** Both kinds of case, in the file's order. */
    record Cases(List<Discovery> discovery, List<Action> actions) {}

    /** A run and the actions offered for it, by name, each with whether it is disabled. */
    record Discovery(String inputPath, Map<String, Boolean> actions) {}

    /** A run, an action, and the run as the action leaves it. */
    record Action(String action, String inputPath, String expectedOutputPath) {}

    static Cases read() {
        try {
            JsonNode file = HealthTests.YAML.readTree(FILE.toFile());
            List<Discovery> discovery = new ArrayList<>();
            for (JsonNode test : file.path("discoveryTests")) {
                Map<String, Boolean> actions = new LinkedHashMap<>();
                test.path("result").forEach(a -> actions.put(a.path("name").asText(), a.path("disabled").asBoolean()));
                discovery.add(new Discovery(test.path("inputPath").asText(), actions));
            }
            List<Action> actions = new ArrayList<>();
            for (JsonNode test : file.path("actionTests")) {
                actions.add(new Action(test.path("action").asText(), test.path("inputPath").asText(),
                        test.path("expectedOutputPath").asText()));
            }
            return new Cases(discovery, actions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
