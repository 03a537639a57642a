package dev.trainingrun.operator.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.StatusOwner;
import dev.trainingrun.api.TrainingRunStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * The status fields the operator owns ({@link StatusOwner#OPERATOR}), apart from the trainer's: what one apply of
 * the operator carries. Server-side apply removes owned fields that an apply leaves out, so the operator always
 * applies all of these together, and compares them to decide whether a write is needed at all.
 */
record OperatorStatus(ObjectNode fields) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The operator's fields of a status (none of a status not written yet). */
    static OperatorStatus of(TrainingRunStatus status) {
        ObjectNode all = status == null ? JSON.createObjectNode() : JSON.valueToTree(status);
        ObjectNode owned = JSON.createObjectNode();
        for (String path : StatusOwner.OPERATOR.fields()) {
            int dot = path.indexOf('.');
            if (dot < 0) {
                Optional.ofNullable(all.get(path)).ifPresent(value -> owned.set(path, value));
            } else {
                JsonNode inner = all.path(path.substring(0, dot)).get(path.substring(dot + 1));
                if (inner != null) {
                    owned.with(path.substring(0, dot)).set(path.substring(dot + 1), inner);
                }
            }
        }
        return new OperatorStatus(owned);
    }

    TrainingRunStatus toStatus() {
        try {
            return JSON.treeToValue(fields, TrainingRunStatus.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the operator's status fields do not read back: " + fields, e);
        }
    }

    Phase phase() {
        JsonNode phase = fields.get("phase");
        return phase == null || phase.isNull() ? null : Phase.valueOf(phase.asText());
    }

    /** The condition of a type, or null. */
    Condition condition(String type) {
        return StreamSupport.stream(fields.path("conditions").spliterator(), false)
                .filter(condition -> type.equals(condition.path("type").asText()))
                .findFirst()
                .map(condition -> JSON.convertValue(condition, Condition.class))
                .orElse(null);
    }
}
