package dev.trainingrun.trainer.safetensors;

/** The safetensors element types the trainer writes: float32 weights and int64 counters. */
public enum DType {
    F32(4),
    I64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
