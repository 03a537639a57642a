package dev.trainingrun.trainer.checkpoint;

import dev.trainingrun.trainer.events.Interruption;
import dev.trainingrun.trainer.files.JsonLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code interruptions.jsonl}: one line per interruption, appended as soon as the attempt after it finds it, so the
 * record survives whatever happens to that attempt ({@link JsonLines}: a line cut short by a kill in the middle of
 * its write is passed over).
 */
final class InterruptionLog {
    private InterruptionLog() {}

    static List<Interruption> read(Path file) throws IOException {
        return JsonLines.read(file, Interruption.class).stream()
                .filter(interruption -> interruption.cause() != null && interruption.time() != null)
                .toList();
    }

    static void append(Path file, Interruption interruption) throws IOException {
        JsonLines.append(file, interruption);
    }
}
