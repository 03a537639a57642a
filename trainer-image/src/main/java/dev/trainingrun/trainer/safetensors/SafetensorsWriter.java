package dev.trainingrun.trainer.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes the safetensors format (an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the raw data), as the Hugging Face {@code safetensors} library reads it. The header's
 * metadata also carries a CRC-32C of the data, so a reader can tell a damaged file from an intact one: the data is
 * written first behind a header of the same length, and the header with the real checksum last.
 */
public final class SafetensorsWriter {
    /** Metadata key of the data's CRC-32C, eight hex digits. */
    public static final String CHECKSUM = "crc32c";
    static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ALIGNMENT = 8;

    private SafetensorsWriter() {}

    /** Writes {@code tensors}, in this order, with string {@code metadata}, to a channel positioned at 0. */
    public static void write(FileChannel channel, Map<String, String> metadata, List<Tensor> tensors)
            throws IOException {
        byte[] header = header(metadata, tensors, 0);
        channel.position(Long.BYTES + header.length);
        CRC32C crc = new CRC32C();
        for (Tensor tensor : tensors) {
            ByteBuffer bytes = tensor.data().bytes();
            if (bytes.remaining() != tensor.byteSize()) {
                throw new IllegalStateException("tensor " + tensor.name() + " has " + bytes.remaining()
                        + " bytes, its dtype and shape make " + tensor.byteSize());
            }
            crc.update(bytes.duplicate());
            writeFully(channel, bytes);
        }
        channel.position(0);
        writeFully(channel, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
        writeFully(channel, ByteBuffer.wrap(header(metadata, tensors, crc.getValue())));
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so the data starts aligned. */
    private static byte[] header(Map<String, String> metadata, List<Tensor> tensors, long checksum) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject(METADATA);
        metadata.forEach(meta::put);
        meta.put(CHECKSUM, String.format("%08x", checksum));
        long offset = 0;
        for (Tensor tensor : tensors) {
            ObjectNode entry = header.putObject(tensor.name());
            entry.put("dtype", tensor.dtype().name());
            var shape = entry.putArray("shape");
            for (long dimension : tensor.shape()) {
                shape.add(dimension);
            }
            entry.putArray("data_offsets").add(offset).add(offset + tensor.byteSize());
            offset += tensor.byteSize();
        }
        String json = header.toString();
        int length = json.getBytes(StandardCharsets.UTF_8).length;
        return (json + " ".repeat((ALIGNMENT - length % ALIGNMENT) % ALIGNMENT)).getBytes(StandardCharsets.UTF_8);
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
