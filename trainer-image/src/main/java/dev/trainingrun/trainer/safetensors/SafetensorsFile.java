package dev.trainingrun.trainer.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A safetensors file opened for reading, checked whole before anything is read from it: the header parses, every
 * tensor's byte range fits its dtype and shape, the ranges tile the data without gaps, the file is exactly as long
 * as the header says, and the data's CRC-32C (when the header carries one) matches. A truncated or damaged file is
 * refused with the reason.
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above any real header (a ResNet-50 with its optimiser state needs about 60 KB). */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final int CHECKSUM_CHUNK = 8 << 20;

    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, Entry> tensors;

    /** Where a tensor is in the file, and what it is. */
    public record Entry(DType dtype, long[] shape, long begin, long end) {}

    private SafetensorsFile(FileChannel channel, long dataStart, Map<String, String> metadata,
            Map<String, Entry> tensors) {
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Opens and checks a file; {@link InvalidSafetensorsException} says what is wrong with it. */
    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < Long.BYTES) {
                throw new InvalidSafetensorsException("truncated: " + size + " bytes, not even the header length");
            }
            long headerLength = read(channel, 0, Long.BYTES).getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - Long.BYTES) {
                throw new InvalidSafetensorsException("truncated or not a safetensors file: the header length is "
                        + headerLength + " bytes, the file has " + size);
            }
            JsonNode header = parse(read(channel, Long.BYTES, (int) headerLength));
            Map<String, String> metadata = metadata(header);
            Map<String, Entry> tensors = entries(header);
            long dataStart = Long.BYTES + headerLength;
            long dataLength = tensors.values().stream().mapToLong(Entry::end).max().orElse(0);
            if (size - dataStart != dataLength) {
                throw new InvalidSafetensorsException((size - dataStart < dataLength ? "truncated" : "too long")
                        + ": the header describes " + dataLength + " bytes of tensor data, the file has "
                        + (size - dataStart));
            }
            String expected = metadata.get(SafetensorsWriter.CHECKSUM);
            if (expected != null) {
                String actual = checksum(channel, dataStart, dataLength);
                if (!actual.equals(expected)) {
                    throw new InvalidSafetensorsException("corrupt: the data's CRC-32C is " + actual
                            + ", the header says " + expected);
                }
            }
            return new SafetensorsFile(channel, dataStart, metadata, tensors);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The header's string metadata (the checksum included). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor, in file order. */
    public Map<String, Entry> tensors() {
        return tensors;
    }

    /** A tensor's bytes, little-endian, in a fresh buffer. */
    public ByteBuffer read(String name) throws IOException {
        Entry entry = tensors.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return read(channel, dataStart + entry.begin(), Math.toIntExact(entry.end() - entry.begin()));
    }

    /** A tensor of this file as a source for a writer (read when written). */
    public Tensor tensor(String name) {
        Entry entry = tensors.get(name);
        return new Tensor(name, entry.dtype(), entry.shape(), () -> read(name));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new InvalidSafetensorsException("truncated while reading");
            }
        }
        return buffer.flip();
    }

    private static JsonNode parse(ByteBuffer bytes) throws InvalidSafetensorsException {
        try {
            JsonNode header = JSON.readTree(StandardCharsets.UTF_8.decode(bytes).toString());
            if (header == null || !header.isObject()) {
                throw new InvalidSafetensorsException("corrupt: the header is not a JSON object");
            }
            return header;
        } catch (JsonProcessingException e) {
            throw new InvalidSafetensorsException("corrupt: the header is not valid JSON ("
                    + e.getOriginalMessage() + ")");
        }
    }

    private static Map<String, String> metadata(JsonNode header) throws InvalidSafetensorsException {
        JsonNode node = header.path(SafetensorsWriter.METADATA);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw new InvalidSafetensorsException("corrupt: metadata " + field.getKey() + " is not a string");
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static Map<String, Entry> entries(JsonNode header) throws InvalidSafetensorsException {
        List<Map.Entry<String, Entry>> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals(SafetensorsWriter.METADATA)) {
                list.add(Map.entry(field.getKey(), entry(field.getKey(), field.getValue())));
            }
        }
        list.sort(Comparator.comparingLong(e -> e.getValue().begin()));
        Map<String, Entry> tensors = new LinkedHashMap<>();
        long next = 0;
        for (Map.Entry<String, Entry> e : list) {
            if (e.getValue().begin() != next) {
                throw new InvalidSafetensorsException("corrupt: tensor " + e.getKey() + " starts at byte "
                        + e.getValue().begin() + ", the previous one ends at " + next);
            }
            next = e.getValue().end();
            tensors.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(tensors);
    }

    private static Entry entry(String name, JsonNode node) throws InvalidSafetensorsException {
        DType dtype;
        try {
            dtype = DType.valueOf(node.path("dtype").asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidSafetensorsException("tensor " + name + ": unsupported dtype " + node.path("dtype"));
        }
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new InvalidSafetensorsException("corrupt: tensor " + name + " lacks a shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new InvalidSafetensorsException("corrupt: tensor " + name + " has shape " + shapeNode);
            }
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Tensor.elements(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new InvalidSafetensorsException("corrupt: tensor " + name + " has shape " + shapeNode
                    + ", more bytes than a file can hold");
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end - begin != bytes) {
            throw new InvalidSafetensorsException("corrupt: tensor " + name + " has data_offsets " + offsets
                    + " for a " + dtype + " tensor of shape " + shapeNode);
        }
        return new Entry(dtype, shape, begin, end);
    }

    private static String checksum(FileChannel channel, long start, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHECKSUM_CHUNK);
        for (long done = 0; done < length; ) {
            chunk.clear().limit((int) Math.min(CHECKSUM_CHUNK, length - done));
            int read = channel.read(chunk, start + done);
            if (read < 0) {
                throw new InvalidSafetensorsException("truncated while checking");
            }
            done += read;
            crc.update(chunk.flip());
        }
        return String.format("%08x", crc.getValue());
    }
}
