package dev.trainingrun.operator.it;

import static dev.trainingrun.operator.it.FailingStart.fromContext;
import static dev.trainingrun.operator.it.FailingStart.kubeconfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.HelmTemplate;
import dev.trainingrun.testing.LocalCluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator started as an identity that lacks what its informers need, or on a cluster without the
 * TrainingRun CRD: it exits with code 1 and says in one line, without a stack trace, which rights are missing where
 * (or that the CRD is not installed). The identity that has the Helm chart's rules starts: the rights are those the
 * chart renders, applied to a ServiceAccount of the test's namespace, so the probe is checked against the chart.
 */
@OnLocalCluster
class AccessProbeIT {
    private static final String RELEASE = "access-probe";
    private static final Duration DELETE_TIMEOUT = Duration.ofMinutes(2);
    /** What the operator's informers watch, as the probe lists them: the TrainingRuns first, then by name. */
    private static final String INFORMED = "trainingruns.trainingrun.dev, events, jobs.batch, persistentvolumeclaims, "
            + "pods, rolebindings.rbac.authorization.k8s.io, roles.rbac.authorization.k8s.io, serviceaccounts";
    private static final String GRANT = ", which it must to start. Grant it the rules of docs/operator.md, \"RBAC "
            + "the operator needs\" (the Helm chart does). ";

    private static KubernetesClient admin;
    private static String watched;
    private static String unwatched;
    /** What the chart makes for the release: its RBAC and its ServiceAccount. */
    private static List<HasMetadata> chartAccess;
    private static String serviceAccount;

    @TempDir
    Path folder;

    @BeforeAll
    static void grantTheChartsRulesInOneNamespace(KubernetesClient client, Cluster cluster) {
        admin = client;
        watched = cluster.namespace();
        unwatched = watched + "-other";
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(unwatched).endMetadata()
                .build()).create();
        Fixtures.installCrd(admin);
        chartAccess = HelmTemplate.render(LocalCluster.builtTool("helm"), Fixtures.CHART, RELEASE, watched,
                        "watchNamespaces: [" + watched + "]").stream()
                .filter(object -> object instanceof ServiceAccount || object instanceof Role
                        || object instanceof RoleBinding || object instanceof ClusterRole
                        || object instanceof ClusterRoleBinding)
                .toList();
        chartAccess.forEach(object -> admin.resource(object).serverSideApply());
        serviceAccount = chartAccess.stream().filter(ServiceAccount.class::isInstance).findFirst().orElseThrow()
                .getMetadata().getName();
    }

    @AfterAll
    static void removeTheChartsAccess() {
        if (chartAccess != null) {
            chartAccess.forEach(object -> admin.resource(object).delete());
        }
        admin.namespaces().withName(unwatched).delete();
    }

    @Test
    void theChartsRulesForTheWatchedNamespaceAreEnoughToStart() throws IOException {
        Path kubeconfig = kubeconfig(folder, admin.getConfiguration(), token(serviceAccount));

        try (OperatorProcess operator = OperatorProcess.start(AccessProbeIT.class.getSimpleName() + "-granted",
                kubeconfig, Map.of("TRAININGRUN_OPERATOR_NAMESPACES", watched,
                        "TRAININGRUN_OPERATOR_LEADER_ELECTION_ENABLED", "true",
                        "TRAININGRUN_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", watched))) {
            assertTrue(operator.isAlive());
        }
    }

    @Test
    void aWatchedNamespaceTheRulesDoNotCoverIsNamedWithEveryRightMissingThere() throws IOException {
        Path kubeconfig = kubeconfig(folder, admin.getConfiguration(), token(serviceAccount));

        List<String> problems = FailingStart.problems(AccessProbeIT.class.getSimpleName() + "-uncovered", kubeconfig,
                Map.of("TRAININGRUN_OPERATOR_NAMESPACES", watched + "," + unwatched,
                        "TRAININGRUN_OPERATOR_LEADER_ELECTION_ENABLED", "true",
                        "TRAININGRUN_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", unwatched));

        assertEquals(List.of("The operator (user system:serviceaccount:" + watched + ":" + serviceAccount + ") may "
                + "not list or watch " + INFORMED + " in namespace " + unwatched + "; create "
                + "leases.coordination.k8s.io in namespace " + unwatched + "; get, update or patch "
                + "leases.coordination.k8s.io named trainingrun-operator in namespace " + unwatched + GRANT
                + fromContext(kubeconfig)), problems);
    }

    @Test
    void anIdentityWithoutRightsIsNamedWithWhatItMayNotWatchInAnyNamespace() throws IOException {
        String nobody = "access-probe-nobody";
        admin.serviceAccounts().inNamespace(watched).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(nobody).endMetadata().build()).create();
        Path kubeconfig = kubeconfig(folder, admin.getConfiguration(), token(nobody));

        List<String> problems = FailingStart.problems(AccessProbeIT.class.getSimpleName() + "-nobody", kubeconfig,
                Map.of());

        assertEquals(List.of("The operator (user system:serviceaccount:" + watched + ":" + nobody + ") may not list "
                + "or watch " + INFORMED + " in any namespace" + GRANT + fromContext(kubeconfig)), problems);
    }

    /** The CRD goes back at the end, as every test class installs it before it uses it. */
    @Test
    void withoutTheCrdTheOperatorSaysToInstallIt() throws IOException {
        Path kubeconfig = kubeconfig(folder, admin.getConfiguration(), token(serviceAccount));
        admin.apiextensions().v1().customResourceDefinitions().withName(TrainingRun.CRD_NAME).delete();
        try {
            Await.until("CRD " + TrainingRun.CRD_NAME + " to be gone", DELETE_TIMEOUT,
                    () -> !admin.supports(TrainingRun.class));

            List<String> problems = FailingStart.problems(AccessProbeIT.class.getSimpleName() + "-no-crd", kubeconfig,
                    Map.of("TRAININGRUN_OPERATOR_NAMESPACES", watched));

            assertEquals(List.of("The Kubernetes API server at " + admin.getConfiguration().getMasterUrl() + " serves "
                    + "no trainingruns in " + TrainingRun.GROUP + "/" + TrainingRun.VERSION + ", which the operator "
                    + "watches: the TrainingRun CRD is not installed. Install it first: kubectl apply --server-side "
                    + "-f " + TrainingRun.CRD_RESOURCE + " (in crds/ and in the Helm chart's crds/), or install the "
                    + "chart."), problems);
        } finally {
            Fixtures.installCrd(admin);
        }
    }

    /** A fresh token of the ServiceAccount {@code name} of the watched namespace, bound to no pod. */
    private static String token(String name) {
        return admin.serviceAccounts().inNamespace(watched).withName(name)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
                .getStatus().getToken();
    }
}
