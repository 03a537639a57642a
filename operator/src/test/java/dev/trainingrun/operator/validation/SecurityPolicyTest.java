package dev.trainingrun.operator.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.DataVolume;
import dev.trainingrun.operator.OperatorConfigs;
import dev.trainingrun.operator.Runs;
import dev.trainingrun.operator.config.OperatorConfig;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's security policy on every case of the table the chart's ValidatingAdmissionPolicy is held to, the
 * prefix rules on their edges, and the way the chart's values reach it.
 */
class SecurityPolicyTest {
    private static final Path CHART_VALUES = Path.of("..", "helm", "trainingrun-operator", "values.yaml");

    static Stream<PolicyCases.Case> cases() {
        return PolicyCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesEachCaseOfTheTableAsTheAdmissionPolicyMust(PolicyCases.Case example) {
        Optional<Problem> problem = fromValues(PolicyCases.values(example.policy()))
                .check(Runs.run("case", example.specJson()));
        if (example.allowed()) {
            assertEquals(Optional.empty(), problem);
            return;
        }
        Problem refused = problem.orElseThrow(() -> new AssertionError("allowed, but must be refused"));
        assertEquals(example.reason(), refused.reason());
        assertTrue(refused.message().startsWith(example.message() + ". "), refused.message());
        assertFalse(refused.permanent(), "the run starts once the policy allows it");
    }

    @Test
    void theTableCoversEveryReasonAndEveryPolicy() {
        assertEquals(List.of(SecurityPolicy.DATA_VOLUME_NOT_ALLOWED, SecurityPolicy.IMAGE_NOT_ALLOWED,
                        SecurityPolicy.PRIORITY_CLASS_NOT_ALLOWED, SecurityPolicy.SCHEDULER_NOT_ALLOWED),
                PolicyCases.all().stream().filter(c -> !c.allowed()).map(PolicyCases.Case::reason).distinct()
                        .sorted().toList());
        assertEquals(PolicyCases.policies(),
                PolicyCases.all().stream().map(PolicyCases.Case::policy).distinct().toList());
    }

    /**
     * Every kind of data volume the API admits has its rule: a kind added to {@link DataVolume} without one would
     * be let through unchecked. The table has a refused case for each.
     */
    @Test
    void everyDataVolumeKindTheApiAdmitsIsGoverned() {
        Set<String> kinds = Arrays.stream(DataVolume.class.getDeclaredFields())
                .filter(field -> !Modifier.isStatic(field.getModifiers()))
                .map(Field::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of("persistentVolumeClaim", "nfs", "csi", "hostPath")), kinds);
        Set<String> refused = PolicyCases.all().stream()
                .filter(c -> SecurityPolicy.DATA_VOLUME_NOT_ALLOWED.equals(c.reason()))
                .map(c -> ((Map<?, ?>) ((Map<?, ?>) c.spec().get("data")).get("volume")).keySet().iterator().next())
                .map(String::valueOf)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(kinds, refused);
    }

    @ParameterizedTest
    @CsvSource({
            "/srv/data,       /srv/data,         true",
            "/srv/data,       /srv/data/,        true",
            "/srv/data,       /srv/data/a/b,     true",
            "/srv/data/,      /srv/data,         true",
            "/srv/data,       /srv/database,     false",
            "/srv/data,       /srv,              false",
            "/srv/data,       /srv/data/../etc,  false",
            "/srv/data,       /srv/data/..,      false",
            "/srv/data,       /srv/data/..x,     true",
            "/,               /etc,              true",
            "/,               /etc/../x,         false",
            "/srv/data,       srv/data,          false",
            "srv/data,        srv/data/x,        false",
            "/srv/../etc,     /srv/../etc/x,     false"})
    void aHostPathPrefixAdmitsWholeComponentsAndNeverDotDot(String prefix, String path, boolean allowed) {
        SecurityPolicy policy = new SecurityPolicy(true, List.of(), List.of(), List.of(prefix), List.of(), List.of(),
                List.of(), "trainer:1");
        assertEquals(allowed, policy.hostPathAllowed(path));
    }

    @ParameterizedTest
    @CsvSource({
            "registry.example/team,    registry.example/team/trainer:1,        true",
            "registry.example/team,    registry.example/team:1,                true",
            "registry.example/team,    registry.example/team@sha256:00,        true",
            "registry.example/team,    registry.example/team,                  true",
            "registry.example/team/,   registry.example/team/trainer:1,        true",
            "registry.example/team,    registry.example/team-evil/trainer:1,   false",
            "registry.example/team,    registry.example/teams:1,               false",
            "registry.example/team/,   registry.example/team:1,                false",
            "registry.example,         registry.example/anyone/trainer:1,      true",
            "registry.example,         registry.example.evil/trainer:1,        false",
            "registry.example,         registry.example:5000/trainer:1,        false",
            "registry.example:5000,    registry.example:5000/trainer:1,        true",
            "registry.example:5000,    registry.example:50001/trainer:1,       false",
            "docker.io/library,        ubuntu:22.04,                           false",
            "registry.example/team,    evil.example/registry.example/team/t:1, false"})
    void anImagePrefixEndsWhereAComponentOfTheReferenceEnds(String prefix, String image, boolean allowed) {
        assertEquals(allowed, SecurityPolicy.imageUnder(image, prefix));
    }

    @Test
    void entriesAreTrimmedAndEmptyOnesDropped() {
        SecurityPolicy policy = new SecurityPolicy(true, List.of(" a ", "", "b"), List.of(), List.of(" "), List.of(),
                List.of(), List.of(""), "trainer:1");
        assertEquals(List.of("a", "b"), policy.csiDrivers());
        assertEquals(List.of(), policy.hostPathPrefixes());
        assertEquals(List.of(), policy.imagePrefixes(), "an empty entry does not turn the image allow-list on");
    }

    /**
     * Every value of the chart's {@code policy} (but {@code admission}, which only the chart uses) reaches the
     * operator as the environment variable the chart's Deployment names after it, through the operator's own
     * configuration mapping.
     */
    @Test
    void eachPolicyValueOfTheChartReachesTheOperatorThroughItsEnvironmentVariable() throws IOException {
        Map<?, ?> chartPolicy = (Map<?, ?>) new KubernetesSerialization()
                .unmarshal(Files.readString(CHART_VALUES), Map.class).get("policy");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TRAININGRUN_OPERATOR_TRAINER_IMAGE", "registry.example/ml/trainer:1");
        for (Object key : chartPolicy.keySet()) {
            if (!key.equals("admission")) {
                env.put(environmentVariable((String) key), key.equals("persistentVolumeClaims") ? "false"
                        : "first-" + key + ",second-" + key);
            }
        }
        SecurityPolicy policy = SecurityPolicy.from(OperatorConfigs.from(env));

        assertEquals(8, env.size(), "the chart's seven settings and the trainer image: " + env.keySet());
        assertFalse(policy.persistentVolumeClaims());
        assertEquals(List.of("first-csiDrivers", "second-csiDrivers"), policy.csiDrivers());
        assertEquals(List.of("first-nfsServers", "second-nfsServers"), policy.nfsServers());
        assertEquals(List.of("first-hostPathPrefixes", "second-hostPathPrefixes"), policy.hostPathPrefixes());
        assertEquals(List.of("first-priorityClassNames", "second-priorityClassNames"), policy.priorityClassNames());
        assertEquals(List.of("first-schedulerNames", "second-schedulerNames"), policy.schedulerNames());
        assertEquals(List.of("first-imagePrefixes", "second-imagePrefixes"), policy.imagePrefixes());
        assertEquals("registry.example/ml/trainer:1", policy.trainerImage());
    }

    @Test
    void theDefaultsAllowClaimsAndNothingElseButAnyImage() {
        // The chart's Deployment sets every variable; an empty one counts as left out.
        OperatorConfig config = OperatorConfigs.from(Map.of("TRAININGRUN_OPERATOR_TRAINER_IMAGE", "trainer:1",
                "TRAININGRUN_OPERATOR_POLICY_CSI_DRIVERS", ""));
        assertEquals(new SecurityPolicy(true, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                "trainer:1"), SecurityPolicy.from(config));
    }


    /** The chart's rule: TRAININGRUN_OPERATOR_POLICY_ and the key in upper snake case. */
    private static String environmentVariable(String key) {
        return "TRAININGRUN_OPERATOR_POLICY_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** The policy the operator runs with under these chart values. */
    @SuppressWarnings("unchecked")
    static SecurityPolicy fromValues(Map<String, Object> values) {
        Map<String, Object> policy = (Map<String, Object>) values.getOrDefault("policy", Map.of());
        Map<String, Object> trainer = (Map<String, Object>) values.get("trainer");
        return new SecurityPolicy((Boolean) policy.getOrDefault("persistentVolumeClaims", true),
                list(policy, "csiDrivers"), list(policy, "nfsServers"), list(policy, "hostPathPrefixes"),
                list(policy, "priorityClassNames"), list(policy, "schedulerNames"), list(policy, "imagePrefixes"),
                (String) trainer.get("image"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> policy, String key) {
        return (List<String>) policy.getOrDefault(key, List.of());
    }
}
