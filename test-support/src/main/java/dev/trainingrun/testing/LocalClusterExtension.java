package dev.trainingrun.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class the local cluster ({@link LocalCluster}), a fresh namespace of its own that
 * the API server holds to the restricted Pod Security profile (or the level the class's
 * {@link OnLocalCluster#podSecurity()} names), and a client whose default namespace it is. The namespace is
 * deleted after the class. Where the cluster cannot run (not root, no network namespaces) the class is skipped
 * with the reason, except under {@code CI=true}, where that fails.
 */
public final class LocalClusterExtension
        implements ExecutionCondition, BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(LocalClusterExtension.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UNAVAILABLE = "the local Kubernetes cluster cannot run here: ";

    /** The per-class state: the namespace is deleted and the client closed after the class. */
    private record ClassScope(KubernetesClient client, Cluster cluster, long clusterRun) implements AutoCloseable {
        @Override
        public void close() {
            try {
                // A test that took the cluster down (see LocalCluster.stopIfStartedHere) took the namespace with it.
                if (cluster.localCluster().run() == clusterRun) {
                    client.namespaces().withName(cluster.namespace()).delete();
                }
            } finally {
                client.close();
            }
        }
    }

    /** Registered once in the root store: takes the cluster down at the end of the run if this JVM started it. */
    private record RunScope(LocalCluster cluster) implements AutoCloseable {
        @Override
        public void close() {
            cluster.stopIfStartedHere();
        }
    }

    /** Skips (with the reason) where the cluster cannot run; under CI=true it runs, and beforeAll fails. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (isCi()) {
            return ConditionEvaluationResult.enabled("CI=true: the cluster tier must run");
        }
        return LocalCluster.whyUnavailable()
                .map(reason -> {
                    System.out.println("[local-cluster] skipping " + context.getDisplayName() + ": " + reason);
                    return ConditionEvaluationResult.disabled(UNAVAILABLE + reason + " (under CI=true this fails)");
                })
                .orElseGet(() -> ConditionEvaluationResult.enabled("a cluster is available"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalCluster cluster = obtainOrSkip();
        context.getRoot().getStore(STORE).computeIfAbsent(RunScope.class, k -> new RunScope(cluster), RunScope.class);

        String namespace = namespaceFor(context.getRequiredTestClass());
        Config config = Config.fromKubeconfig(cluster.kubeconfig().toFile());
        config.setNamespace(namespace);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        Map<String, String> labels = new TreeMap<>(Map.of("trainingrun.dev/test-class",
                context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "")));
        OnLocalCluster settings = context.getRequiredTestClass().getAnnotation(OnLocalCluster.class);
        String podSecurity = settings != null ? settings.podSecurity() : OnLocalCluster.RESTRICTED;
        if (!podSecurity.isEmpty()) {
            labels.putAll(Map.of(
                    "pod-security.kubernetes.io/enforce", podSecurity,
                    "pod-security.kubernetes.io/enforce-version", "latest",
                    "pod-security.kubernetes.io/warn", podSecurity,
                    "pod-security.kubernetes.io/audit", podSecurity));
        }
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .withLabels(labels).endMetadata().build()).create();
        context.getStore(STORE).put(ClassScope.class, new ClassScope(client, new Cluster(cluster, namespace), cluster.run()));
        // Pods are refused until the token controller has made the namespace's default ServiceAccount.
        client.serviceAccounts().inNamespace(namespace).withName("default")
                .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ClassScope scope = context.getStore(STORE).remove(ClassScope.class, ClassScope.class);
        if (scope != null) {
            scope.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KubernetesClient.class || type == Cluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ClassScope scope = context.getStore(STORE).get(ClassScope.class, ClassScope.class);
        if (scope == null) {
            throw new IllegalStateException("no cluster for this context: a test instance created before the "
                    + "class's BeforeAll (e.g. @TestInstance(PER_CLASS) constructor injection) cannot get one");
        }
        return parameter.getParameter().getType() == Cluster.class ? scope.cluster() : scope.client();
    }

    private static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static LocalCluster obtainOrSkip() {
        try {
            return LocalCluster.obtain();
        } catch (LocalCluster.UnavailableException e) {
            String message = UNAVAILABLE + e.getMessage();
            if (isCi()) {
                throw new IllegalStateException(message + " (CI=true: the cluster tier must run in CI)", e);
            }
            Assumptions.abort(message + " (skipped; under CI=true this fails)");
            throw e; // not reached
        }
    }

    /** e.g. {@code t-podonlocalclustertest-x7k2q}: readable, unique, at most 63 characters. */
    static String namespaceFor(Class<?> testClass) {
        String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        if (base.length() > 48) {
            base = base.substring(0, 48);
        }
        StringBuilder suffix = new StringBuilder();
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < 5; i++) {
            suffix.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return ("t-" + base + "-" + suffix).replaceAll("-+", "-");
    }
}
