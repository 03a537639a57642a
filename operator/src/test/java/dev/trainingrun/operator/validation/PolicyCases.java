package dev.trainingrun.operator.validation;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The security policy's table of cases ({@code policy-cases.yaml}): runs and the verdicts that both places
 * enforcing the policy must reach under sets of the Helm chart's values, the operator's {@link SecurityPolicy} and
 * the chart's ValidatingAdmissionPolicy.
 */
public final class PolicyCases {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Table TABLE = load();

    /**
     * One case: a run's spec under the policy of that name, and how it must be decided.
     *
     * @param reason the operator's condition reason for a refused run; null when it is allowed
     * @param message what both places say about a refused run; null when it is allowed
     */
    public record Case(String policy, String name, Map<String, Object> spec, boolean allowed, String reason,
            String message) {
        /** The spec as JSON, for a TrainingRun manifest. */
        public String specJson() {
            return SERIALIZATION.asJson(spec);
        }

        @Override
        public String toString() {
            return policy + ": " + name;
        }
    }

    private record Table(Map<String, Map<String, Object>> policies, List<Case> cases) {}

    private PolicyCases() {}

    public static List<Case> all() {
        return TABLE.cases();
    }

    /** The names of the policies, in the table's order. */
    public static List<String> policies() {
        return List.copyOf(TABLE.policies().keySet());
    }

    /** The chart's values of a policy, e.g. {@code {trainer: {image: ...}, policy: {nfsServers: [...]}}}. */
    public static Map<String, Object> values(String policy) {
        Map<String, Object> values = TABLE.policies().get(policy);
        if (values == null) {
            throw new IllegalArgumentException("no policy " + policy + " in policy-cases.yaml");
        }
        return values;
    }

    /** The same values as a YAML document, for {@code helm template -f}. */
    public static String valuesYaml(String policy) {
        return SERIALIZATION.asYaml(values(policy));
    }

    private static Table load() {
        try (InputStream in = PolicyCases.class.getResourceAsStream("/policy-cases.yaml")) {
            if (in == null) {
                throw new IllegalStateException("policy-cases.yaml is not on the class path");
            }
            return SERIALIZATION.unmarshal(in, Table.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
