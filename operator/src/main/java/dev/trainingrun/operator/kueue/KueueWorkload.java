package dev.trainingrun.operator.kueue;

import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator reads of the Workload that Kueue makes for a run's Job ({@code kueue.x-k8s.io/v1beta2}).
 *
 * @param name the Workload's name (Kueue's own: {@code job-<job name>-<hash>})
 * @param namespace the run's namespace
 * @param active {@code spec.active}: false while the Workload is deactivated, which is how a run under Kueue is
 *     suspended (Kueue evicts it and keeps its Job suspended)
 * @param suspendedByRun whether the operator last deactivated it for the run's {@code spec.runPolicy.suspend}
 *     ({@link RunResources#SUSPEND_ANNOTATION} on the Workload)
 * @param clusterQueue {@code status.admission.clusterQueue}, or null while it holds no quota
 * @param conditions {@code status.conditions}: QuotaReserved, Admitted, Evicted, Preempted, Requeued, Finished, ...
 * @param position while it waits: its place in its LocalQueue, counted from 1, as Kueue's visibility API gives it;
 *     null when that API does not answer or no longer lists it
 */
public record KueueWorkload(String name, String namespace, boolean active, boolean suspendedByRun,
        String clusterQueue, List<Condition> conditions, Integer position) {
    /** Kueue's condition types the status reads. */
    public static final String QUOTA_RESERVED = "QuotaReserved";
    public static final String ADMITTED = "Admitted";
    public static final String PREEMPTED = "Preempted";
    public static final String FINISHED = "Finished";

    static KueueWorkload of(GenericKubernetesResource workload) {
        Object active = workload.get("spec", "active");
        Object clusterQueue = workload.get("status", "admission", "clusterQueue");
        Object conditions = workload.get("status", "conditions");
        Map<String, String> annotations = workload.getMetadata().getAnnotations();
        return new KueueWorkload(workload.getMetadata().getName(), workload.getMetadata().getNamespace(),
                !Boolean.FALSE.equals(active),
                annotations != null && "true".equals(annotations.get(RunResources.SUSPEND_ANNOTATION)),
                clusterQueue instanceof String queue ? queue : null,
                conditions instanceof List<?> list
                        ? list.stream().filter(Map.class::isInstance).map(item -> condition((Map<?, ?>) item)).toList()
                        : List.of(), null);
    }

    /** The same Workload at that place in its LocalQueue. */
    KueueWorkload at(Integer place) {
        return new KueueWorkload(name, namespace, active, suspendedByRun, clusterQueue, conditions, place);
    }

    private static Condition condition(Map<?, ?> fields) {
        return new ConditionBuilder()
                .withType(text(fields.get("type")))
                .withStatus(text(fields.get("status")))
                .withReason(text(fields.get("reason")))
                .withMessage(text(fields.get("message")))
                .withLastTransitionTime(text(fields.get("lastTransitionTime")))
                .build();
    }

    private static String text(Object value) {
        return value != null ? value.toString() : null;
    }

    /** The condition of that type, if Kueue has set it. */
    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(condition -> type.equals(condition.getType())).findFirst();
    }

    /** Whether the condition of that type is True. */
    public boolean isTrue(String type) {
        return condition(type).map(condition -> "True".equals(condition.getStatus())).orElse(false);
    }

    /** Whether Kueue has admitted the Workload: quota reserved and every admission check ready. */
    public boolean admitted() {
        return isTrue(ADMITTED);
    }

    /** Whether the Workload waits in its queue: active, not admitted, not finished. */
    public boolean waiting() {
        return active && !admitted() && !isTrue(FINISHED);
    }
}
