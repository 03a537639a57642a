package dev.trainingrun.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.config.AccessProbe.Right;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessProbeTest {
    private static final String GRANT = ", which it must to start. Grant it the rules of docs/operator.md, \"RBAC the "
            + "operator needs\" (the Helm chart does).";

    @Test
    void aResourceIsNamedAsRbacRulesNameIt() {
        assertEquals("trainingruns.trainingrun.dev", new Right("list", TrainingRun.class, "", null).resource());
        assertEquals("jobs.batch", new Right("list", Job.class, "", null).resource());
        assertEquals("pods", new Right("list", Pod.class, "", null).resource());
        assertEquals("leases.coordination.k8s.io", new Right("get", Lease.class, "a", "x").resource());
    }

    @Test
    void rightsMissingEverywhereAreGroupedByVerbs() {
        List<Right> missing = List.of(
                new Right("list", TrainingRun.class, "", null), new Right("watch", TrainingRun.class, "", null),
                new Right("list", Job.class, "", null), new Right("watch", Job.class, "", null),
                new Right("watch", Pod.class, "", null));

        assertEquals("The operator (user system:serviceaccount:ops:op) may not list or watch "
                + "trainingruns.trainingrun.dev, jobs.batch in any namespace; watch pods in any namespace" + GRANT,
                AccessProbe.missingRights(Optional.of("system:serviceaccount:ops:op"), missing));
    }

    @Test
    void eachNamespaceAndTheLeaseAreNamedApart() {
        List<Right> missing = List.of(
                new Right("list", Pod.class, "b", null), new Right("watch", Pod.class, "b", null),
                new Right("get", Lease.class, "ops", "trainingrun-operator"),
                new Right("create", Lease.class, "ops", null),
                new Right("update", Lease.class, "ops", "trainingrun-operator"),
                new Right("list", Pod.class, "c", null));

        assertEquals("The operator may not list or watch pods in namespace b; get or update leases.coordination.k8s.io "
                + "named trainingrun-operator in namespace ops; create leases.coordination.k8s.io in namespace ops; "
                + "list pods in namespace c" + GRANT, AccessProbe.missingRights(Optional.empty(), missing));
    }

    @Test
    void anUnservedTrainingRunSaysToInstallTheCrd() {
        assertEquals("The Kubernetes API server at https://k:6443/ serves no trainingruns in trainingrun.dev/v1alpha1, "
                + "which the operator watches: the TrainingRun CRD is not installed. Install it first: kubectl apply "
                + "--server-side -f trainingruns.trainingrun.dev.yaml (in crds/ and in the Helm chart's crds/), or "
                + "install the chart.", AccessProbe.unserved("https://k:6443/", TrainingRun.class));
        assertEquals("The Kubernetes API server at https://k:6443/ serves no jobs in batch/v1, which the operator "
                + "watches.", AccessProbe.unserved("https://k:6443/", Job.class));
    }
}
