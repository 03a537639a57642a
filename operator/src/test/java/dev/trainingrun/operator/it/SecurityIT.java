package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.Fixtures.awaitCondition;
import static dev.trainingrun.operator.it.Fixtures.condition;
import static dev.trainingrun.operator.it.Fixtures.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainerPod;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import dev.trainingrun.operator.it.OverreachingRuns.Overreach;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.Command;
import dev.trainingrun.testing.HelmTemplate;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator is no confused deputy (docs/security.md), on the real cluster, in a namespace that enforces no Pod
 * Security level, as most namespaces: someone who may only create and read TrainingRuns there asks, through the
 * operator, for a node's directory, a system-critical priority, another scheduler and an image outside the
 * allow-list. The operator, configured exactly as the Helm chart configures it, makes nothing for those runs and says
 * why; restarted under values that allow them, it makes their Jobs. The pod it makes keeps the restricted profile
 * by the API server's own Pod Security check, and the trainer may patch its own run's status and nothing else.
 * (The same runs refused at admission, by the chart's ValidatingAdmissionPolicy: the helm module's
 * AdmissionPolicyIT.)
 */
@OnLocalCluster(podSecurity = OnLocalCluster.NONE)
@TestMethodOrder(OrderAnnotation.class)
class SecurityIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Someone who may create and read TrainingRuns in the namespace and nothing else: no pods, no Jobs. */
    private static final String USER = "data-scientist";
    /** A run that asks for nothing beyond the policy. */
    private static final String ALLOWED = "allowed";

    private static KubernetesClient client;
    private static KubernetesClient user;
    private static Cluster cluster;
    private static String namespace;
    private static OperatorProcess operator;

    @BeforeAll
    static void setUp(KubernetesClient kubernetes, Cluster localCluster) {
        client = kubernetes;
        cluster = localCluster;
        namespace = cluster.namespace();
        Fixtures.installClusterWide(client);
        Fixtures.createBoundClaims(client, namespace);
        user = Fixtures.runCreator(client, cluster.kubeconfig(), namespace, USER);
        operator = OperatorProcess.start("SecurityIT-safe", cluster.kubeconfig(),
                chartEnvironment(OverreachingRuns.SAFE_VALUES));
    }

    @AfterAll
    static void tearDown() {
        if (operator != null) {
            operator.close();
        }
        if (user != null) {
            user.close();
        }
        Fixtures.deleteRuns(client, namespace);
        Fixtures.deleteBoundClaimVolumes(client, namespace);
    }

    @Test
    @Order(1)
    void runsThatAskForMoreThanTheirCreatorMayGetNothingAndSayWhy() {
        assertEquals(403, status(() -> user.pods().resource(unrestrictedPod("direct")).create()),
                "the user may not create pods themselves");
        runs(user).resource(OverreachingRuns.withinPolicy(ALLOWED)).create();
        OverreachingRuns.ALL.forEach(overreach -> runs(user).resource(overreach.run()).create());

        awaitCondition(client, ALLOWED, "Ready", "JobCreated", TIMEOUT);
        for (Overreach overreach : OverreachingRuns.ALL) {
            TrainingRun refused = awaitCondition(client, overreach.name(), "Stuck", overreach.reason(), TIMEOUT);
            assertEquals(Phase.Pending, refused.getStatus().getPhase());
            String message = condition(refused, "Stuck").orElseThrow().getMessage();
            assertTrue(message.startsWith(overreach.field() + ": ")
                    && message.contains("is not allowed by the TrainingRun security policy (policy."
                            + overreach.setting() + ": "), message);
            assertEquals(overreach.reason(), condition(refused, "Ready").orElseThrow().getReason());
            Fixtures.awaitEvent(client, overreach.name(), overreach.reason(), TIMEOUT);
            // The condition is written in the reconcile that refused to make anything, and every later one refuses too.
            assertNull(client.batch().v1().jobs().withName(RunResources.jobName(refused)).get());
        }
    }

    @Test
    @Order(2)
    void theTrainingPodMeetsTheRestrictedProfileWhereTheNamespaceAsksForNone() {
        Pod trainer = Await.until("the training pod of " + ALLOWED, TIMEOUT,
                () -> Fixtures.pods(client, ALLOWED).stream().findFirst(), Optional::isPresent).get();
        // A pod the restricted profile refuses, so that the check below is seen to find what it looks for.
        client.pods().resource(unrestrictedPod("not-restricted")).create();
        try {
            // What `kubectl label` reports is the API server's own Pod Security admission judging the namespace's
            // pods against the level; --dry-run=server leaves the namespace as it is.
            String report = Command.run(Duration.ofMinutes(1), null, Map.of("KUBECONFIG",
                    cluster.kubeconfig().toString()), List.of(cluster.tool("kubectl").toString(), "label",
                    "--dry-run=server", "--overwrite", "namespace", namespace,
                    "pod-security.kubernetes.io/enforce=restricted")).orThrow().output();
            assertTrue(report.contains("violate the new PodSecurity enforce level \"restricted:latest\""), report);
            assertTrue(report.contains("not-restricted:"), report);
            assertFalse(report.contains(trainer.getMetadata().getName()), report);
            assertFalse(client.namespaces().withName(namespace).get().getMetadata().getLabels()
                    .containsKey("pod-security.kubernetes.io/enforce"), "a dry run");
        } finally {
            client.pods().withName("not-restricted").withGracePeriod(0).delete();
        }
    }

    /**
     * Every verb on every resource the API server serves, asked of the authorizer for the namespace's trainer
     * ServiceAccount and for a ServiceAccount without any binding (what any authenticated identity may do, e.g.
     * review its own access): the difference must be the one action of the trainer, patching a run's status, by
     * name or not. Then the same as the ServiceAccount sees it (its token's rules review, which also lists verbs
     * discovery does not, such as bind or escalate). Then real requests with a token bound to the allowed run's pod,
     * as the kubelet gives one to the trainer: its own run's status goes through, while another run's status, even
     * that of a run named exactly like the pod, is refused by the chart's admission policy (RBAC alone cannot tell
     * one pod of the ServiceAccount from another); so is its own run's status with a token bound to no pod.
     */
    @Test
    @Order(3)
    void theTrainerMayPatchItsOwnRunsStatusAndNothingElse() throws Exception {
        String trainer = TrainerPod.SERVICE_ACCOUNT;
        String other = OverreachingRuns.ALL.get(0).name();
        Set<String> trainersRights = Set.of("patch trainingrun.dev/trainingruns/status",
                "patch trainingrun.dev/trainingruns/status " + ALLOWED);

        Set<String> granted = new TreeSet<>(allowedActions(trainer));
        granted.removeAll(allowedActions("default"));
        assertEquals(trainersRights, granted);

        Pod pod = Fixtures.pods(client, ALLOWED).get(0);
        // A run named like the pod: its pods are named "<pod name>-xxxxx", never the pod's own name.
        String namedLikeThePod = pod.getMetadata().getName();
        runs(user).resource(OverreachingRuns.withinPolicy(namedLikeThePod)).create();
        try (KubernetesClient asTrainer = Fixtures.podClient(client, namespace, trainer, pod);
                KubernetesClient unbound = Fixtures.serviceAccountClient(client, namespace, trainer);
                KubernetesClient asNobody = Fixtures.serviceAccountClient(client, namespace, "default")) {
            Set<String> rules = new TreeSet<>(rules(asTrainer));
            rules.removeAll(rules(asNobody));
            assertEquals(Set.of("patch trainingrun.dev/trainingruns/status"), rules);

            // The policy is applied a moment after it is stored: the first refusal is awaited.
            String refusal = Await.until("the trainer policy to refuse another run's status", TIMEOUT,
                    () -> message(() -> patchStatus(asTrainer, other)), message -> !message.isEmpty());
            assertTrue(refusal.contains("of pod " + pod.getMetadata().getName()
                    + " may write the status of its own run only, not of TrainingRun " + other), refusal);
            assertEquals(200, status(() -> patchStatus(asTrainer, ALLOWED)), "its own run's status, as the trainer");
            assertEquals(403, status(() -> patchStatus(asTrainer, namedLikeThePod)), "a run named like its pod");
            String noPod = message(() -> patchStatus(unbound, ALLOWED));
            assertTrue(noPod.contains("with a token bound to no pod"), noPod);
            assertEquals(403, status(() -> runs(asTrainer).withName(ALLOWED).get()), "reading its own run");
            assertEquals(403, status(() -> runs(asTrainer).withName(other).get()), "reading another run");
            assertEquals(403, status(() -> runs(asTrainer).list()), "listing runs");
            assertEquals(403, status(() -> runs(asTrainer).withName(ALLOWED).patch(
                    PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"runPolicy\": {\"suspend\": true}}}")),
                    "its own run's spec");
            assertEquals(403, status(() -> asTrainer.secrets().list()), "secrets");
            assertEquals(403, status(() -> asTrainer.configMaps().list()), "ConfigMaps");
            assertEquals(403, status(() -> asTrainer.pods().list()), "pods");
            assertEquals(403, status(() -> asTrainer.pods().resource(unrestrictedPod("escape")).create()), "a pod");
            assertEquals(403, status(() -> asTrainer.batch().v1().jobs().list()), "Jobs");
            assertEquals(403, status(() -> asTrainer.rbac().roles().withName(trainer).edit(role -> role)),
                    "its own Role");
            assertEquals(403, status(() -> asTrainer.serviceAccounts().withName(trainer).tokenRequest(
                    new TokenRequestBuilder().withNewSpec().endSpec().build())), "a token for itself");
        } finally {
            runs(client).withName(namedLikeThePod).delete();
        }
    }

    @Test
    @Order(4)
    void underValuesThatAllowThemTheSameRunsGetTheirJobs() {
        operator.stop();
        operator = OperatorProcess.start("SecurityIT-permissive", cluster.kubeconfig(),
                chartEnvironment(OverreachingRuns.PERMISSIVE_VALUES));
        for (Overreach overreach : OverreachingRuns.ALL) {
            awaitCondition(client, overreach.name(), "Ready", "JobCreated", TIMEOUT);
            Job job = client.batch().v1().jobs().withName(overreach.name()).get();
            assertEquals(overreach.asked(), overreach.granted().apply(job.getSpec().getTemplate().getSpec()));
        }
    }

    /**
     * The operator's settings as the chart's Deployment gives them for these values: the security policy and the
     * trainer image; and this namespace only.
     */
    private static Map<String, String> chartEnvironment(String values) {
        Deployment deployment = HelmTemplate.render(cluster.tool("helm"), Fixtures.CHART, "tro", "trainingrun-system", values)
                .stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
        Map<String, String> env = new TreeMap<>();
        for (EnvVar variable : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            if (variable.getName().startsWith("TRAININGRUN_OPERATOR_POLICY_")
                    || variable.getName().equals("TRAININGRUN_OPERATOR_TRAINER_IMAGE")) {
                env.put(variable.getName(), variable.getValue());
            }
        }
        env.put("TRAININGRUN_OPERATOR_NAMESPACES", namespace);
        return env;
    }

    /** A pod as anyone would write it: root allowed, privileges not dropped. It is never scheduled. */
    private static Pod unrestrictedPod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                    .withNodeSelector(Map.of("trainingrun.dev/nowhere", "true"))
                    .addNewContainer().withName("shell").withImage(cluster.busyboxImage()).endContainer()
                .endSpec()
                .build();
    }

    /** The API server's message when it refuses the request; empty when it went through. */
    private static String message(Runnable request) {
        try {
            request.run();
            return "";
        } catch (KubernetesClientException e) {
            return e.getMessage();
        }
    }

    /** The HTTP status a request ends with: 200 when it went through. */
    private static int status(Runnable request) {
        try {
            request.run();
            return 200;
        } catch (KubernetesClientException e) {
            return e.getCode();
        }
    }

    /**
     * A status write as the trainer makes it, server-side apply of its own fields under its field manager, but
     * without the read before it, so that the API server judges the patch itself.
     */
    private static void patchStatus(KubernetesClient asTrainer, String run) {
        TrainingRun named = new TrainingRun();
        named.setMetadata(new ObjectMetaBuilder().withName(run).withNamespace(namespace).build());
        runs(asTrainer).resource(named).subresource("status").patch(new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager("trainingrun-trainer").withForce(true)
                .build(), """
                {"apiVersion": "trainingrun.dev/v1alpha1", "kind": "TrainingRun", "metadata": {"name": "%s"},
                 "status": {"progress": {"epoch": 1, "totalEpochs": 5}}}""".formatted(run));
    }

    /** What the client's identity may do in the namespace, one "verb group/resource name" per action. */
    private static Set<String> rules(KubernetesClient identity) {
        SubjectRulesReviewStatus review = identity.authorization().v1().selfSubjectRulesReview().create(
                new SelfSubjectRulesReviewBuilder().withNewSpec().withNamespace(namespace).endSpec().build())
                .getStatus();
        assertFalse(review.getIncomplete(), review.getEvaluationError());
        return review.getResourceRules().stream()
                .flatMap(rule -> rule.getVerbs().stream().flatMap(verb -> rule.getApiGroups().stream()
                        .flatMap(group -> rule.getResources().stream().flatMap(resource ->
                                (rule.getResourceNames().isEmpty() ? Stream.of("") : rule.getResourceNames().stream())
                                        .map(name -> action(verb, group, resource, name))))))
                .collect(Collectors.toSet());
    }

    /**
     * The actions the authorizer allows the namespace's ServiceAccount: each verb on each resource and subresource
     * that discovery lists, asked without a name and with the allowed run's name (which a Role's resourceNames
     * match).
     */
    private static Set<String> allowedActions(String serviceAccount) throws InterruptedException, ExecutionException {
        List<Callable<String>> reviews = new ArrayList<>();
        for (ResourceAttributes attributes : everyAction()) {
            reviews.add(() -> client.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
                    .withNewSpec()
                        .withUser("system:serviceaccount:" + namespace + ":" + serviceAccount)
                        .withGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace,
                                "system:authenticated")
                        .withResourceAttributes(attributes)
                    .endSpec()
                    .build()).getStatus().getAllowed()
                    ? action(attributes.getVerb(), attributes.getGroup(), attributes.getResource()
                            + (attributes.getSubresource().isEmpty() ? "" : "/" + attributes.getSubresource()),
                            attributes.getName())
                    : null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Set<String> allowed = new TreeSet<>();
            for (Future<String> review : pool.invokeAll(reviews)) {
                if (review.get() != null) {
                    allowed.add(review.get());
                }
            }
            return allowed;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<ResourceAttributes> everyAction() {
        List<String> groupVersions = new ArrayList<>(List.of("v1"));
        client.getApiGroups().getGroups().forEach(group -> groupVersions.add(group.getPreferredVersion()
                .getGroupVersion()));
        List<ResourceAttributes> actions = new ArrayList<>();
        for (String groupVersion : groupVersions) {
            String group = groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/')) : "";
            for (APIResource resource : client.getApiResources(groupVersion).getResources()) {
                String[] parts = resource.getName().split("/", 2);
                for (String verb : resource.getVerbs()) {
                    for (String name : List.of("", ALLOWED)) {
                        actions.add(new ResourceAttributesBuilder()
                                .withNamespace(Boolean.TRUE.equals(resource.getNamespaced()) ? namespace : "")
                                .withGroup(group)
                                .withResource(parts[0])
                                .withSubresource(parts.length > 1 ? parts[1] : "")
                                .withVerb(verb)
                                .withName(name)
                                .build());
                    }
                }
            }
        }
        assertTrue(actions.size() > 500, "discovery lists every resource: " + actions.size());
        return actions;
    }

    private static String action(String verb, String group, String resource, String name) {
        return (verb + " " + group + "/" + resource + " " + name).strip();
    }
}
