package dev.trainingrun.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * torchvision's ResNet initialisation: convolutions Kaiming-normal with fan-out and ReLU gain, batch norm weight 1
 * and bias 0, and PyTorch's default for the linear head (weight and bias uniform in ±1/sqrt(fan_in)).
 *
 * <p>Values are drawn in Java from a generator seeded by (run seed, parameter name), so a seed gives the same
 * network on every device and does not depend on the order parameters are visited in.
 */
public final class TorchvisionInit {
    private TorchvisionInit() {}

    /** Initialises every parameter of a map made by {@link TorchvisionNames#of}. */
    public static void apply(Map<String, Parameter> parameters, long seed) {
        parameters.forEach((name, parameter) -> {
            NDArray array = parameter.getArray();
            float[] values = new float[Math.toIntExact(array.getShape().size())];
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
            String module = name.substring(0, name.lastIndexOf('.'));
            Parameter linearWeight = parameters.get(module + ".weight");
            if (linearWeight != null && linearWeight.getArray().getShape().dimension() == 2) {
                double bound = 1.0 / Math.sqrt(linearWeight.getArray().getShape().get(1));
                fill(values, () -> random.nextDouble(-bound, bound));
            } else if (array.getShape().dimension() == 4) {
                Shape shape = array.getShape();
                double std = Math.sqrt(2.0 / (shape.get(0) * shape.get(2) * shape.get(3)));
                fill(values, () -> random.nextGaussian() * std);
            } else {
                // batch norm: weight and running variance 1, bias and running mean 0
                Arrays.fill(values, name.endsWith(".weight") || name.endsWith(".running_var") ? 1f : 0f);
            }
            array.set(FloatBuffer.wrap(values));
        });
    }

    private static void fill(float[] values, DoubleSupplier draw) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) draw.getAsDouble();
        }
    }
}
