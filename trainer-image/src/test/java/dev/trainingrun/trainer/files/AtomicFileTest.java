package dev.trainingrun.trainer.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file written atomically is either the old one or the whole new one, even when the writer is killed. */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheFileAndLeavesNothingElse() throws IOException {
        Path target = dir.resolve("pointer");
        AtomicFile.write(target, "old\n");
        AtomicFile.write(target, "new\n");
        assertEquals("new\n", Files.readString(target));
        assertEquals(List.of(target), list());
    }

    @Test
    void aWriterThatFailsHalfwayLeavesTheOldFile() throws IOException {
        Path target = dir.resolve("file");
        AtomicFile.write(target, "complete\n");
        IOException failure = assertThrows(IOException.class, () -> AtomicFile.write(target, channel -> {
            channel.write(ByteBuffer.wrap("half of the new".getBytes(StandardCharsets.UTF_8)));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", failure.getMessage());
        assertEquals("complete\n", Files.readString(target));
        assertEquals(List.of(target), list());
    }

    @Test
    void aProcessKilledMidWriteLeavesOnlyATemporaryFileWhichIsRemovedLater() throws Exception {
        Path target = dir.resolve("big.bin");
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SlowWriter.class.getName(), target.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals(SlowWriter.WRITING, out.readLine());
        }
        writer.destroyForcibly(); // SIGKILL, as when a pod is killed
        assertTrue(writer.waitFor(30, TimeUnit.SECONDS));

        assertFalse(Files.exists(target), "no file under the target's name");
        List<Path> left = list();
        assertEquals(1, left.size(), left::toString);
        assertTrue(left.get(0).getFileName().toString().startsWith(".big.bin."), left::toString);
        assertTrue(Files.size(left.get(0)) > 0);

        assertEquals(1, AtomicFile.removeLeftovers(dir));
        assertEquals(List.of(), list());
    }

    private List<Path> list() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    /** Writes a file atomically in slow chunks, saying when it has begun, until it is killed. */
    public static final class SlowWriter {
        static final String WRITING = "writing";

        public static void main(String[] args) throws IOException {
            AtomicFile.write(Path.of(args[0]), channel -> {
                ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
                for (int i = 0; ; i++) {
                    channel.write(chunk.clear());
                    if (i == 0) {
                        System.out.println(WRITING);
                        System.out.flush();
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
            });
        }
    }
}
