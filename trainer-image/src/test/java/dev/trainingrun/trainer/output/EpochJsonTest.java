package dev.trainingrun.trainer.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.api.StopReason;
import dev.trainingrun.trainer.events.BestEpoch;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.files.RunJson;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A metrics line reads back to exactly the epoch it was written from, so a resumed run rewrites the same lines. */
class EpochJsonTest {
    private static final EpochMetrics METRICS = new EpochMetrics(3, 0.1 + 0.2, 1.0 / 3, 91, 97,
            9.166666666666666E-4, 1.51180277, 137.39432084138468, 2, 1, 17);

    @Test
    void aLineReadsBackExactly() throws Exception {
        String checkpoint = "checkpoints/x.safetensors";
        EpochReport report = new EpochReport(METRICS, Optional.of(checkpoint),
                new BestEpoch(3, METRICS.valAccuracy(), METRICS.valLoss(), Optional.of(checkpoint)),
                Optional.of(checkpoint), Optional.empty());

        String text = RunJson.MAPPER.writeValueAsString(EpochJson.of(report));
        EpochJson read = RunJson.MAPPER.readValue(text, EpochJson.class);

        assertEquals(METRICS, read.metrics());
        assertEquals(Optional.of(checkpoint), read.checkpointPath());
        JsonNode line = RunJson.MAPPER.readTree(text);
        assertEquals(91.0 / 97, line.get("valAccuracy").asDouble());
        assertEquals("epoch", line.fieldNames().next(), "the epoch first, as people read the file");
    }

    @Test
    void anEpochWithoutCheckpointHasNoCheckpointField() throws Exception {
        EpochReport report = new EpochReport(METRICS, Optional.empty(),
                new BestEpoch(3, METRICS.valAccuracy(), METRICS.valLoss(), Optional.empty()), Optional.empty(),
                Optional.empty());

        JsonNode line = RunJson.MAPPER.readTree(RunJson.MAPPER.writeValueAsString(EpochJson.of(report)));

        assertEquals(false, line.has("checkpoint"), line.toString());
        assertEquals(false, line.has("stopped"), line.toString());
    }

    @Test
    void theEpochAStopRuleEndedTheRunAfterNamesTheReasonAndReadsBack() throws Exception {
        EpochReport report = new EpochReport(METRICS, Optional.empty(),
                new BestEpoch(3, METRICS.valAccuracy(), METRICS.valLoss(), Optional.empty()), Optional.empty(),
                Optional.of(new EarlyStop(StopReason.TargetReached, "reached")));

        String text = RunJson.MAPPER.writeValueAsString(EpochJson.of(report));
        JsonNode line = RunJson.MAPPER.readTree(text);

        assertEquals("TargetReached", line.get("stopped").asText(), text);
        assertEquals("reached", line.get("stopMessage").asText(), text);
        assertEquals(METRICS, RunJson.MAPPER.readValue(text, EpochJson.class).metrics());
    }

    @Test
    void anEntryOfAnOlderTrainerWithoutInterruptionsReadsAsNone() throws Exception {
        String older = """
                {"epoch":1,"trainLoss":0.5,"valLoss":0.6,"valAccuracy":0.5,"valCorrect":1,"valTotal":2,
                 "learningRate":0.001,"seconds":1.5,"imagesPerSecond":10.0,"skippedImages":0}""";

        EpochMetrics metrics = RunJson.MAPPER.readValue(older, EpochJson.class).metrics();

        assertEquals(0, metrics.interruptions());
        assertEquals(0, metrics.stepsRedone());
    }

    @Test
    void aMissingNumberIsRefusedNotReadAsZero() {
        String torn = """
                {"epoch":1,"trainLoss":0.5,"valLoss":0.6,"valAccuracy":0.5,"valCorrect":1,"valTotal":2}""";

        assertThrows(MismatchedInputException.class, () -> RunJson.MAPPER.readValue(torn, EpochJson.class));
    }
}
