package dev.trainingrun.helm;

import dev.trainingrun.testing.Command;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The chart under test and the helm binary that runs it: what both the template tests and the cluster test need. */
final class Chart {
    static final Path DIRECTORY = Path.of("trainingrun-operator");
    static final Path CRD = DIRECTORY.resolve("crds").resolve("trainingruns.trainingrun.dev.yaml");
    static final Path OPERATOR_DOC = Path.of("..", "docs", "operator.md");
    static final KubernetesSerialization YAML = new KubernetesSerialization();

    private Chart() {}

    /** Runs helm with the given arguments (and environment, e.g. KUBECONFIG); the result tells how it ended. */
    static Command.Result helm(Path helm, Map<String, String> environment, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(helm.toString()));
        command.addAll(arguments);
        return Command.run(Duration.ofMinutes(3), null, environment, command);
    }

    /**
     * The operator's rules as docs/operator.md lists them (the ClusterRole in its "RBAC the operator needs"
     * section): the chart must grant exactly these, no more.
     */
    static List<PolicyRule> documentedRules() {
        try {
            String doc = Files.readString(OPERATOR_DOC);
            int section = doc.indexOf("## RBAC the operator needs");
            int start = doc.indexOf("```yaml", section) + "```yaml".length();
            String yaml = doc.substring(start, doc.indexOf("```", start));
            return YAML.unmarshal(yaml, ClusterRole.class).getRules();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
