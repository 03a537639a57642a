package dev.trainingrun.trainer.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors writer and reader: the layout the format prescribes, and every kind of damage refused. */
class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void writesTheLayoutOfTheFormatAndReadsItBack() throws IOException {
        Path file = write(dir.resolve("a.safetensors"));

        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "the data starts 8-byte aligned");
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\",\"crc32c\":\""), header);
        assertTrue(header.contains("\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"), header);
        assertTrue(header.contains("\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[24,32]}"), header);
        assertEquals(8 + headerLength + 32, bytes.length);

        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals("pt", read.metadata().get("format"));
            assertEquals(List.of("w", "n"), List.copyOf(read.tensors().keySet()));
            assertArrayEquals(new long[] {2, 3}, read.tensors().get("w").shape());
            float[] w = new float[6];
            read.read("w").asFloatBuffer().get(w);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, -0.5f}, w);
            assertEquals(42, read.read("n").getLong());
        }
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        Path file = write(dir.resolve("t.safetensors"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 5);
        }
        InvalidSafetensorsException e = assertThrows(InvalidSafetensorsException.class,
                () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().startsWith(
                "truncated: the header describes 32 bytes of tensor data, the file has 27"), e.getMessage());

        Files.write(file, new byte[] {1, 2, 3});
        assertTrue(assertThrows(InvalidSafetensorsException.class, () -> SafetensorsFile.open(file)).getMessage()
                .startsWith("truncated: 3 bytes"));
    }

    @Test
    void aChangedByteInTheDataIsCaughtByTheChecksum() throws IOException {
        Path file = write(dir.resolve("c.safetensors"));
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(raw.length() - 20);
            int b = raw.read();
            raw.seek(raw.length() - 20);
            raw.write(b ^ 0x10);
        }
        assertTrue(assertThrows(InvalidSafetensorsException.class, () -> SafetensorsFile.open(file)).getMessage()
                .startsWith("corrupt: the data's CRC-32C is"));
    }

    @Test
    void bytesAfterTheLastTensorAreRefused() throws IOException {
        Path file = write(dir.resolve("l.safetensors"));
        Files.write(file, new byte[] {0}, StandardOpenOption.APPEND);
        assertTrue(assertThrows(InvalidSafetensorsException.class, () -> SafetensorsFile.open(file)).getMessage()
                .startsWith("too long"));
    }

    @Test
    void aHeaderThatIsNotJsonIsRefused() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(8 + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(8);
        bytes.put("{\"a\":[1,".getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("j.safetensors"), bytes.array());
        assertTrue(assertThrows(InvalidSafetensorsException.class, () -> SafetensorsFile.open(file)).getMessage()
                .startsWith("corrupt: the header is not valid JSON"));
    }

    @Test
    void aShapeWhoseSizeOverflowsIsRefusedAsCorrupt() throws IOException {
        for (String shape : List.of("[1099511627776,1099511627776]", "[2305843009213693952]")) {
            byte[] header = ("{\"w\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,0]}}")
                    .getBytes(StandardCharsets.UTF_8);
            ByteBuffer bytes = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(header.length).put(header);
            Path file = Files.write(dir.resolve("o.safetensors"), bytes.array());
            assertEquals("corrupt: tensor w has shape " + shape + ", more bytes than a file can hold",
                    assertThrows(InvalidSafetensorsException.class, () -> SafetensorsFile.open(file)).getMessage());
        }
    }

    private static Path write(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafetensorsWriter.write(channel, Map.of("format", "pt"), List.of(
                    Tensor.floats("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -0.5f}),
                    Tensor.scalar("n", 42)));
        }
        return file;
    }
}
