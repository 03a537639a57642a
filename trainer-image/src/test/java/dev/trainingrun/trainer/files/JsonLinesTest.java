package dev.trainingrun.trainer.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Append-only record files survive a process killed in the middle of an append. */
class JsonLinesTest {
    @TempDir
    Path folder;

    record Note(String text, long number) {}

    @Test
    void recordsReadBackInTheOrderTheyWereAppended() throws Exception {
        Path file = folder.resolve("notes.jsonl");
        JsonLines.append(file, new Note("a", 1));
        JsonLines.append(file, new Note("b", 2));

        assertEquals(List.of(new Note("a", 1), new Note("b", 2)), JsonLines.read(file, Note.class));
        assertEquals("{\"text\":\"a\",\"number\":1}\n{\"text\":\"b\",\"number\":2}\n",
                Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void aLineTornByAKillIsPassedOverAndDoesNotSwallowTheNextOne() throws Exception {
        Path file = folder.resolve("notes.jsonl");
        JsonLines.append(file, new Note("a", 1));
        Files.writeString(file, "{\"text\":\"b\",\"num", StandardOpenOption.APPEND);
        JsonLines.append(file, new Note("c", 3));

        assertEquals(List.of(new Note("a", 1), new Note("c", 3)), JsonLines.read(file, Note.class));
    }

    @Test
    void aLastLineTornInsideAMultiByteCharacterIsPassedOver() throws Exception {
        Path file = folder.resolve("notes.jsonl");
        JsonLines.append(file, new Note("café", 1));
        byte[] torn = "{\"text\":\"caf\u00e9".getBytes(StandardCharsets.UTF_8);
        Files.write(file, Arrays.copyOf(torn, torn.length - 1), StandardOpenOption.APPEND);

        assertEquals(List.of(new Note("café", 1)), JsonLines.read(file, Note.class));
    }

    @Test
    void aLineOfBytesThatAreNotUtf8IsPassedOverAndTheOthersRead() throws Exception {
        Path file = folder.resolve("notes.jsonl");
        JsonLines.append(file, new Note("a", 1));
        Files.write(file, new byte[] {'{', '"', (byte) 0xff, (byte) 0xe9, '\n'}, StandardOpenOption.APPEND);
        JsonLines.append(file, new Note("b", 2));

        assertEquals(List.of(new Note("a", 1), new Note("b", 2)), JsonLines.read(file, Note.class));
    }

    @Test
    void aLineWithoutANumberIsNotARecord() throws Exception {
        Path file = folder.resolve("notes.jsonl");
        Files.writeString(file, "{\"text\":\"a\"}\n\n");

        assertEquals(List.of(), JsonLines.read(file, Note.class));
    }

    @Test
    void noFileHasNoRecords() throws Exception {
        assertEquals(List.of(), JsonLines.read(folder.resolve("absent.jsonl"), Note.class));
    }
}
