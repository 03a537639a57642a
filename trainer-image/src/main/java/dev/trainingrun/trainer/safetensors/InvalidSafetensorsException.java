package dev.trainingrun.trainer.safetensors;

import java.io.IOException;

/** A file that is not a complete, intact safetensors file: truncated, corrupt, or not one at all. */
public final class InvalidSafetensorsException extends IOException {
    public InvalidSafetensorsException(String message) {
        super(message);
    }
}
