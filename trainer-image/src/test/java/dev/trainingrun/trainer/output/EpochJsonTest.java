package dev.trainingrun.trainer.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.trainer.events.BestEpoch;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochReport;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A metrics line reads back to exactly the epoch it was written from, so a resumed run rewrites the same lines. */
class EpochJsonTest {

    @Test
    void aLineReadsBackExactly() throws Exception {
        EpochMetrics metrics = new EpochMetrics(3, 0.1 + 0.2, 1.0 / 3, 91, 97, 9.166666666666666E-4, 1.51180277,
                137.39432084138468, 2, 1, 17);
        String checkpoint = "checkpoints/x.safetensors";
        EpochReport report = new EpochReport(metrics, Optional.of(checkpoint),
                new BestEpoch(3, metrics.valAccuracy(), metrics.valLoss(), Optional.of(checkpoint)),
                Optional.of(checkpoint));

        JsonNode line = new ObjectMapper().readTree(EpochJson.toJson(report).toString());
        EpochJson.Entry read = EpochJson.fromJson(line);

        assertEquals(metrics, read.metrics());
        assertEquals(Optional.of(checkpoint), read.checkpoint());
        assertEquals(91.0 / 97, line.get("valAccuracy").asDouble());
    }
}
