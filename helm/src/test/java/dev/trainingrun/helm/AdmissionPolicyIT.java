package dev.trainingrun.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.it.Fixtures;
import dev.trainingrun.operator.it.OverreachingRuns;
import dev.trainingrun.operator.it.OverreachingRuns.Overreach;
import dev.trainingrun.operator.validation.PolicyCases;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.HelmTemplate;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's ValidatingAdmissionPolicy on a real API server, as {@code helm template} renders it from the chart's
 * values (the policy and its binding, applied as they are). Each installation is bound to a namespace of its own
 * without Pod Security enforcement, where a user who may only create and read TrainingRuns creates the runs: every
 * case of the security policy's table (policy-cases.yaml) is decided as the operator's SecurityPolicy decides it,
 * word for word; the overreaching runs are refused at creation under the chart's defaults and allowed under values
 * that allow them; a namespace the binding does not select is left to the operator; and an installation replaced by
 * one with other values (as {@code helm upgrade} or a reinstall does) enforces the new values.
 */
@OnLocalCluster(podSecurity = OnLocalCluster.NONE)
class AdmissionPolicyIT {
    private static final Duration ACTIVE = Duration.ofSeconds(30);
    private static final String USER = "data-scientist";
    private static final String SAFE = "safe";
    private static final String PERMISSIVE = "permissive";
    private static final String REPLACED = "replaced";
    /**
     * Refused under every policy (a hostPath never climbs out with ".."), so that its refusal shows the policy is in
     * force: Kubernetes applies a new policy or binding a moment after it is stored, and says nowhere when.
     */
    private static final TrainingRun PROBE = Fixtures.run("probe", "{data: {volume: {hostPath: {path: /probe/..}}}}");

    private static KubernetesClient client;
    private static Cluster cluster;
    private static final String REFUSAL = "is not allowed by the TrainingRun security policy";

    /** Per installation (a policy of the table, SAFE, PERMISSIVE, REPLACED): its namespace's user. */
    private static final Map<String, KubernetesClient> USERS = new LinkedHashMap<>();
    /** Per installation: its policy and binding. */
    private static final Map<String, List<HasMetadata>> INSTALLED = new LinkedHashMap<>();

    @BeforeAll
    static void install(KubernetesClient kubernetes, Cluster localCluster) {
        client = kubernetes;
        cluster = localCluster;
        Fixtures.installCrd(client);
        Map<String, String> installations = new LinkedHashMap<>();
        PolicyCases.policies().forEach(policy -> installations.put(policy, PolicyCases.valuesYaml(policy)));
        installations.put(SAFE, OverreachingRuns.SAFE_VALUES);
        installations.put(PERMISSIVE, OverreachingRuns.PERMISSIVE_VALUES);
        installations.put(REPLACED, OverreachingRuns.SAFE_VALUES);
        installations.forEach(AdmissionPolicyIT::installAdmissionPolicy);
        installations.keySet().forEach(AdmissionPolicyIT::awaitInForce);
    }

    @AfterAll
    static void uninstall() {
        USERS.values().forEach(KubernetesClient::close);
        INSTALLED.values().forEach(objects -> objects.forEach(object -> client.resource(object).delete()));
        USERS.keySet().forEach(installation -> client.namespaces().withName(namespace(installation)).delete());
    }

    static Stream<PolicyCases.Case> cases() {
        return PolicyCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesEachCaseOfTheTableAsTheOperatorDoes(PolicyCases.Case example) {
        TrainingRun run = Fixtures.run("case", example.specJson());
        KubernetesClient user = USERS.get(example.policy());
        if (example.allowed()) {
            user.resource(run).dryRun().create();
            return;
        }
        KubernetesClientException refused = refusal(() -> user.resource(run).dryRun().create());
        assertEquals(403, refused.getCode());
        assertTrue(refused.getMessage().contains("ValidatingAdmissionPolicy '" + policyName(example.policy())
                + "' with binding '" + policyName(example.policy()) + "' denied request: " + example.message()),
                refused.getMessage());
    }

    @Test
    void overreachingRunsAreRefusedAtCreationUnlessTheValuesAllowThem() {
        KubernetesClient safe = USERS.get(SAFE);
        safe.resource(OverreachingRuns.withinPolicy("allowed")).create();
        for (Overreach overreach : OverreachingRuns.ALL) {
            KubernetesClientException refused = refusal(() -> safe.resource(overreach.run()).create());
            assertTrue(refused.getMessage().contains("ValidatingAdmissionPolicy '" + policyName(SAFE) + "'")
                    && refused.getMessage().contains("denied request: " + overreach.field() + ": ")
                    && refused.getMessage().contains("(policy." + overreach.setting() + ": "), refused.getMessage());
            assertNull(Fixtures.runs(client).inNamespace(namespace(SAFE)).withName(overreach.name()).get());

            USERS.get(PERMISSIVE).resource(overreach.run()).create();
        }
    }

    @Test
    void aNamespaceTheBindingDoesNotSelectIsLeftToTheOperator() {
        KubernetesClient unbound = Fixtures.runCreator(client, cluster.kubeconfig(), cluster.namespace(), USER);
        try {
            unbound.resource(OverreachingRuns.ALL.get(0).run()).dryRun().create();
        } finally {
            unbound.close();
        }
    }

    @Test
    void anInstallationReplacedByOneWithOtherValuesEnforcesTheNewValues() {
        Overreach overreach = OverreachingRuns.ALL.get(1);
        KubernetesClient user = USERS.get(REPLACED);
        refusal(() -> user.resource(overreach.run()).dryRun().create());

        INSTALLED.remove(REPLACED).forEach(object -> client.resource(object).delete());
        Await.until("the replaced policy and binding to be gone", ACTIVE, () -> {
            try {
                user.resource(overreach.run()).dryRun().create();
                return true;
            } catch (KubernetesClientException e) {
                return false;
            }
        });
        installAdmissionPolicy(REPLACED, OverreachingRuns.PERMISSIVE_VALUES);
        awaitInForce(REPLACED);
        user.resource(overreach.run()).create();
    }

    /**
     * Renders the chart with these values as an installation bound to a namespace of its own, makes that namespace
     * (no Pod Security label, the first time) with a user who may only create and read runs there, and applies the
     * policy and its binding.
     */
    private static void installAdmissionPolicy(String installation, String valuesYaml) {
        String namespace = namespace(installation);
        if (!USERS.containsKey(installation)) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                    .build()).create();
            USERS.put(installation, Fixtures.runCreator(client, cluster.kubeconfig(), namespace, USER));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = new LinkedHashMap<>(Chart.YAML.unmarshal(valuesYaml, Map.class));
        values.put("fullnameOverride", policyName(installation));
        values.put("watchNamespaces", List.of(namespace));
        List<HasMetadata> installed = new ArrayList<>();
        for (HasMetadata object : HelmTemplate.render(cluster.tool("helm"), Chart.DIRECTORY, "tro",
                cluster.namespace(), Chart.YAML.asYaml(values))) {
            // The security policy and its binding; the trainer's policy is the operator tests' (TrainerPolicyIT).
            if ((object instanceof ValidatingAdmissionPolicy || object instanceof ValidatingAdmissionPolicyBinding)
                    && object.getMetadata().getName().equals(policyName(installation))) {
                installed.add(client.resource(object).create());
            }
        }
        INSTALLED.put(installation, installed);
    }

    private static void awaitInForce(String installation) {
        Await.until("the admission policy " + policyName(installation) + " to refuse " + PROBE.getMetadata().getName(),
                ACTIVE, () -> {
                    try {
                        USERS.get(installation).resource(PROBE).dryRun().create();
                        return false;
                    } catch (KubernetesClientException e) {
                        return e.getMessage().contains(REFUSAL);
                    }
                });
    }

    /** How the API server refuses the create; fails when it admits it. */
    private static KubernetesClientException refusal(Runnable create) {
        try {
            create.run();
        } catch (KubernetesClientException e) {
            return e;
        }
        throw new AssertionError("admitted");
    }

    /** The namespace of an installation: the class's namespace and its name (which policy-cases.yaml spells). */
    private static String namespace(String installation) {
        return cluster.namespace() + "-" + installation.toLowerCase(Locale.ROOT);
    }

    /** The installation's fullname, which names its policy and binding (cluster-wide, so the namespace's too). */
    private static String policyName(String installation) {
        return namespace(installation);
    }
}
