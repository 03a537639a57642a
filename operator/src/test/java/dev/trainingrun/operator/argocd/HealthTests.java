package dev.trainingrun.operator.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trainingrun.operator.argocd.HealthCheck.Health;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The health check's test cases in Argo CD's own format ({@code health_test.yaml}: a list of {@code tests}, each an
 * expected {@code healthStatus} and the {@code inputPath} of a TrainingRun under {@code testdata/}), read by
 * {@code ArgoCdHealthCheckTest} and rewritten by {@code ArgoCdHealthIT} from the runs it captured.
 */
public final class HealthTests {
    public static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = """
            # The Argo CD health check's cases, in Argo CD's format. Documents whose first line says "Captured" are
            # the status of real runs, written with their verdicts here by ArgoCdHealthIT:
            #   ./mvnw -pl operator verify -Dit.test=ArgoCdHealthIT -Dupdate-health-testdata
            # The others are written by hand, for what no real run shows (odd or missing fields).
            """;
    /** First line of a captured document. */
    static final String CAPTURED =
            "# Captured from a real run by ArgoCdHealthIT; rewritten by -Dupdate-health-testdata.";

    private HealthTests() {}

    /** A test case: the document's name under testdata/ (without .yaml), the verdict, and the document. */
    public record Case(String name, Health health, JsonNode document) {
        public Path inputPath() {
            return Path.of("testdata", name + ".yaml");
        }
    }

    /** The cases of health_test.yaml, in order, with their documents. */
    public static List<Case> read() {
        try {
            List<Case> cases = new ArrayList<>();
            for (JsonNode test : YAML.readTree(HealthCheck.TESTS.toFile()).path("tests")) {
                String inputPath = test.path("inputPath").asText();
                String name = Path.of(inputPath).getFileName().toString().replaceFirst("\\.yaml$", "");
                JsonNode health = test.path("healthStatus");
                cases.add(new Case(name, new Health(health.path("status").asText(), health.path("message").asText()),
                        YAML.readTree(HealthCheck.DIRECTORY.resolve(inputPath).toFile())));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the captured documents to testdata/ and their verdicts to health_test.yaml: captured cases first, by
     * name, replacing any of the same name; the hand-written cases after them, as they were.
     */
    public static void write(Map<String, Case> captured) throws IOException {
        Map<String, Case> cases = new LinkedHashMap<>(new TreeMap<>(captured));
        if (Files.exists(HealthCheck.TESTS)) {
            read().forEach(existing -> cases.putIfAbsent(existing.name(), existing));
        }
        StringBuilder tests = new StringBuilder(HEADER).append("tests:\n");
        for (Case test : cases.values()) {
            if (captured.containsKey(test.name())) {
                Files.writeString(HealthCheck.DIRECTORY.resolve(test.inputPath()),
                        CAPTURED + "\n" + YAML.writeValueAsString(test.document()));
            }
            // A JSON string is a YAML double-quoted scalar: every character survives, newlines included.
            tests.append("- healthStatus:\n")
                    .append("    status: ").append(test.health().status()).append('\n')
                    .append("    message: ").append(JSON.writeValueAsString(test.health().message())).append('\n')
                    .append("  inputPath: ").append(test.inputPath()).append('\n');
        }
        Files.writeString(HealthCheck.TESTS, tests.toString());
    }
}
