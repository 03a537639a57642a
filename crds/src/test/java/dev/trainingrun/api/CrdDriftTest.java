package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed CRD is exactly what the Java types generate; a change to the types without regenerating fails. */
class CrdDriftTest {
    static final Path COMMITTED_CRD = Path.of("trainingruns.trainingrun.dev.yaml");

    /** Compares a committed CRD with the generated one and explains any difference. */
    static List<String> drift(String committed, String generated) {
        if (committed.equals(generated)) {
            return List.of();
        }
        List<String> differences = JsonTrees.differences(JsonTrees.parse(committed), JsonTrees.parse(generated));
        // Same tree but other text (comments, quoting, order) is drift as well: the file must be byte-identical.
        return differences.isEmpty() ? List.of("(same content, different text)") : differences;
    }

    @Test
    void committedCrdMatchesTheJavaTypes() throws IOException {
        List<String> drift = drift(Files.readString(COMMITTED_CRD), CrdGenerator.generate(TrainingRun.class));
        assertTrue(drift.isEmpty(), () -> COMMITTED_CRD.toAbsolutePath().normalize()
                + " is out of date with the Java types; run `./mvnw -pl crds -am -Pupdate-crds process-test-classes` "
                + "and commit the result. Differences:\n  " + String.join("\n  ", drift));
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
