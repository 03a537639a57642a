package dev.trainingrun.trainer.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One named tensor of a safetensors file. Its bytes (little-endian, row-major) are produced only when the writer
 * gets to it, so a file of hundreds of megabytes is written holding one tensor's bytes at a time.
 */
public record Tensor(String name, DType dtype, long[] shape, Data data) {

    /** Produces the tensor's bytes, from position to limit. */
    @FunctionalInterface
    public interface Data {
        ByteBuffer bytes() throws IOException;
    }

    /** A float32 tensor of Java values. */
    public static Tensor floats(String name, long[] shape, float[] values) {
        return new Tensor(name, DType.F32, shape, () -> {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            return bytes;
        });
    }

    /** An int64 scalar (shape []), as PyTorch stores counters such as {@code num_batches_tracked}. */
    public static Tensor scalar(String name, long value) {
        return new Tensor(name, DType.I64, new long[0], () -> {
            ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.putLong(0, value);
            return bytes;
        });
    }

    /** Number of elements; {@link ArithmeticException} when it overflows a long. */
    public long elements() {
        return elements(shape);
    }

    /** Size of the data in bytes; {@link ArithmeticException} when it overflows a long. */
    public long byteSize() {
        return Math.multiplyExact(elements(), dtype.bytes());
    }

    static long elements(long[] shape) {
        long n = 1;
        for (long dimension : shape) {
            n = Math.multiplyExact(n, dimension);
        }
        return n;
    }
}
