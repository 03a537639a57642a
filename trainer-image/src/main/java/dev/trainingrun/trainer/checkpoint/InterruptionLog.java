package dev.trainingrun.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.trainer.events.Interruption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code interruptions.jsonl}: one line per interruption, appended as soon as the attempt after it finds it, so the
 * record survives whatever happens to that attempt. A line cut short by a kill in the middle of its write is
 * ignored.
 */
final class InterruptionLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InterruptionLog() {}

    static List<Interruption> read(Path file) throws IOException {
        List<Interruption> interruptions = new ArrayList<>();
        if (!Files.exists(file)) {
            return interruptions;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            try {
                JsonNode node = JSON.readTree(line);
                interruptions.add(new Interruption(node.required("cause").asText(),
                        node.required("stepReached").asLong(), node.required("resumedAt").asLong(),
                        node.required("stepsRedone").asLong(), node.required("secondsLost").asDouble(),
                        Instant.parse(node.required("time").asText())));
            } catch (IOException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
                // the torn last line of a killed append: not a record
            }
        }
        return interruptions;
    }

    static void append(Path file, Interruption interruption) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        String line = JSON.createObjectNode()
                .put("time", interruption.time().toString())
                .put("cause", interruption.cause())
                .put("stepReached", interruption.stepReached())
                .put("resumedAt", interruption.resumedAt())
                .put("stepsRedone", interruption.stepsRedone())
                .put("secondsLost", interruption.secondsLost())
                + "\n";
        // After a torn line, a fresh one: the torn one stays unreadable instead of swallowing this one.
        if (Files.size(file) > 0 && !Files.readString(file, StandardCharsets.UTF_8).endsWith("\n")) {
            line = "\n" + line;
        }
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }
}
