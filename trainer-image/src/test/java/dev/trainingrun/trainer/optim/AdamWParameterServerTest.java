package dev.trainingrun.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWParameterServerTest {

    @Test
    void eachStepSeesOnlyItsOwnBackwardPassesGradient() {
        Parameter parameter = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                AdamWParameterServer server = new AdamWParameterServer(FusedAdamW.withWeightDecay(0, step -> 0.0,
                        manager), Map.of("w", parameter))) {
            NDArray weight = manager.create(new float[] {1f, 2f});
            weight.setRequiresGradient(true);
            NDArray input = manager.create(new float[] {3f, 5f});
            for (int step = 1; step <= 2; step++) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(weight.mul(input).sum());
                }
                // d(w·x)/dw = x, not x added to what earlier steps left behind
                assertArrayEquals(new float[] {3f, 5f}, weight.getGradient().toFloatArray(), 0f, "step " + step);
                server.update(parameter.getId(), new NDArray[] {weight});
                // dropped, not zeroed (set_to_none): the next backward pass stores its gradient
                assertNull(JniUtils.getGradient((PtNDArray) weight), "gradient after step " + step);
            }
        }
    }
}
