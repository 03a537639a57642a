package dev.trainingrun.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainerPod;
import dev.trainingrun.testing.Command;
import dev.trainingrun.testing.HelmTemplate;
import dev.trainingrun.testing.LocalCluster;
import dev.trainingrun.testing.Prerequisite;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the chart renders for the main combinations of values (parsed into fabric8's types), {@code helm lint
 * --strict}, and the values schema refusing wrong values with their path; helm only, no cluster.
 */
class ChartTemplateTest {
    private static final String RELEASE = "tr";
    private static final String NAMESPACE = "trainingrun-system";
    private static final String FULLNAME = "tr-trainingrun-operator";
    private static final String TRAINER_POLICY = FULLNAME + "-trainer";
    private static final String VERSION = System.getProperty("project.version");
    private static final Set<String> LEADER_ELECTION_GROUPS = Set.of("coordination.k8s.io", "authorization.k8s.io");
    private static final String POLICY_ENV_PREFIX = "TRAININGRUN_OPERATOR_POLICY_";
    /** The CRD's group: its rule is cluster-wide in every mode. */
    private static final String CRD_GROUP = "apiextensions.k8s.io";

    private static Path helmBinary;

    /** Skips the class with the reason where helm is not built (and fails under CI=true, see Prerequisite). */
    @BeforeAll
    static void findHelm() {
        try {
            helmBinary = LocalCluster.builtTool("helm");
        } catch (IllegalStateException e) {
            Prerequisite.require(e.getMessage());
        }
    }

    private static Command.Result helm(String... arguments) {
        return Chart.helm(helmBinary, Map.of(), List.of(arguments));
    }

    private static List<HasMetadata> render(String valuesYaml) {
        return HelmTemplate.render(helmBinary, Chart.DIRECTORY, RELEASE, NAMESPACE, valuesYaml);
    }

    private static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = all(objects, type);
        assertEquals(1, found.size(), () -> type.getSimpleName() + ": " + found);
        return found.get(0);
    }

    private static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        List<T> found = all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
        assertEquals(1, found.size(), () -> type.getSimpleName() + " " + name + ": " + found);
        return found.get(0);
    }

    private static Container operator(List<HasMetadata> objects) {
        return one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    private static Optional<String> envValue(List<HasMetadata> objects, String name) {
        return Optional.ofNullable(env(operator(objects)).get(name)).map(EnvVar::getValue);
    }

    /**
     * The documented rules without those of leader election, which the chart grants where the Lease is, and the
     * cluster-wide ones (the CRD's, Kueue's ClusterQueues').
     */
    private static List<PolicyRule> runRules() {
        return Chart.documentedRules().stream()
                .filter(rule -> !LEADER_ELECTION_GROUPS.contains(rule.getApiGroups().get(0))
                        && !CRD_GROUP.equals(rule.getApiGroups().get(0)) && !rule.equals(kueueClusterRule()))
                .toList();
    }

    /** The documented rule on Kueue's cluster-scoped objects. */
    private static PolicyRule kueueClusterRule() {
        return Chart.documentedRules().stream().filter(rule -> rule.getResources().contains("clusterqueues"))
                .findFirst().orElseThrow();
    }

    /** Rules as JSON, one per line: a failure then shows which rule differs, and how. */
    private static String json(List<PolicyRule> rules) {
        return rules.stream().map(Chart.YAML::asJson).collect(Collectors.joining("\n"));
    }

    private static PolicyRule documented(String group) {
        return Chart.documentedRules().stream().filter(rule -> rule.getApiGroups().equals(List.of(group)))
                .findFirst().orElseThrow();
    }

    @Test
    void lintsCleanUnderStrict() {
        String output = helm("lint", "--strict", Chart.DIRECTORY.toString()).orThrow().output();
        assertTrue(output.contains("0 chart(s) failed"), output);
        helm("lint", "--strict", Chart.DIRECTORY.toString(), "--set", "watchNamespaces={a,b}",
                "--set", "serviceMonitor.enabled=true").orThrow();
    }

    @Test
    void chartAndAppVersionAreTheProjectVersion() throws IOException {
        Map<?, ?> chart = Chart.YAML.unmarshal(Files.readString(Chart.DIRECTORY.resolve("Chart.yaml")), Map.class);
        assertEquals(VERSION, chart.get("version"));
        assertEquals(VERSION, chart.get("appVersion"));
    }

    @Test
    void theChartCarriesTheCrdOfCrdsModuleAsItIs() throws IOException {
        assertEquals(Files.readString(Path.of("..", "crds", "trainingruns.trainingrun.dev.yaml")),
                Files.readString(Chart.CRD));
    }

    @Test
    void byDefaultTheOperatorWatchesEveryNamespaceWithExactlyTheDocumentedClusterRole() {
        List<HasMetadata> objects = render("{}");

        ClusterRole clusterRole = one(objects, ClusterRole.class);
        List<PolicyRule> expected = new ArrayList<>(runRules());
        expected.add(documented(CRD_GROUP));
        expected.add(kueueClusterRule());
        expected.add(documented("authorization.k8s.io"));
        assertEquals(json(expected), json(clusterRole.getRules()));
        ClusterRoleBinding binding = one(objects, ClusterRoleBinding.class);
        assertEquals(FULLNAME, binding.getRoleRef().getName());
        assertEquals(List.of(NAMESPACE + "/" + FULLNAME), binding.getSubjects().stream()
                .map(s -> s.getNamespace() + "/" + s.getName()).toList());
        assertEquals(FULLNAME, one(objects, ServiceAccount.class).getMetadata().getName());

        Role lease = one(objects, Role.class);
        assertEquals(NAMESPACE, lease.getMetadata().getNamespace());
        assertEquals(json(List.of(documented("coordination.k8s.io"))), json(lease.getRules()));
        assertEquals(lease.getMetadata().getName(), one(objects, RoleBinding.class).getRoleRef().getName());

        assertEquals(Optional.empty(), envValue(objects, "TRAININGRUN_OPERATOR_NAMESPACES"));
        assertEquals(Optional.of("trainingrun/trainer:" + VERSION),
                envValue(objects, "TRAININGRUN_OPERATOR_TRAINER_IMAGE"));
        assertEquals("trainingrun/operator:" + VERSION, operator(objects).getImage());
        assertTrue(all(objects, GenericKubernetesResource.class).isEmpty(), "no ServiceMonitor by default");
    }

    @Test
    void theOperatorPodMeetsTheRestrictedProfileAndProbesQuarkusHealth() {
        List<HasMetadata> objects = render("{}");
        PodSpec pod = one(objects, Deployment.class).getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(1000L, pod.getSecurityContext().getRunAsUser());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        assertEquals(FULLNAME, pod.getServiceAccountName());
        Container container = pod.getContainers().get(0);
        assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        assertEquals("/tmp", container.getVolumeMounts().get(0).getMountPath());
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getName().equals(container.getVolumeMounts().get(0)
                .getName()) && v.getEmptyDir() != null));

        assertEquals(8080, container.getPorts().get(0).getContainerPort());
        assertEquals("/q/health/live", container.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", container.getStartupProbe().getHttpGet().getPath());
        assertEquals("/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
        assertEquals("http", container.getReadinessProbe().getHttpGet().getPort().getStrVal());
        assertEquals("512Mi", container.getResources().getLimits().get("memory").toString());

        Service metrics = one(objects, Service.class);
        assertEquals(8080, metrics.getSpec().getPorts().get(0).getPort());
        assertEquals(pod.getContainers().get(0).getPorts().get(0).getName(),
                metrics.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        assertEquals(one(objects, Deployment.class).getSpec().getSelector().getMatchLabels(),
                metrics.getSpec().getSelector());
    }

    @Test
    void watchedNamespacesGetARoleEachAndNothingClusterWideButReadingTheCrdAndKueuesQueues() {
        List<HasMetadata> objects = render("watchNamespaces: [team-a, team-b]");

        Map<String, ClusterRole> clusterRoles = all(objects, ClusterRole.class).stream()
                .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r));
        assertEquals(Set.of(FULLNAME + "-crd", FULLNAME + "-kueue"), clusterRoles.keySet());
        assertEquals(json(List.of(documented(CRD_GROUP))), json(clusterRoles.get(FULLNAME + "-crd").getRules()));
        assertEquals(json(List.of(kueueClusterRule())), json(clusterRoles.get(FULLNAME + "-kueue").getRules()));
        for (ClusterRoleBinding binding : all(objects, ClusterRoleBinding.class)) {
            assertEquals(binding.getMetadata().getName(), binding.getRoleRef().getName());
        }
        assertEquals(2, all(objects, ClusterRoleBinding.class).size());
        Map<String, Role> roles = all(objects, Role.class).stream()
                .collect(Collectors.toMap(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
                        r -> r));
        assertEquals(Set.of("team-a/" + FULLNAME, "team-b/" + FULLNAME, NAMESPACE + "/" + FULLNAME
                + "-leader-election", "default/" + FULLNAME + "-crd-events"), roles.keySet());
        assertEquals(json(runRules()), json(roles.get("team-a/" + FULLNAME).getRules()));
        assertEquals(json(runRules()), json(roles.get("team-b/" + FULLNAME).getRules()));
        assertEquals(json(List.of(documented("events.k8s.io"))),
                json(roles.get("default/" + FULLNAME + "-crd-events").getRules()));
        for (RoleBinding binding : all(objects, RoleBinding.class)) {
            assertEquals(binding.getMetadata().getName(), binding.getRoleRef().getName());
            assertEquals(NAMESPACE + "/" + FULLNAME, binding.getSubjects().get(0).getNamespace() + "/"
                    + binding.getSubjects().get(0).getName());
        }
        assertEquals(4, all(objects, RoleBinding.class).size());
        assertEquals(Optional.of("team-a,team-b"), envValue(objects, "TRAININGRUN_OPERATOR_NAMESPACES"));
    }

    @ParameterizedTest
    @CsvSource({"1", "2"})
    void leaderElectionIsOnWithItsLeaseInTheReleaseNamespace(int replicas) {
        List<HasMetadata> objects = render("replicas: " + replicas);
        assertEquals(replicas, one(objects, Deployment.class).getSpec().getReplicas());
        assertEquals(Optional.of("true"), envValue(objects, "TRAININGRUN_OPERATOR_LEADER_ELECTION_ENABLED"));
        assertEquals(Optional.of(NAMESPACE), envValue(objects, "TRAININGRUN_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE"));
        assertEquals(Optional.of(FULLNAME), envValue(objects, "TRAININGRUN_OPERATOR_LEADER_ELECTION_LEASE_NAME"));
        assertEquals("metadata.name", env(operator(objects)).get("TRAININGRUN_OPERATOR_LEADER_ELECTION_IDENTITY")
                .getValueFrom().getFieldRef().getFieldPath());
    }

    @Test
    void aServiceMonitorScrapesTheMetricsServiceWhenAskedFor() {
        List<HasMetadata> objects = render("serviceMonitor: {enabled: true, labels: {release: prometheus}}");
        GenericKubernetesResource monitor = one(objects, GenericKubernetesResource.class);
        assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
        assertEquals("ServiceMonitor", monitor.getKind());
        assertEquals("prometheus", monitor.getMetadata().getLabels().get("release"));
        Map<?, ?> spec = (Map<?, ?>) monitor.getAdditionalProperties().get("spec");
        Map<?, ?> firstEndpoint = (Map<?, ?>) ((List<?>) spec.get("endpoints")).get(0);
        assertEquals("http", firstEndpoint.get("port"));
        assertEquals("/q/metrics", firstEndpoint.get("path"));
        Map<?, ?> selected = (Map<?, ?>) ((Map<?, ?>) spec.get("selector")).get("matchLabels");
        Map<String, String> serviceLabels = one(objects, Service.class).getMetadata().getLabels();
        selected.forEach((key, value) -> assertEquals(value, serviceLabels.get(key), "label " + key));
    }

    @Test
    void customImagesAreUsedByTagOrDigest() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        List<HasMetadata> byDigest = render("""
                image: {repository: registry.example/ml/operator, digest: %s, pullPolicy: Always}
                trainer: {image: registry.example/ml/trainer:1.2.3, imagePullPolicy: Always}""".formatted(digest));
        assertEquals("registry.example/ml/operator@" + digest, operator(byDigest).getImage());
        assertEquals("Always", operator(byDigest).getImagePullPolicy());
        assertEquals(Optional.of("registry.example/ml/trainer:1.2.3"),
                envValue(byDigest, "TRAININGRUN_OPERATOR_TRAINER_IMAGE"));
        assertEquals(Optional.of("Always"), envValue(byDigest, "TRAININGRUN_OPERATOR_IMAGE_PULL_POLICY"));

        List<HasMetadata> byTag = render("image: {repository: registry.example/ml/operator, tag: \"2.0\"}");
        assertEquals("registry.example/ml/operator:2.0", operator(byTag).getImage());
    }

    @Test
    void theTrainersStopBudgetReachesTheOperator() {
        List<HasMetadata> defaults = render("{}");
        assertEquals(Optional.of("30"), envValue(defaults, "TRAININGRUN_OPERATOR_STOP_STEP_SECONDS"));
        List<HasMetadata> slowStorage = render("trainer: {stop: {writeMegabytesPerSecond: 20, stepSeconds: 90}}");
        assertEquals(Optional.of("20"), envValue(slowStorage, "TRAININGRUN_OPERATOR_STOP_WRITE_MEGABYTES_PER_SECOND"));
        assertEquals(Optional.of("90"), envValue(slowStorage, "TRAININGRUN_OPERATOR_STOP_STEP_SECONDS"));
        assertEquals(Optional.of("10"), envValue(slowStorage, "TRAININGRUN_OPERATOR_STOP_MARGIN_SECONDS"));
    }

    @Test
    void theSecurityPolicyIsSafeByDefaultAndEnforcedAtAdmissionInEveryNamespace() {
        List<HasMetadata> objects = render("{}");
        Map<String, String> defaults = new TreeMap<>(Map.of("persistentVolumeClaims", "true", "csiDrivers", "",
                "nfsServers", "", "hostPathPrefixes", "", "priorityClassNames", "", "schedulerNames", "",
                "imagePrefixes", ""));
        assertEquals(defaults, operatorPolicy(objects));

        ValidatingAdmissionPolicy policy = named(objects, ValidatingAdmissionPolicy.class, FULLNAME);
        assertEquals(FULLNAME, policy.getMetadata().getName());
        assertEquals("Fail", policy.getSpec().getFailurePolicy());
        assertNull(policy.getSpec().getParamKind(), "settings as CEL literals, not a parameter (docs/security.md)");
        var rule = policy.getSpec().getMatchConstraints().getResourceRules().get(0);
        assertEquals(List.of("CREATE"), rule.getOperations(), "what the policy checks is immutable after creation");
        assertEquals(List.of("trainingruns"), rule.getResources());
        assertEquals(7, policy.getSpec().getValidations().size(), "a validation per rule of SecurityPolicy");
        assertEquals(defaults, admissionPolicySettings(objects));
        assertEquals("\"trainingrun/trainer:" + VERSION + "\"", variables(policy).get("trainerImage"));

        ValidatingAdmissionPolicyBinding binding = named(objects, ValidatingAdmissionPolicyBinding.class, FULLNAME);
        assertEquals(FULLNAME, binding.getSpec().getPolicyName());
        assertEquals(List.of("Deny"), binding.getSpec().getValidationActions());
        assertNull(binding.getSpec().getMatchResources(), "every namespace, as the operator watches every one");
    }

    @Test
    void theOperatorAndTheAdmissionPolicyGetTheSameValues() {
        List<HasMetadata> objects = render("""
                trainer: {image: "registry.example:5000/ml/trainer:1"}
                policy:
                  persistentVolumeClaims: false
                  csiDrivers: [files.csi.example.com, datasets.csi.example.com]
                  hostPathPrefixes: [/srv/images, '/srv/"quoted"']
                  priorityClassNames: [research-low]
                  imagePrefixes: ["registry.example:5000/ml", team.example/trainers]""");
        Map<String, String> operator = operatorPolicy(objects);
        assertEquals("false", operator.get("persistentVolumeClaims"));
        assertEquals("files.csi.example.com,datasets.csi.example.com", operator.get("csiDrivers"));
        assertEquals("/srv/images,/srv/\"quoted\"", operator.get("hostPathPrefixes"), "a CEL literal all the same");
        assertEquals("", operator.get("nfsServers"));
        assertEquals("registry.example:5000/ml,team.example/trainers", operator.get("imagePrefixes"));
        assertEquals(operator, admissionPolicySettings(objects));
        assertEquals(Optional.of("registry.example:5000/ml/trainer:1"),
                envValue(objects, "TRAININGRUN_OPERATOR_TRAINER_IMAGE"));
        assertEquals("\"registry.example:5000/ml/trainer:1\"",
                variables(named(objects, ValidatingAdmissionPolicy.class, FULLNAME)).get("trainerImage"));
    }

    @Test
    void withWatchedNamespacesThePolicyIsEnforcedAtAdmissionOnlyThere() {
        ValidatingAdmissionPolicyBinding binding = named(render("watchNamespaces: [team-a, team-b]"),
                ValidatingAdmissionPolicyBinding.class, FULLNAME);
        var selector = binding.getSpec().getMatchResources().getNamespaceSelector().getMatchExpressions().get(0);
        assertEquals("kubernetes.io/metadata.name", selector.getKey());
        assertEquals("In", selector.getOperator());
        assertEquals(List.of("team-a", "team-b"), selector.getValues());
    }

    /**
     * The trainer's policy names the ServiceAccount the operator makes in each namespace, checks only status writes,
     * and is bound everywhere whatever the watched namespaces: its behaviour is TrainerPolicyIT's, on an API server.
     */
    @Test
    void theTrainersPolicyNamesTheOperatorsTrainerAndIsBoundEverywhere() {
        for (String values : List.of("{}", "watchNamespaces: [team-a]", "policy: {admission: false}")) {
            List<HasMetadata> objects = render(values);
            ValidatingAdmissionPolicy policy = named(objects, ValidatingAdmissionPolicy.class, TRAINER_POLICY);
            assertEquals("Fail", policy.getSpec().getFailurePolicy());
            var rule = policy.getSpec().getMatchConstraints().getResourceRules().get(0);
            assertEquals(List.of("UPDATE"), rule.getOperations());
            assertEquals(List.of("trainingruns/status"), rule.getResources());
            assertTrue(policy.getSpec().getMatchConditions().get(0).getExpression()
                    .endsWith(":" + TrainerPod.SERVICE_ACCOUNT + "'"), values);
            ValidatingAdmissionPolicyBinding binding = named(objects, ValidatingAdmissionPolicyBinding.class,
                    TRAINER_POLICY);
            assertEquals(TRAINER_POLICY, binding.getSpec().getPolicyName());
            assertEquals(List.of("Deny"), binding.getSpec().getValidationActions());
            assertNull(binding.getSpec().getMatchResources(), values);
        }
    }

    @Test
    void withoutAdmissionTheOperatorAloneEnforcesThePolicy() {
        List<HasMetadata> objects = render("policy: {admission: false, hostPathPrefixes: [/srv/images]}");
        assertEquals(List.of(TRAINER_POLICY), all(objects, ValidatingAdmissionPolicy.class).stream()
                .map(policy -> policy.getMetadata().getName()).toList(), "only the trainer's, which is never optional");
        assertEquals(List.of(TRAINER_POLICY), all(objects, ValidatingAdmissionPolicyBinding.class).stream()
                .map(binding -> binding.getMetadata().getName()).toList());
        assertEquals("/srv/images", operatorPolicy(objects).get("hostPathPrefixes"));
    }

    /** The operator's policy settings by the value they come from (..._POLICY_HOST_PATH_PREFIXES: hostPathPrefixes). */
    private static Map<String, String> operatorPolicy(List<HasMetadata> objects) {
        Map<String, String> settings = new TreeMap<>();
        env(operator(objects)).forEach((name, variable) -> {
            if (name.startsWith(POLICY_ENV_PREFIX)) {
                settings.put(valueName(name.substring(POLICY_ENV_PREFIX.length())), variable.getValue());
            }
        });
        return settings;
    }

    /** The admission policy's CEL variables of the same settings, their JSON literals read back as env values. */
    private static Map<String, String> admissionPolicySettings(List<HasMetadata> objects) {
        Map<String, String> variables = variables(named(objects, ValidatingAdmissionPolicy.class, FULLNAME));
        Map<String, String> settings = new TreeMap<>();
        for (String name : operatorPolicy(objects).keySet()) {
            Object literal = Chart.YAML.unmarshal(variables.get(name), Object.class);
            settings.put(name, literal instanceof List<?> list
                    ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                    : String.valueOf(literal));
        }
        return settings;
    }

    private static Map<String, String> variables(ValidatingAdmissionPolicy policy) {
        return policy.getSpec().getVariables().stream()
                .collect(Collectors.toMap(Variable::getName, Variable::getExpression));
    }

    /** The value a setting comes from: HOST_PATH_PREFIXES is hostPathPrefixes. */
    private static String valueName(String snakeCase) {
        String[] words = snakeCase.toLowerCase(Locale.ROOT).split("_");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return name.toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "replicas: two                              | at '/replicas': got string, want integer",
            "replicas: 0                                | at '/replicas'",
            "image: {pullPolicy: Sometimes}             | at '/image/pullPolicy': value must be one of",
            "trainer: {imagePullPolicy: always}         | at '/trainer/imagePullPolicy'",
            "resources: {limits: {memory: -512Mi}}      | at '/resources/limits/memory'",
            "resources: {requests: {cpu: -1}}           | at '/resources/requests/cpu'",
            "replica: 2                                 | additional properties 'replica' not allowed",
            "watchNamespaces: [Team_A]                  | at '/watchNamespaces/0'",
            "concurrency: 0                             | at '/concurrency'",
            "trainer: {stop: {writeMegabytesPerSecond: 0}} | at '/trainer/stop/writeMegabytesPerSecond'",
            "leaderElection: {leaseDuration: 15}        | at '/leaderElection/leaseDuration'",
            "policy: {hostPath: true}                   | additional properties 'hostPath' not allowed",
            "policy: {persistentVolumeClaims: \"true\"} | at '/policy/persistentVolumeClaims'",
            "policy: {hostPathPrefixes: [srv/images]}   | at '/policy/hostPathPrefixes/0'",
            "policy: {hostPathPrefixes: [/srv/../etc]}  | at '/policy/hostPathPrefixes/0'",
            "policy: {csiDrivers: [\"a.example,b\"]}      | at '/policy/csiDrivers/0'",
            "policy: {nfsServers: [nfs.example, nfs.example]} | at '/policy/nfsServers'",
            "policy: {nfsServers: [\"nfs\\\\example\"]}     | at '/policy/nfsServers/0'",
            "policy: {priorityClassNames: [High]}       | at '/policy/priorityClassNames/0'",
            "policy: {imagePrefixes: [\"https://registry.example\"]} | at '/policy/imagePrefixes/0'",
            "policy: {imagePrefixes: [\"registry.example/ml \"]} | at '/policy/imagePrefixes/0'"})
    void aWrongValueIsRefusedNamingIt(String values, String message) {
        Command.Result result = helm("template", RELEASE, Chart.DIRECTORY.toString(), "-f",
                HelmTemplate.valuesFile(values).toString());
        assertFalse(result.succeeded(), result::output);
        assertTrue(result.output().contains("values don't meet the specifications of the schema"), result::output);
        assertTrue(result.output().contains(message), result::output);
    }
}
