package dev.trainingrun.operator.argocd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The Argo CD Application that docs/gitops.md gives users for a folder of runs (its one YAML block of kind
 * Application), which the Argo CD cluster tests create as it stands except for where it syncs from and to.
 */
public final class DocumentedApplication {
    private static final String KIND = "kind: Application\n";

    private DocumentedApplication() {}

    /**
     * The doc's Application with {@code spec.source.repoURL} set to {@code repoUrl} and {@code spec.destination} to
     * the Argo CD cluster named {@code destinationName}, namespace {@code namespace}; every other field as in the doc.
     */
    public static GenericKubernetesResource pointedAt(String repoUrl, String destinationName, String namespace) {
        ObjectNode application = asDocumented();
        ObjectNode spec = (ObjectNode) application.path("spec");
        ((ObjectNode) spec.path("source")).put("repoURL", repoUrl);
        spec.putObject("destination").put("name", destinationName).put("namespace", namespace);
        return HealthTests.YAML.convertValue(application, GenericKubernetesResource.class);
    }

    /** The doc's Application as it stands. */
    public static ObjectNode asDocumented() {
        try {
            return (ObjectNode) HealthTests.YAML.readTree(GitopsDoc.yamlBlockContaining(KIND, "Application blocks"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
