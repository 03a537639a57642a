package dev.trainingrun.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code position.json}: how far training has got, rewritten after every step, so that the attempt after a kill can
 * tell how many steps it has to train again. One small record overwritten in place at offset 0, padded to a fixed
 * length and not flushed to the disk: a process killed at any moment leaves it whole in the page cache, and a step
 * costs one write system call. (A node that loses power loses the page cache; the count is then low, never wrong
 * about the checkpoint.)
 */
final class PositionFile implements AutoCloseable {
    private static final int LENGTH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param step optimiser steps since the run began
     * @param checkpointStep the step of the newest checkpoint saved, epoch or step
     * @param secondsSinceCheckpoint wall time since that checkpoint was saved
     * @param stopped the attempt stopped on request after saving at {@code step}
     * @param finished the run trained its last epoch
     * @param failed the attempt ended the run with an error of its own (input it cannot train, a diverged loss),
     *     which it reported itself: no interruption
     */
    record Position(long step, long checkpointStep, double secondsSinceCheckpoint, boolean stopped,
            boolean finished, boolean failed) {}

    private final FileChannel channel;

    private PositionFile(FileChannel channel) {
        this.channel = channel;
    }

    /** What an earlier attempt left; empty when there is no file or it cannot be read. */
    static Optional<Position> read(Path file) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            return Optional.of(JSON.readValue(text, Position.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static PositionFile open(Path file) throws IOException {
        return new PositionFile(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    void write(Position position) throws IOException {
        byte[] json = JSON.writeValueAsBytes(position);
        byte[] record = new byte[LENGTH];
        Arrays.fill(record, (byte) ' ');
        System.arraycopy(json, 0, record, 0, json.length);
        record[LENGTH - 1] = '\n';
        ByteBuffer buffer = ByteBuffer.wrap(record);
        long offset = 0;
        while (buffer.hasRemaining()) {
            offset += channel.write(buffer, offset);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
