package dev.trainingrun.operator.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@code argocd-cm} ConfigMap that docs/gitops.md tells users to merge into their Argo CD: the doc's YAML block
 * that sets the health key, as text (what a user copies) and parsed.
 */
public final class DocumentedArgocdCm {
    static final String HEALTH_KEY = "resource.customizations.health.trainingrun.dev_TrainingRun";
    static final String ACTIONS_KEY = "resource.customizations.actions.trainingrun.dev_TrainingRun";
    /** Argo CD's switch that would give the scripts Lua's string, math and other standard libraries. */
    static final String OPEN_LIBS_KEY = "resource.customizations.useOpenLibs.trainingrun.dev_TrainingRun";

    private DocumentedArgocdCm() {}

    /** Every YAML block of the doc that sets the health key (one, when the doc is right). */
    static List<String> blocks() {
        return GitopsDoc.yamlBlocksContaining(HEALTH_KEY + ":");
    }

    /** The one block, as a user copies it; fails when the doc has none or several. */
    static String text() {
        return GitopsDoc.yamlBlockContaining(HEALTH_KEY + ":", "argocd-cm blocks setting " + HEALTH_KEY);
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
