package dev.trainingrun.trainer.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochReport;
import java.util.Optional;

/**
 * One epoch as a JSON object: a line of {@code metrics.jsonl}, and an entry of the history a checkpoint carries so
 * that a resumed run can write the same lines again. Numbers are written so that they read back exactly.
 */
public final class EpochJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EpochJson() {}

    /** An epoch's facts as read back: its metrics and the checkpoint saved after it, if any. */
    public record Entry(EpochMetrics metrics, Optional<String> checkpoint) {}

    public static ObjectNode toJson(EpochReport report) {
        EpochMetrics m = report.metrics();
        ObjectNode node = JSON.createObjectNode()
                .put("epoch", m.epoch())
                .put("trainLoss", m.trainLoss())
                .put("valLoss", m.valLoss())
                .put("valAccuracy", m.valAccuracy())
                .put("valCorrect", m.valCorrect())
                .put("valTotal", m.valTotal())
                .put("learningRate", m.learningRate())
                .put("seconds", m.seconds())
                .put("imagesPerSecond", m.imagesPerSecond())
                .put("skippedImages", m.skippedImages())
                .put("interruptions", m.interruptions())
                .put("stepsRedone", m.stepsRedone());
        report.checkpoint().ifPresent(c -> node.put("checkpoint", c));
        return node;
    }

    public static Entry fromJson(JsonNode node) {
        EpochMetrics metrics = new EpochMetrics(
                node.required("epoch").asInt(),
                node.required("trainLoss").asDouble(),
                node.required("valLoss").asDouble(),
                node.required("valCorrect").asLong(),
                node.required("valTotal").asLong(),
                node.required("learningRate").asDouble(),
                node.required("seconds").asDouble(),
                node.required("imagesPerSecond").asDouble(),
                node.required("skippedImages").asInt(),
                // Checkpoints from before interruptions were counted have none.
                node.path("interruptions").asInt(0),
                node.path("stepsRedone").asLong(0));
        return new Entry(metrics, Optional.ofNullable(node.get("checkpoint")).map(JsonNode::asText));
    }
}
