package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * docs/operator.md's "The training pod" is the pod contract in prose; it had drifted from the code once. Every path,
 * name and option {@link TrainerPod} defines, every exit code of {@link TrainerExitCode} and every status field each
 * {@link StatusOwner} owns must appear in it, the fields in their owner's row.
 */
class OperatorDocTest {
    private static final Path DOC = Path.of("..", "docs", "operator.md");

    @Test
    void theTrainingPodSectionNamesEveryPartOfThePodContract() throws Exception {
        String section = section();
        for (Field field : TrainerPod.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                String value = String.valueOf(field.get(null));
                assertTrue(section.contains(value), "docs/operator.md, The training pod: no " + value + " ("
                        + field.getName() + ")");
            }
        }
    }

    @Test
    void theTrainingPodSectionSaysWhatEveryExitCodeMeans() throws Exception {
        String section = section();
        for (TrainerExitCode exit : TrainerExitCode.values()) {
            assertTrue(section.contains("exit " + exit.code()), "docs/operator.md, The training pod: no exit "
                    + exit.code() + " (" + exit + ")");
        }
    }

    @Test
    void eachWritersRowListsExactlyTheFieldsItOwns() throws Exception {
        String section = section();
        for (StatusOwner owner : StatusOwner.values()) {
            String row = Arrays.stream(section.split("\n"))
                    .filter(line -> line.startsWith("|") && line.contains("`" + owner.fieldManager() + "`"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("docs/operator.md: no row for " + owner.fieldManager()));
            for (String fieldPath : owner.fields()) {
                assertTrue(row.contains("`" + fieldPath + "`"), "docs/operator.md: " + fieldPath + " is "
                        + owner + "'s, and missing from its row");
            }
            for (StatusOwner other : StatusOwner.values()) {
                if (other != owner) {
                    for (String fieldPath : other.fields()) {
                        assertTrue(!row.contains("`" + fieldPath + "`"), "docs/operator.md: " + fieldPath + " is "
                                + other + "'s, not " + owner + "'s");
                    }
                }
            }
        }
    }

    private static String section() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int start = doc.indexOf("\n### The training pod\n");
        assertTrue(start >= 0, "docs/operator.md has no section \"The training pod\"");
        int end = doc.indexOf("\n## ", start + 1);
        int nextSub = doc.indexOf("\n### ", start + 1);
        if (nextSub >= 0 && (end < 0 || nextSub < end)) {
            end = nextSub;
        }
        return doc.substring(start, end < 0 ? doc.length() : end);
    }
}
