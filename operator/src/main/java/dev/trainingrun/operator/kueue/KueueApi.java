package dev.trainingrun.operator.kueue;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.RunResources;
import dev.trainingrun.operator.status.RunConditions;
import dev.trainingrun.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's calls to Kueue's API, made for runs with a {@link Kueue#QUEUE_LABEL} only. Kueue is optional, so
 * the operator watches none of its objects: it reads them when it reconciles such a run (see
 * {@code TrainingRunReconciler} for how often).
 */
public final class KueueApi {
    private final KubernetesClient client;

    public KueueApi(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Why the run cannot be queued where it asks, checked before its Job is made: Kueue is not installed (a Job
     * made suspended for a queue would then wait forever), or the LocalQueue's ClusterQueue has a MultiKueue
     * admission check (the Job would run in another cluster, where the run's claims do not exist). A LocalQueue
     * or ClusterQueue that does not exist is not refused here: Kueue itself says so in the Workload's status, and
     * admits the run once the queue is made.
     */
    public Optional<Problem> refusal(TrainingRun run) {
        Optional<String> queue = Kueue.queueName(run);
        if (queue.isEmpty()) {
            return Optional.empty();
        }
        if (!client.supports(Kueue.API_VERSION, "Workload")) {
            return Optional.of(new Problem(RunConditions.KUEUE_NOT_INSTALLED, "The run asks for Kueue LocalQueue \""
                    + queue.get() + "\" (label " + Kueue.QUEUE_LABEL + "), but this cluster serves no Kueue API ("
                    + Kueue.API_VERSION + " Workloads): install Kueue (v0.15 or newer), or remove the label to run "
                    + "without a queue. Nothing is made until then.", false));
        }
        GenericKubernetesResource localQueue = resources("LocalQueue")
                .inNamespace(run.getMetadata().getNamespace()).withName(queue.get()).get();
        Object clusterQueueName = localQueue != null ? localQueue.get("spec", "clusterQueue") : null;
        GenericKubernetesResource clusterQueue = clusterQueueName instanceof String name
                ? resources("ClusterQueue").withName(name).get() : null;
        if (clusterQueue == null) {
            return Optional.empty();
        }
        for (String check : admissionChecks(clusterQueue)) {
            GenericKubernetesResource admissionCheck = resources("AdmissionCheck").withName(check).get();
            if (admissionCheck != null
                    && Kueue.MULTIKUEUE_CONTROLLER.equals(admissionCheck.get("spec", "controllerName"))) {
                return Optional.of(new Problem(RunConditions.MULTIKUEUE_UNSUPPORTED, "LocalQueue \"" + queue.get()
                        + "\" feeds ClusterQueue \"" + clusterQueueName + "\", whose admission check \"" + check
                        + "\" is MultiKueue: the run's Job would run in another cluster, where its claims and "
                        + "checkpoints do not exist. Use a queue without MultiKueue.", false));
            }
        }
        return Optional.empty();
    }

    /**
     * The Workload Kueue made for the Job, if it has made one, with its place in its LocalQueue while it waits; none
     * when Kueue is not (or no longer) installed.
     */
    public Optional<KueueWorkload> workloadOf(Job job) {
        String namespace = job.getMetadata().getNamespace();
        try {
            return resources("Workload").inNamespace(namespace)
                    .withLabel(Kueue.JOB_UID_LABEL, job.getMetadata().getUid())
                    .list().getItems().stream().findFirst().map(KueueWorkload::of)
                    .map(workload -> workload.waiting() ? workload.at(position(workload,
                            job.getMetadata().getLabels().get(Kueue.QUEUE_LABEL)).orElse(null)) : workload);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The Workload's place in its LocalQueue, counted from 1, from Kueue's visibility API
     * ({@code visibility.kueue.x-k8s.io/v1beta2}, {@code localqueues/<name>/pendingworkloads}, which counts from 0).
     * Empty when that API does not answer (it is an aggregated API a cluster may lack) or no longer lists it.
     */
    private Optional<Integer> position(KueueWorkload workload, String queue) {
        String path = "/apis/" + Kueue.VISIBILITY_API_VERSION + "/namespaces/" + workload.namespace()
                + "/localqueues/" + queue + "/pendingworkloads";
        try {
            String answer = client.raw(path);
            Object items = answer != null ? client.getKubernetesSerialization().unmarshal(answer, Map.class)
                    .get("items") : null;
            if (!(items instanceof List<?> pending)) {
                return Optional.empty();
            }
            return pending.stream().filter(Map.class::isInstance).map(Map.class::cast)
                    .filter(item -> item.get("metadata") instanceof Map<?, ?> metadata
                            && workload.name().equals(metadata.get("name")))
                    .map(item -> item.get("positionInLocalQueue"))
                    .filter(Number.class::isInstance).map(place -> ((Number) place).intValue() + 1)
                    .findFirst();
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }

    /**
     * Deactivates the Workload for a run suspended through {@code spec.runPolicy.suspend}, or activates it again when
     * the run is resumed, and records which on it ({@link RunResources#SUSPEND_ANNOTATION}). Deactivated, Kueue
     * evicts it (its Job suspended, its pod stopped, the quota freed); active, it is queued again. This is how a run
     * under Kueue is suspended and resumed, since Kueue owns the Job's {@code spec.suspend} (as {@code kueuectl stop
     * workload} and {@code resume workload} do).
     *
     * @return the Workload as the API server returned it after the change
     */
    public KueueWorkload setSuspended(KueueWorkload workload, boolean suspend) {
        String patch = "{\"metadata\":{\"annotations\":{\"" + RunResources.SUSPEND_ANNOTATION + "\":\"" + suspend
                + "\"}},\"spec\":{\"active\":" + !suspend + "}}";
        return KueueWorkload.of(resources("Workload").inNamespace(workload.namespace()).withName(workload.name())
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
    }

    /** The names of the admission checks a ClusterQueue applies ({@code spec.admissionChecksStrategy}). */
    private static List<String> admissionChecks(GenericKubernetesResource clusterQueue) {
        if (!(clusterQueue.get("spec", "admissionChecksStrategy", "admissionChecks") instanceof List<?> rules)) {
            return List.of();
        }
        return rules.stream().filter(Map.class::isInstance).map(rule -> ((Map<?, ?>) rule).get("name"))
                .filter(String.class::isInstance).map(String.class::cast).toList();
    }

    private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> resources(String kind) {
        return client.genericKubernetesResources(Kueue.API_VERSION, kind);
    }
}
