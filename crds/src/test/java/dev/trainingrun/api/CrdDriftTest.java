package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The committed CRDs (this module's and the Helm chart's copy) are exactly what the Java types generate; a change to
 * the types without regenerating fails.
 */
class CrdDriftTest {
    static final Path COMMITTED_CRD = Path.of("trainingruns.trainingrun.dev.yaml");
    /** What {@code helm install} applies; Helm reads CRDs only from the chart's own crds/ folder. */
    static final Path CHART_CRD = Path.of("..", "helm", "trainingrun-operator", "crds",
            "trainingruns.trainingrun.dev.yaml");
    static final List<Path> COMMITTED_CRDS = List.of(COMMITTED_CRD, CHART_CRD);

    /** Compares a committed CRD with the generated one and explains any difference. */
    static List<String> drift(String committed, String generated) {
        if (committed.equals(generated)) {
            return List.of();
        }
        List<String> differences = JsonTrees.differences(JsonTrees.parse(committed), JsonTrees.parse(generated));
        // Same tree but other text (comments, quoting, order) is drift as well: the file must be byte-identical.
        return differences.isEmpty() ? List.of("(same content, different text)") : differences;
    }

    @ParameterizedTest
    @FieldSource("COMMITTED_CRDS")
    void committedCrdMatchesTheJavaTypes(Path committed) throws IOException {
        List<String> drift = drift(Files.readString(committed), CrdGenerator.generate(TrainingRun.class));
        assertTrue(drift.isEmpty(), () -> committed.toAbsolutePath().normalize()
                + " is out of date with the Java types; run `./mvnw -pl crds -am -Pupdate-crds process-test-classes` "
                + "and commit the result. Differences:\n  " + String.join("\n  ", drift));
    }

    @Test
    void theJarCarriesTheCommittedCrdUnderTheNameTheTypesGive() throws IOException {
        try (var bundled = TrainingRun.class.getResourceAsStream(TrainingRun.CRD_RESOURCE)) {
            assertNotNull(bundled, TrainingRun.CRD_RESOURCE + " beside the TrainingRun class");
            assertEquals(Files.readString(COMMITTED_CRD), new String(bundled.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(HasMetadata.getFullResourceName(TrainingRun.class), TrainingRun.CRD_NAME);
    }

    @Test
    void aChartCopyThatDiffersOnlyInTextIsCaught() throws IOException {
        String generated = CrdGenerator.generate(TrainingRun.class);
        assertEquals(List.of("(same content, different text)"), drift(generated + "\n", generated));
    }

    @Test
    void addingAFieldWithoutRegeneratingIsCaught() throws IOException {
        List<String> drift = drift(Files.readString(COMMITTED_CRD), CrdGenerator.generate(TrainingRunWithExtraField.class));
        assertFalse(drift.isEmpty());
        assertEquals(1, drift.size(), drift::toString);
        assertTrue(drift.get(0).startsWith(".spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.extra:"),
                drift::toString);
    }

    /** The same resource as {@link TrainingRun} with one more spec field, as a developer might add it. */
    @Group(TrainingRun.GROUP)
    @Version(TrainingRun.VERSION)
    @Kind("TrainingRun")
    @ShortNames("tr")
    static class TrainingRunWithExtraField extends TrainingRun {
        @Override
        @JsonPropertyDescription("What to train, on which data, with which settings, and how the training pod runs.")
        public SpecWithExtraField getSpec() {
            return (SpecWithExtraField) super.getSpec();
        }
    }

    static class SpecWithExtraField extends TrainingRunSpec {
        @JsonPropertyDescription("A field added to the Java types.")
        public String extra;
    }
}
