package dev.trainingrun.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.e2e.ShapesData;
import dev.trainingrun.testing.Await;
import dev.trainingrun.operator.it.Fixtures;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.Command;
import dev.trainingrun.testing.HelmTemplate;
import dev.trainingrun.testing.OnLocalCluster;
import dev.trainingrun.testing.Pods;
import dev.trainingrun.testing.RegistryImages;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chart's life on a real cluster, in the order a platform team goes through it: {@code helm install} of the
 * operator image into the test's namespace (restricted Pod Security), its admission policy refusing a run that asks
 * for a node's directory, a TrainingRun applied with kubectl trained to Succeeded by that in-cluster operator,
 * {@code helm upgrade} with a changed setting rolling the operator, the CRD upgrade path, and {@code helm uninstall}
 * leaving none of the operator's objects. The operator watches only this
 * namespace: other test classes run operators of their own in theirs.
 */
@OnLocalCluster
@TestMethodOrder(OrderAnnotation.class)
class HelmReleaseIT {
    private static final Path OPERATOR_TARBALL = Path.of("..", "operator", "target", "operator-image.tar");
    private static final Path TRAINER_TARBALL = Path.of("..", "trainer-image", "target", "trainer-image.tar");
    private static final String RELEASE = "tro";
    private static final String FULLNAME = "tro-trainingrun-operator";
    private static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
    private static final String RUN = "tiny";
    private static final Duration ROLL_OUT = Duration.ofMinutes(3);

    private static KubernetesClient client;
    private static Cluster cluster;
    private static String operatorImage;
    private static String trainerImage;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster localCluster) {
        client = kubernetes;
        cluster = localCluster;
        operatorImage = RegistryImages.push(cluster, OPERATOR_TARBALL, "trainingrun/operator");
        trainerImage = RegistryImages.push(cluster, TRAINER_TARBALL, "trainingrun/trainer");
        ShapesData.generate(client, trainerImage, 16, 8);
    }

    private static Command.Result helm(String... arguments) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of("--namespace", cluster.namespace()));
        return Chart.helm(cluster.tool("helm"), Map.of("KUBECONFIG", cluster.kubeconfig().toString()), all);
    }

    private static Command.Result kubectl(String... arguments) {
        return cluster.kubectl(Duration.ofMinutes(1), arguments);
    }

    /** The values of this installation: the images just pushed, this namespace only, the real node. */
    private static Path values() {
        String[] image = operatorImage.split("@");
        return HelmTemplate.valuesFile("""
                image: {repository: "%s", digest: "%s"}
                trainer: {image: "%s"}
                watchNamespaces: ["%s"]
                jsonLogs: false
                nodeSelector: {"%s": "true"}
                """.formatted(image[0], image[1], trainerImage, cluster.namespace(), ShapesData.REAL_NODE_LABEL));
    }

    private static List<Pod> operatorPods() {
        return client.pods().withLabel(INSTANCE_LABEL, RELEASE).list().getItems();
    }

    private static boolean ready(Pod pod) {
        // A pod just created has no status conditions yet.
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String env(Pod pod, String name) {
        return pod.getSpec().getContainers().get(0).getEnv().stream().filter(e -> name.equals(e.getName()))
                .map(EnvVar::getValue).findFirst().orElse(null);
    }

    /** Waits until the Deployment has rolled out: one pod, of its current template, Ready; and returns it. */
    private static Pod awaitRolledOut(String what) {
        try {
            Await.until(what, ROLL_OUT, () -> client.apps().deployments().withName(FULLNAME).get(), d -> d != null
                    && d.getStatus() != null && Objects.equals(d.getStatus().getObservedGeneration(),
                            d.getMetadata().getGeneration())
                    && Objects.equals(d.getStatus().getUpdatedReplicas(), d.getSpec().getReplicas())
                    && Objects.equals(d.getStatus().getReadyReplicas(), d.getSpec().getReplicas())
                    && Objects.equals(d.getStatus().getReplicas(), d.getSpec().getReplicas()));
            return Await.until(what + ": the old pod gone", ROLL_OUT, HelmReleaseIT::operatorPods,
                    pods -> pods.size() == 1 && ready(pods.get(0))).get(0);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\noperator pods:\n" + describeOperator(), e);
        }
    }

    private static String describeOperator() {
        StringBuilder text = new StringBuilder();
        for (Pod pod : operatorPods()) {
            text.append(Pods.describe(client, pod.getMetadata().getName())).append("\nlog:\n");
            try {
                text.append(client.pods().resource(pod).getLog());
            } catch (RuntimeException e) {
                text.append("(no log: ").append(e.getMessage()).append(')');
            }
        }
        return text.toString();
    }

    @Test
    @Order(1)
    void aWrongValueIsRefusedAtInstallAndNothingIsInstalled() {
        Command.Result refused = helm("install", "bad", Chart.DIRECTORY.toString(), "-f", values().toString(),
                "--set", "replicas=two");
        assertFalse(refused.succeeded(), refused::output);
        assertTrue(refused.output().contains("at '/replicas': got string, want integer"), refused::output);
        assertTrue(client.apps().deployments().withLabel(INSTANCE_LABEL, "bad").list().getItems().isEmpty());
        assertFalse(helm("status", "bad").succeeded(), "no release 'bad'");
    }

    @Test
    @Order(2)
    void installedOperatorBecomesReadyAndHoldsTheLease() {
        long start = System.nanoTime();
        helm("install", RELEASE, Chart.DIRECTORY.toString(), "-f", values().toString()).orThrow();
        long installed = System.nanoTime();
        Pod pod = awaitRolledOut("the operator pod to be Ready");
        System.out.printf("[helm] helm install %.1f s, then the operator pod Ready after %.1f s more%n",
                (installed - start) / 1e9, (System.nanoTime() - installed) / 1e9);

        assertEquals(operatorImage, pod.getSpec().getContainers().get(0).getImage());
        assertEquals(1000L, pod.getSpec().getSecurityContext().getRunAsUser());
        Lease lease = Await.until("the operator to hold its Lease", ROLL_OUT,
                () -> client.leases().withName(FULLNAME).get(),
                l -> l != null && l.getSpec().getHolderIdentity() != null);
        assertEquals(pod.getMetadata().getName(), lease.getSpec().getHolderIdentity());
        assertNotNull(client.apiextensions().v1().customResourceDefinitions()
                .withName("trainingruns.trainingrun.dev").get(), "the chart installs the CRD when it is missing");
    }

    @Test
    @Order(3)
    void theInstalledPolicyRefusesARunThatAsksForANodesDirectoryAtApply() {
        Path manifest = HelmTemplate.valuesFile("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: node-files}
                spec: {data: {volume: {hostPath: {path: /etc}}}, resources: {gpus: 0}}
                """);
        Command.Result refused = kubectl("apply", "-f", manifest.toString());
        assertFalse(refused.succeeded(), refused::output);
        assertTrue(refused.output().contains("ValidatingAdmissionPolicy '" + FULLNAME + "' with binding '" + FULLNAME
                + "' denied request: spec.data.volume.hostPath.path: \"/etc\" is not allowed by the TrainingRun "
                + "security policy (policy.hostPathPrefixes: none)"), refused::output);
        assertNull(Fixtures.get(client, "node-files"));
    }

    @Test
    @Order(4)
    void aRunAppliedWithKubectlSucceedsUnderTheInClusterOperator() throws Exception {
        Path manifest = HelmTemplate.valuesFile("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: %s}
                spec:
                  model: {architecture: ResNet18, numClasses: 3}
                  data: {volume: {persistentVolumeClaim: {claimName: %s}}, imageSize: 32, loaderThreads: 1}
                  training: {epochs: 2, batchSize: 16, validationBatchSize: 24, warmupEpochs: 1}
                  checkpoints: {size: 100Mi, reclaimPolicy: Delete}
                  resources: {gpus: 0, memory: 2Gi}
                """.formatted(RUN, ShapesData.CLAIM));
        kubectl("apply", "-f", manifest.toString()).orThrow();
        TrainingRun done;
        try {
            done = Await.until(RUN + " to finish", Duration.ofMinutes(5), () -> Fixtures.get(client, RUN),
                    run -> run != null && run.getStatus() != null && run.getStatus().getPhase() != null
                            && run.getStatus().getPhase().isFinished());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\noperator pods:\n" + describeOperator(), e);
        }
        assertEquals(Phase.Succeeded, done.getStatus().getPhase(), () -> done.getStatus().toString());
        // Only the chart's trainer.image is in the cluster's registry: a run that trained proves that it reached
        // the operator.
        assertEquals(2, done.getStatus().getEpochs().size());
        assertTrue(kubectl("get", "tr", RUN, "--no-headers").orThrow().output().contains("Succeeded"));
        // Under the chart's least-privilege RBAC, unlike the admin identity of the operator module's tests, no
        // reconcile failed: none lacked a right, none ran ahead of what the API server checks first.
        String log = client.pods().resource(operatorPods().get(0)).getLog();
        assertFalse(log.contains("Uncaught error during event processing"), log);
        assertFalse(log.contains("Cannot read CRD"), "the chart lets the operator check the CRD: " + log);
        // The image's JRE brings NSS, which takes the TLS traffic's AES-GCM off the quick JIT's plain Java.
        assertTrue(log.contains("TLS encrypts with AES-GCM from SunPKCS11-NSS"), log);
    }

    @Test
    @Order(5)
    void anUpgradeWithAChangedSettingRollsTheOperator() {
        String before = operatorPods().get(0).getMetadata().getName();
        helm("upgrade", RELEASE, Chart.DIRECTORY.toString(), "-f", values().toString(), "--set", "concurrency=7")
                .orThrow();
        long start = System.nanoTime();
        Pod pod = awaitRolledOut("the upgraded operator pod to be Ready");
        System.out.printf("[helm] helm upgrade: the new operator pod Ready after %.1f s%n",
                (System.nanoTime() - start) / 1e9);
        assertFalse(before.equals(pod.getMetadata().getName()), "a new pod");
        assertEquals("7", env(pod, "TRAININGRUN_OPERATOR_CONCURRENCY"));
        Await.until("the new pod to take the Lease", ROLL_OUT, () -> client.leases().withName(FULLNAME).get(),
                l -> pod.getMetadata().getName().equals(l.getSpec().getHolderIdentity()));
        assertTrue(helm("history", RELEASE).orThrow().output().contains("Upgrade complete"));
    }

    @Test
    @Order(6)
    void theCrdIsUpgradedByServerSideApplyOfTheChartsCopy() throws Exception {
        var crds = client.apiextensions().v1().customResourceDefinitions();
        String name = "trainingruns.trainingrun.dev";
        String shipped = Chart.YAML.unmarshal(Files.readString(Chart.CRD), CustomResourceDefinition.class).getSpec()
                .getVersions().get(0).getSchema().getOpenAPIV3Schema().getDescription();
        // An older release's CRD, as helm install created it: a field of other content, owned by helm's manager.
        // The description only, so that other test classes using the CRD meanwhile see no change that matters.
        crds.withName(name).patch(new PatchContext.Builder().withPatchType(PatchType.JSON).withFieldManager("helm")
                .build(), "[{\"op\": \"replace\", \"path\": \"/spec/versions/0/schema/openAPIV3Schema/description\","
                + " \"value\": \"an older description\"}]");

        Command.Result withoutForce = kubectl("apply", "--server-side", "-f", Chart.CRD.toString());
        assertFalse(withoutForce.succeeded(), "helm owns the field: without --force-conflicts kubectl refuses");
        assertTrue(withoutForce.output().contains("conflict"), withoutForce::output);

        kubectl("apply", "--server-side", "--force-conflicts", "-f", Chart.CRD.toString()).orThrow();
        assertEquals(shipped, crds.withName(name).get().getSpec().getVersions().get(0).getSchema()
                .getOpenAPIV3Schema().getDescription());
    }

    @Test
    @Order(7)
    void uninstallLeavesNoOperatorObjectsButKeepsTheCrdAndTheRuns() {
        helm("uninstall", RELEASE, "--wait", "--timeout", "2m").orThrow();
        Await.until("every object of the release to be gone", ROLL_OUT, () -> Stream.of(
                        client.apps().deployments().withLabel(INSTANCE_LABEL, RELEASE).list().getItems(),
                        client.pods().withLabel(INSTANCE_LABEL, RELEASE).list().getItems(),
                        client.serviceAccounts().withLabel(INSTANCE_LABEL, RELEASE).list().getItems(),
                        client.services().withLabel(INSTANCE_LABEL, RELEASE).list().getItems(),
                        client.admissionRegistration().v1().validatingAdmissionPolicies()
                                .withLabel(INSTANCE_LABEL, RELEASE).list().getItems(),
                        client.admissionRegistration().v1().validatingAdmissionPolicyBindings()
                                .withLabel(INSTANCE_LABEL, RELEASE).list().getItems(),
                        client.rbac().roles().withLabel(INSTANCE_LABEL, RELEASE).list().getItems(),
                        client.rbac().roleBindings().withLabel(INSTANCE_LABEL, RELEASE).list().getItems(),
                        client.rbac().clusterRoles().withLabel(INSTANCE_LABEL, RELEASE).list().getItems(),
                        client.rbac().clusterRoleBindings().withLabel(INSTANCE_LABEL, RELEASE).list().getItems())
                .flatMap(objects -> objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()))
                .toList(), List::isEmpty);
        assertNull(client.rbac().roles().withName(FULLNAME).get());
        assertNull(client.rbac().roles().withName(FULLNAME + "-leader-election").get());
        assertNull(client.rbac().clusterRoles().withName(FULLNAME).get());
        assertNull(client.admissionRegistration().v1().validatingAdmissionPolicies().withName(FULLNAME).get());
        assertNotNull(client.apiextensions().v1().customResourceDefinitions()
                .withName("trainingruns.trainingrun.dev").get(), "Helm never deletes a chart's CRDs");
        assertNotNull(Fixtures.get(client, RUN), "the runs stay with the CRD");
    }
}
