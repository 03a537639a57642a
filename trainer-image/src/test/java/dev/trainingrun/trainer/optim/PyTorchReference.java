package dev.trainingrun.trainer.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The values src/test/python/pytorch_reference.py produced with PyTorch, committed as a test resource. */
final class PyTorchReference {
    private PyTorchReference() {}

    static JsonNode load() {
        try (InputStream in = PyTorchReference.class.getResourceAsStream("/pytorch/reference.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }
}
