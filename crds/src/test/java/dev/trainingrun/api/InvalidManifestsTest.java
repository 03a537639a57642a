package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.testing.ManifestCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API server's refusals without an API server: {@link TrainingRunValidator} refuses every manifest of the invalid
 * corpus, naming the field the API server names (TrainingRunApiClusterTest sends the same files to a real one), and
 * accepts every example.
 */
class InvalidManifestsTest {
    static List<ManifestCorpus.Refused> refusedOnCreate() {
        return ManifestCorpus.refusedOnCreate();
    }

    @ParameterizedTest
    @MethodSource("refusedOnCreate")
    void isRefusedNamingTheField(ManifestCorpus.Refused refused) {
        List<FieldProblem> problems = TrainingRunValidator.bundled()
                .validateCreate(JsonTrees.parse(refused.manifest())).problems();
        assertTrue(problems.stream().anyMatch(problem -> problem.field().equals(refused.field())),
                () -> refused + " should be refused at " + refused.field() + ", got " + problems);
    }

    @ParameterizedTest
    @MethodSource("dev.trainingrun.testing.ManifestCorpus#examples")
    void everyExampleIsValid(Path example) throws IOException {
        assertEquals(List.of(), TrainingRunValidator.bundled()
                .validateCreate(JsonTrees.parse(Files.readString(example))).problems());
    }
}
