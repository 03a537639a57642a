package dev.trainingrun.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.testing.Command;
import dev.trainingrun.testing.LocalCluster;
import dev.trainingrun.testing.Prerequisite;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private static final String VERSION = System.getProperty("project.version");
    private static final Set<String> LEADER_ELECTION_GROUPS = Set.of("coordination.k8s.io", "authorization.k8s.io");

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
        List<String> arguments = new ArrayList<>(List.of("template", RELEASE, Chart.DIRECTORY.toString(),
                "--namespace", NAMESPACE, "-f", Chart.valuesFile(valuesYaml).toString()));
        return Chart.parse(helm(arguments.toArray(String[]::new)).orThrow().output());
    }

    private static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = all(objects, type);
        assertEquals(1, found.size(), () -> type.getSimpleName() + ": " + found);
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

    /** The documented rules without those of leader election, which the chart grants where the Lease is. */
    private static List<PolicyRule> runRules() {
        return Chart.documentedRules().stream()
                .filter(rule -> !LEADER_ELECTION_GROUPS.contains(rule.getApiGroups().get(0))).toList();
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
    void watchedNamespacesGetARoleEachAndNothingClusterWide() {
        List<HasMetadata> objects = render("watchNamespaces: [team-a, team-b]");

        assertTrue(all(objects, ClusterRole.class).isEmpty());
        assertTrue(all(objects, ClusterRoleBinding.class).isEmpty());
        Map<String, Role> roles = all(objects, Role.class).stream()
                .collect(Collectors.toMap(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
                        r -> r));
        assertEquals(Set.of("team-a/" + FULLNAME, "team-b/" + FULLNAME, NAMESPACE + "/" + FULLNAME
                + "-leader-election"), roles.keySet());
        assertEquals(json(runRules()), json(roles.get("team-a/" + FULLNAME).getRules()));
        assertEquals(json(runRules()), json(roles.get("team-b/" + FULLNAME).getRules()));
        for (RoleBinding binding : all(objects, RoleBinding.class)) {
            assertEquals(binding.getMetadata().getName(), binding.getRoleRef().getName());
            assertEquals(NAMESPACE + "/" + FULLNAME, binding.getSubjects().get(0).getNamespace() + "/"
                    + binding.getSubjects().get(0).getName());
        }
        assertEquals(3, all(objects, RoleBinding.class).size());
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
            "leaderElection: {leaseDuration: 15}        | at '/leaderElection/leaseDuration'"})
    void aWrongValueIsRefusedNamingIt(String values, String message) {
        Command.Result result = helm("template", RELEASE, Chart.DIRECTORY.toString(), "-f",
                Chart.valuesFile(values).toString());
        assertFalse(result.succeeded(), result::output);
        assertTrue(result.output().contains("values don't meet the specifications of the schema"), result::output);
        assertTrue(result.output().contains(message), result::output);
    }
}
