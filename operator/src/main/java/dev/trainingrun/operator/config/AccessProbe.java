package dev.trainingrun.operator.config;

import dev.trainingrun.api.TrainingRun;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Once {@link ApiServerProbe} has found the API server, and before the SDK starts its informers, asks the API server
 * whether the operator can start: whether it serves every kind an informer of the SDK watches (the TrainingRun CRD
 * may not be installed), whether the operator may list and watch each kind in every namespace an informer will, and,
 * with leader election on, whether it may get, create, update and patch its Lease. The rights are asked with one
 * SelfSubjectAccessReview each, so the cluster's own authorizer answers and no copy of the RBAC rules lives here; the
 * kinds and namespaces are read from the informers the SDK has registered. Anything missing ends start-up with one
 * line on standard error and exit code 1, naming the operator's user and every missing right with its namespace.
 * Without the probe, each refused informer, the SDK and Quarkus log the same 403 or 404 with stack traces. Writes
 * (creating a Job, patching a status) are not asked: a refused write is reported on its run (CreateRefused).
 */
@Singleton
public class AccessProbe {
    private static final Logger LOG = Logger.getLogger(AccessProbe.class);
    /** What an informer does: list everything once, then watch from there. */
    static final List<String> INFORMER_VERBS = List.of("list", "watch");
    /** What the SDK checks at start (get, create, update) and what fabric8's elector renews the Lease with (patch). */
    static final List<String> LEASE_VERBS = List.of("get", "create", "update", "patch");

    private final Instance<Operator> operator;
    private final Instance<KubernetesClient> client;

    public AccessProbe(Instance<Operator> operator, Instance<KubernetesClient> client) {
        this.operator = operator;
        this.client = client;
    }

    /** Right after {@link ApiServerProbe}, which must have found an API server first. */
    void probe(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent started) {
        KubernetesClient kubernetes = client.get();
        Operator sdk = operator.get();
        List<Watch> watches = watches(sdk);
        for (Watch watch : watches) {
            if (!served(kubernetes, watch.kind())) {
                throw new ConfigurationException(unserved(kubernetes.getConfiguration().getMasterUrl(), watch.kind()));
            }
        }
        List<Right> needed = new ArrayList<>();
        for (Watch watch : watches) {
            for (String namespace : watch.namespaces()) {
                INFORMER_VERBS.forEach(verb -> needed.add(new Right(verb, watch.kind(), namespace, null)));
            }
        }
        sdk.getConfigurationService().getLeaderElectionConfiguration()
                .ifPresent(election -> needed.addAll(leaseRights(election, kubernetes)));
        List<Right> missing = needed.stream().filter(right -> !allowed(kubernetes, right)).toList();
        if (!missing.isEmpty()) {
            throw new ConfigurationException(missingRights(user(kubernetes), missing) + " "
                    + ApiServerProbe.origin(kubernetes.getConfiguration()));
        }
    }

    /** A kind an informer watches, and where: a namespace each, or the empty string for every namespace. */
    record Watch(Class<? extends HasMetadata> kind, Set<String> namespaces) {}

    /**
     * A right to ask for: {@code verb} on {@code kind} in {@code namespace} (the empty string: in every namespace), on
     * the object called {@code name} only, or on any when null.
     */
    record Right(String verb, Class<? extends HasMetadata> kind, String namespace, String name) {
        /** The resource as RBAC rules and kubectl name it: plural, then the API group unless it is the core one. */
        String resource() {
            return HasMetadata.getFullResourceName(kind);
        }
    }

    /**
     * The informers of every registered controller, each kind once with all its namespaces: the controllers' own kinds
     * first, then the others by resource name.
     */
    static List<Watch> watches(Operator sdk) {
        Map<Class<? extends HasMetadata>, Set<String>> namespaces = new LinkedHashMap<>();
        Set<Class<? extends HasMetadata>> primary = new HashSet<>();
        for (RegisteredController<?> controller : sdk.getRegisteredControllers()) {
            ControllerConfiguration<?> configuration = controller.getConfiguration();
            primary.add(configuration.getResourceClass());
            for (Object source : controller.getControllerHealthInfo().eventSourceHealthIndicators().values()) {
                if (source instanceof ManagedInformerEventSource<?, ?, ?> informer) {
                    InformerConfiguration<?> watched = informer.configuration().getInformerConfig();
                    Set<String> where = watched.getEffectiveNamespaces(configuration);
                    namespaces.computeIfAbsent(watched.getResourceClass(), kind -> new LinkedHashSet<>())
                            .addAll(InformerConfiguration.allNamespacesWatched(where) ? Set.of("") : where);
                }
            }
        }
        return namespaces.entrySet().stream()
                .map(entry -> new Watch(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparing((Watch watch) -> !primary.contains(watch.kind()))
                        .thenComparing(watch -> HasMetadata.getFullResourceName(watch.kind())))
                .toList();
    }

    /** The Lease's rights, in the namespace the SDK will use: the configured one, else the client's. */
    private static List<Right> leaseRights(LeaderElectionConfiguration election, KubernetesClient kubernetes) {
        String namespace = election.getLeaseNamespace().orElseGet(kubernetes::getNamespace);
        if (namespace == null) {
            throw new ConfigurationException("Leader election is on, but no namespace was given for its Lease and the "
                    + "kubeconfig names none: set trainingrun.operator.leader-election.lease-namespace.");
        }
        // Create is asked without the name: RBAC cannot limit a create to one name, and would say yes to a rule
        // that names the Lease although the API server then refuses the create.
        return LEASE_VERBS.stream().map(verb -> new Right(verb, Lease.class, namespace,
                verb.equals("create") ? null : election.getLeaseName())).toList();
    }

    /**
     * Whether the API server's discovery lists {@code kind} in its group and version; yes when discovery cannot be read,
     * for the informers to report.
     */
    private static boolean served(KubernetesClient kubernetes, Class<? extends HasMetadata> kind) {
        try {
            return kubernetes.supports(kind);
        } catch (KubernetesClientException e) {
            LOG.warnf("Cannot ask the API server whether it serves %s: %s. Going on.",
                    HasMetadata.getFullResourceName(kind), ApiServerProbe.cause(e));
            return true;
        }
    }

    /**
     * Whether the API server lets the operator have {@code right}. When it cannot be asked (a server without the
     * authorization API, or an identity that may not even ask), the answer is yes: the informers will then say.
     */
    private static boolean allowed(KubernetesClient kubernetes, Right right) {
        SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                .withVerb(right.verb())
                .withGroup(HasMetadata.getGroup(right.kind()))
                .withResource(HasMetadata.getPlural(right.kind()))
                .withNamespace(right.namespace())
                .withName(right.name())
                .endResourceAttributes().endSpec().build();
        try {
            return Boolean.TRUE.equals(kubernetes.authorization().v1().selfSubjectAccessReview().create(review)
                    .getStatus().getAllowed());
        } catch (KubernetesClientException e) {
            LOG.warnf("Cannot ask the API server whether the operator may %s %s: %s. Going on.", right.verb(),
                    right.resource(), ApiServerProbe.cause(e));
            return true;
        }
    }

    /** The operator's user name as the API server knows it, or empty when it will not say. */
    private static Optional<String> user(KubernetesClient kubernetes) {
        try {
            return Optional.ofNullable(kubernetes.authentication().v1().selfSubjectReviews()
                    .create(new SelfSubjectReview()).getStatus())
                    .map(SelfSubjectReviewStatus::getUserInfo)
                    .map(UserInfo::getUsername);
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }

    static String unserved(String server, Class<? extends HasMetadata> kind) {
        String said = "The Kubernetes API server at " + server + " serves no " + HasMetadata.getPlural(kind) + " in "
                + HasMetadata.getApiVersion(kind) + ", which the operator watches";
        return said + (kind == TrainingRun.class
                ? ": the TrainingRun CRD is not installed. Install it first: kubectl apply --server-side -f "
                        + TrainingRun.CRD_RESOURCE + " (in crds/ and in the Helm chart's crds/), or install the chart."
                : ".");
    }

    /**
     * One sentence for the rights the operator lacks, grouped by where they are missing, then by the verbs missing on
     * each resource: "The operator (user u) may not list or watch trainingruns.trainingrun.dev, jobs.batch in any
     * namespace; watch pods in namespace a. ...".
     */
    static String missingRights(Optional<String> user, List<Right> missing) {
        Map<String, Map<String, Set<String>>> verbsByResource = new LinkedHashMap<>();
        for (Right right : missing) {
            String where = (right.name() == null ? "" : " named " + right.name())
                    + (right.namespace().isEmpty() ? " in any namespace" : " in namespace " + right.namespace());
            verbsByResource.computeIfAbsent(where, w -> new LinkedHashMap<>())
                    .computeIfAbsent(right.resource(), r -> new LinkedHashSet<>()).add(right.verb());
        }
        List<String> clauses = new ArrayList<>();
        verbsByResource.forEach((where, resources) -> {
            Map<String, List<String>> resourcesByVerbs = new LinkedHashMap<>();
            resources.forEach((resource, verbs) -> resourcesByVerbs
                    .computeIfAbsent(either(List.copyOf(verbs)), v -> new ArrayList<>()).add(resource));
            resourcesByVerbs.forEach((verbs, named) -> clauses.add(verbs + " " + String.join(", ", named) + where));
        });
        return "The operator" + user.map(name -> " (user " + name + ")").orElse("") + " may not "
                + String.join("; ", clauses) + ", which it must to start. Grant it the rules of docs/operator.md, "
                + "\"RBAC the operator needs\" (the Helm chart does).";
    }

    /** "list", "list or watch", "get, create or update". */
    private static String either(List<String> verbs) {
        int last = verbs.size() - 1;
        return last == 0 ? verbs.get(0) : String.join(", ", verbs.subList(0, last)) + " or " + verbs.get(last);
    }
}
