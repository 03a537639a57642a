package dev.trainingrun.operator.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code argocd-cm} ConfigMap that docs/gitops.md tells users to merge into their Argo CD: the doc's YAML block
 * that sets the health key, as text (what a user copies) and parsed.
 */
public final class DocumentedArgocdCm {
    static final Path GITOPS_DOC = Path.of("..", "docs", "gitops.md");
    static final String HEALTH_KEY = "resource.customizations.health.trainingrun.dev_TrainingRun";
    static final String ACTIONS_KEY = "resource.customizations.actions.trainingrun.dev_TrainingRun";
    /** Argo CD's switch that would give the scripts Lua's string, math and other standard libraries. */
    static final String OPEN_LIBS_KEY = "resource.customizations.useOpenLibs.trainingrun.dev_TrainingRun";

    private DocumentedArgocdCm() {}

    /** Every YAML block of the doc that sets the health key (one, when the doc is right). */
    static List<String> blocks() {
        try {
            Matcher blocks = Pattern.compile("(?ms)^```yaml\\n(.*?)^```$").matcher(Files.readString(GITOPS_DOC));
            List<String> found = new ArrayList<>();
            while (blocks.find()) {
                if (blocks.group(1).contains(HEALTH_KEY + ":")) {
                    found.add(blocks.group(1));
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one block, as a user copies it; fails when the doc has none or several. */
    static String text() {
        List<String> blocks = blocks();
        if (blocks.size() != 1) {
            throw new AssertionError(GITOPS_DOC + " has " + blocks.size() + " argocd-cm blocks setting " + HEALTH_KEY
                    + "; expected one");
        }
        return blocks.get(0);
    }

    /** The block's {@code data}. */
    public static JsonNode data() {
        try {
            return HealthTests.YAML.readTree(text()).path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
