package dev.trainingrun.operator.it;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunYaml;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Crds;
import dev.trainingrun.testing.HelmTemplate;
import dev.trainingrun.testing.LocalCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What the operator's cluster tests share: the CRD, pre-bound claims for fake nodes, runs and their parts. */
public final class Fixtures {
    /** The CRD as the project ships it; the operator never installs or changes it. */
    static final Path CRD = Path.of("..", "crds", "trainingruns.trainingrun.dev.yaml");
    static final Path CHART = Path.of("..", "helm", "trainingrun-operator");
    private static final String TESTS = "trainingrun-tests";
    static final String FAKE_NODE_ANNOTATION = "kwok.x-k8s.io/node";
    static final String FAKE_NODE_LABEL = "trainingrun.dev/fake-node";
    /** kwok ends a Running pod on a fake node with this exit code once the annotation is set. */
    static final String EXIT_ANNOTATION = "kwok.trainingrun.dev/exit";
    static final String RUN_LABEL = "trainingrun.dev/run";
    /** Claims bound at once to volumes nothing mounts: pods on fake nodes schedule without a provisioner. */
    static final String DATA_CLAIM = "data";
    static final String CHECKPOINT_CLAIM = "checkpoints";
    static final String NO_JOBS = "no-jobs";

    private Fixtures() {}

    /** The CRD as the project ships it (as the chart and crds/ install it). */
    public static void installCrd(KubernetesClient client) {
        Crds.install(client, CRD);
    }

    /**
     * What the chart installs cluster-wide besides the operator, which the tests run as a process: the CRD and the
     * trainer's admission policy (templates/trainer-policy.yaml, as {@code helm template} renders it), without
     * which a trainer could write any run's status in its namespace.
     */
    public static void installClusterWide(KubernetesClient client) {
        installCrd(client);
        HelmTemplate.render(LocalCluster.builtTool("helm"), CHART, "tests", "trainingrun-system", "{}").stream()
                .filter(object -> object.getMetadata().getName().endsWith("-trainer"))
                .filter(object -> object instanceof ValidatingAdmissionPolicy
                        || object instanceof ValidatingAdmissionPolicyBinding)
                .forEach(object -> client.resource(object).fieldManager(TESTS).forceConflicts().serverSideApply());
    }

    /**
     * Lets {@code user} create and read TrainingRuns in the namespace, and nothing else (no pods, no Jobs), as a
     * platform team lets data scientists; returns a client acting as that user (by impersonation).
     */
    public static KubernetesClient runCreator(KubernetesClient admin, Path kubeconfig, String namespace, String user) {
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
                .withNewMetadata().withName(user).endMetadata()
                .addNewRule().withApiGroups(TrainingRun.GROUP).withResources("trainingruns")
                    .withVerbs("create", "get", "list", "watch").endRule()
                .build()).create();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
                .withNewMetadata().withName(user).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", user)
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject()
                .build()).create();
        Config impersonating = Config.fromKubeconfig(kubeconfig.toFile());
        impersonating.setNamespace(namespace);
        impersonating.setImpersonateUsername(user);
        return new KubernetesClientBuilder().withConfig(impersonating).build();
    }

    /** A client acting as the namespace's ServiceAccount, with a fresh token of it bound to no pod. */
    public static KubernetesClient serviceAccountClient(KubernetesClient admin, String namespace,
            String serviceAccount) {
        return tokenClient(admin, namespace, admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
                .getStatus().getToken());
    }

    /**
     * A client with a token of the ServiceAccount bound to {@code pod}, as the kubelet mounts one into the pod: the
     * API server names the pod in the requests' user info.
     */
    public static KubernetesClient podClient(KubernetesClient admin, String namespace, String serviceAccount,
            Pod pod) {
        return tokenClient(admin, namespace, admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L)
                        .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                            .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                            .endBoundObjectRef()
                        .endSpec().build())
                .getStatus().getToken());
    }

    private static KubernetesClient tokenClient(KubernetesClient admin, String namespace, String token) {
        Config config = admin.getConfiguration();
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(config.getMasterUrl())
                .withCaCertData(config.getCaCertData())
                .withCaCertFile(config.getCaCertFile())
                .withOauthToken(token)
                .withNamespace(namespace)
                .build()).build();
    }

    /**
     * Installs the CRD as an older release had it: without the given fields ({@code status.activeSeconds}, ...),
     * as Helm leaves a CRD behind when it upgrades the chart.
     */
    public static void installCrdWithout(KubernetesClient client, String... fields) {
        CustomResourceDefinition crd;
        try (InputStream in = Files.newInputStream(CRD)) {
            crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JSONSchemaProps schema = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
        for (String field : fields) {
            JSONSchemaProps parent = schema;
            String[] path = field.split("\\.");
            for (int i = 0; i < path.length - 1; i++) {
                parent = parent.getProperties().get(path[i]);
            }
            if (parent.getProperties().remove(path[path.length - 1]) == null) {
                throw new IllegalArgumentException("the CRD has no field " + field);
            }
        }
        Crds.install(client, crd);
    }

    public static MixedOperation<TrainingRun, ?, Resource<TrainingRun>> runs(KubernetesClient client) {
        return client.resources(TrainingRun.class);
    }

    /** Creates claims {@value #DATA_CLAIM} and {@value #CHECKPOINT_CLAIM} in the namespace, bound at once. */
    public static void createBoundClaims(KubernetesClient client, String namespace) {
        for (String claim : List.of(DATA_CLAIM, CHECKPOINT_CLAIM)) {
            client.persistentVolumes().resource(new PersistentVolumeBuilder()
                    .withNewMetadata().withName(volumeName(namespace, claim)).endMetadata()
                    .withNewSpec()
                        .withCapacity(Map.of("storage", new Quantity("1Gi")))
                        .withAccessModes("ReadWriteMany")
                        .withPersistentVolumeReclaimPolicy("Retain")
                        .withStorageClassName("")
                        // Only fake nodes use these volumes, and kwok mounts nothing: the server is never contacted.
                        .withNewNfs().withServer("nfs.invalid").withPath("/" + claim).endNfs()
                        .withNewClaimRef().withNamespace(namespace).withName(claim).endClaimRef()
                    .endSpec().build()).create();
            client.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(claim).endMetadata()
                    .withNewSpec()
                        .withAccessModes("ReadWriteMany")
                        .withStorageClassName("")
                        .withVolumeName(volumeName(namespace, claim))
                        .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
                    .endSpec().build()).create();
        }
    }

    /**
     * Deletes the namespace's runs and waits until their pods are gone. Deleting the namespace alone can hang:
     * pods go first, and a Job keeps its tracking finalizer on a fake node's pod that kwok removes but never ends.
     * Without its run, the Job is collected and releases its pods.
     */
    public static void deleteRuns(KubernetesClient client, String namespace) {
        client.resources(TrainingRun.class).inNamespace(namespace).delete();
        Await.until("the runs' pods in " + namespace + " to be gone", Duration.ofMinutes(5),
                () -> client.pods().inNamespace(namespace).withLabel(RUN_LABEL).list().getItems().isEmpty());
    }

    /**
     * A ResourceQuota that lets no Job more into the namespace, so that the API server refuses a run's Job (the one
     * object the operator makes per run); {@link #allowJobs} removes it. Waits until the quota's usage is counted:
     * until then the API server admits what the quota would refuse.
     */
    public static void refuseJobs(KubernetesClient client) {
        client.resourceQuotas().resource(new ResourceQuotaBuilder().withNewMetadata().withName(NO_JOBS)
                .endMetadata().withNewSpec().addToHard("count/jobs.batch", new Quantity("0")).endSpec().build())
                .create();
        Await.until("the quota " + NO_JOBS + " to be counted", Duration.ofSeconds(30),
                () -> client.resourceQuotas().withName(NO_JOBS).get(),
                quota -> quota.getStatus() != null && quota.getStatus().getUsed() != null
                        && quota.getStatus().getUsed().containsKey("count/jobs.batch"));
    }

    public static void allowJobs(KubernetesClient client) {
        client.resourceQuotas().withName(NO_JOBS).delete();
    }

    public static void deleteBoundClaimVolumes(KubernetesClient client, String namespace) {
        for (String claim : List.of(DATA_CLAIM, CHECKPOINT_CLAIM)) {
            client.persistentVolumes().withName(volumeName(namespace, claim)).delete();
        }
    }

    private static String volumeName(String namespace, String claim) {
        return namespace + "-" + claim;
    }

    /** A run for the fake GPU nodes: the bound claims, {@code gpus} GPUs, and nothing else set. */
    public static TrainingRun fakeNodeRun(String name, int gpus) {
        return run(name, """
                {data: {volume: {persistentVolumeClaim: {claimName: %s}}},
                 checkpoints: {claimName: %s},
                 resources: {gpus: %d, nodeSelector: {%s: "true"}}}""".formatted(
                DATA_CLAIM, CHECKPOINT_CLAIM, gpus, FAKE_NODE_LABEL));
    }

    public static TrainingRun run(String name, String spec) {
        return TrainingRunYaml.read("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: %s}
                spec: %s
                """.formatted(name, spec), name);
    }

    /** The cluster's one real node: the node kwok does not fake. */
    public static String realNode(KubernetesClient client) {
        return client.nodes().list().getItems().stream()
                .filter(node -> node.getMetadata().getAnnotations() == null
                        || !node.getMetadata().getAnnotations().containsKey(FAKE_NODE_ANNOTATION))
                .map(node -> node.getMetadata().getName())
                .findFirst()
                .orElseThrow();
    }

    /**
     * Changes fields of the run's {@code spec.runPolicy} by a JSON merge patch, as {@code kubectl patch} does: no
     * resourceVersion, so a status write of the operator in between does not make it fail with a conflict.
     */
    public static TrainingRun patchRunPolicy(KubernetesClient client, String name, Map<String, Object> fields) {
        return runs(client).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                client.getKubernetesSerialization().asJson(Map.of("spec", Map.of("runPolicy", fields))));
    }

    public static TrainingRun get(KubernetesClient client, String name) {
        return runs(client).withName(name).get();
    }

    public static Optional<Condition> condition(TrainingRun run, String type) {
        if (run == null || run.getStatus() == null || run.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return run.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean hasCondition(TrainingRun run, String type, String status, String reason) {
        return condition(run, type)
                .filter(c -> status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason())))
                .isPresent();
    }

    /** Waits until the run has the condition, as {@code kubectl wait --for=condition=TYPE} would. */
    public static TrainingRun awaitCondition(KubernetesClient client, String name, String type, String reason,
            Duration timeout) {
        return Await.until("TrainingRun " + name + " to have " + type + "=True" + (reason != null ? " (" + reason
                + ")" : ""), timeout, () -> get(client, name), run -> hasCondition(run, type, "True", reason));
    }

    /** The reasons of the Events about the run (as {@code kubectl events --for tr/NAME} lists them). */
    public static Set<String> eventReasons(KubernetesClient client, String run) {
        return client.events().v1().events().list().getItems().stream()
                .filter(event -> event.getRegarding() != null && run.equals(event.getRegarding().getName()))
                .map(Event::getReason)
                .collect(Collectors.toSet());
    }

    public static void awaitEvent(KubernetesClient client, String run, String reason, Duration timeout) {
        Await.until("an Event " + reason + " about " + run, timeout, () -> eventReasons(client, run).contains(reason));
    }

    public static List<Pod> pods(KubernetesClient client, String run) {
        return client.pods().withLabel(RUN_LABEL, run).list().getItems();
    }

    public static List<Job> jobs(KubernetesClient client) {
        return client.batch().v1().jobs().list().getItems();
    }

    /** Waits for the run's running pod on a fake node and ends it with {@code exitCode}. */
    public static Pod endRunningPod(KubernetesClient client, String run, int exitCode) {
        Pod pod = Await.until("a running pod of " + run, Duration.ofSeconds(60),
                () -> pods(client, run).stream().filter(p -> "Running".equals(p.getStatus().getPhase())
                        && p.getMetadata().getDeletionTimestamp() == null).findFirst(), Optional::isPresent).get();
        client.pods().resource(pod).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"" + EXIT_ANNOTATION + "\":\"" + exitCode + "\"}}}");
        return pod;
    }
}
