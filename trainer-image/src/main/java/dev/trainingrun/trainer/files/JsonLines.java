package dev.trainingrun.trainer.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's append-only record files ({@code skipped-images.jsonl}, {@code interruptions.jsonl}): one record per line,
 * mapped by {@link RunJson}, each line synced as it is appended, so that a killed process loses at most the line it
 * was writing.
 */
public final class JsonLines {
    private JsonLines() {}

    /**
     * Appends {@code record} as one line, synced. After a torn last line (an append the process was killed in) it
     * starts a fresh line first, so that the torn one stays unreadable instead of swallowing this one.
     */
    public static void append(Path file, Object record) throws IOException {
        String line = RunJson.MAPPER.writeValueAsString(record) + "\n";
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
            long size = channel.size();
            if (size > 0 && lastByte(channel, size) != '\n') {
                line = "\n" + line;
            }
            ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            long position = size;
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
        }
    }

    /**
     * The records of the file's lines, in order; none when there is no file. Lines that are not a whole record of
     * {@code type} (the torn line of a killed append, which can end inside a multi-byte character; an empty line;
     * bytes that are not UTF-8) are passed over, each line on its own, so that one bad line costs only itself.
     */
    public static <T> List<T> read(Path file, Class<T> type) throws IOException {
        List<T> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input, never replaces it
        for (int start = 0, end; start < bytes.length; start = end + 1) {
            end = lineEnd(bytes, start);
            try {
                String line = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
                if (!line.isBlank()) {
                    records.add(RunJson.MAPPER.readValue(line, type));
                }
            } catch (CharacterCodingException | JsonProcessingException e) {
                // not a whole record: a line a crash cut short, or damaged
            }
        }
        return records;
    }

    private static int lineEnd(byte[] bytes, int start) {
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

    private static byte lastByte(FileChannel channel, long size) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        return last.get(0);
    }
}
