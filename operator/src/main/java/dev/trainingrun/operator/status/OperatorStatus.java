package dev.trainingrun.operator.status;

import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingPod;
import dev.trainingrun.api.TrainingRunStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status fields the operator owns, apart from the trainer's. Server-side apply removes owned fields that an
 * apply leaves out, so the operator always applies all of these together, and compares them to decide whether a
 * write is needed at all.
 */
record OperatorStatus(Long observedGeneration, Phase phase, Map<String, Condition> conditions, String jobName,
        String startTime, String completionTime, Integer attempts, String podName, String podCreationTimestamp) {

    static OperatorStatus of(TrainingRunStatus status) {
        if (status == null) {
            return new OperatorStatus(null, null, Map.of(), null, null, null, null, null, null);
        }
        Map<String, Condition> byType = new TreeMap<>();
        if (status.getConditions() != null) {
            status.getConditions().forEach(condition -> byType.put(condition.getType(), condition));
        }
        return new OperatorStatus(status.getObservedGeneration(), status.getPhase(), byType, status.getJobName(),
                status.getStartTime(), status.getCompletionTime(), status.getAttempts(),
                status.getPod() != null ? status.getPod().getName() : null,
                status.getPod() != null ? status.getPod().getCreationTimestamp() : null);
    }

    TrainingRunStatus toStatus() {
        TrainingRunStatus status = new TrainingRunStatus();
        status.setObservedGeneration(observedGeneration);
        status.setPhase(phase);
        status.setConditions(conditions.isEmpty() ? null : List.copyOf(conditions.values()));
        status.setJobName(jobName);
        status.setStartTime(startTime);
        status.setCompletionTime(completionTime);
        status.setAttempts(attempts);
        if (podName != null) {
            TrainingPod pod = new TrainingPod();
            pod.setName(podName);
            pod.setCreationTimestamp(podCreationTimestamp);
            status.setPod(pod);
        }
        return status;
    }

    Condition condition(String type) {
        return conditions.get(type);
    }
}
