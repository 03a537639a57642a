package dev.trainingrun.trainer.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code torch.optim.AdamW} (one parameter group, no amsgrad): bias-corrected moments, epsilon added after the
 * square root of the corrected second moment, weight decay decoupled and scaled by the learning rate. Unlike DJL's
 * {@code Adam}, its state can be taken out and put back, so a resumed run continues with the same moments.
 *
 * <p>DJL's fused native Adam kernel would save engine calls, but it receives beta2 as a float and computes
 * {@code 1 - beta2} in float (0.00099998713 instead of 0.001), which moves the second moment by 1e-5 relative;
 * the update is therefore written out with the engine's element-wise operations, in PyTorch's order.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final NDManager manager;
    /** Parameter id → device → moments; one replica per device, each updated identically. */
    private final Map<String, Map<Device, Moments>> state = new LinkedHashMap<>();

    public AdamW(double beta1, double beta2, double epsilon, double weightDecay, NDManager manager) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.manager = manager;
    }

    /** PyTorch's defaults (betas 0.9/0.999, epsilon 1e-8) with the given weight decay. */
    public static AdamW withWeightDecay(double weightDecay, NDManager manager) {
        return new AdamW(0.9, 0.999, 1e-8, weightDecay, manager);
    }

    /** One AdamW step of {@code weight} (in place) with {@code gradient} at learning rate {@code lr}. */
    public void update(String parameterId, NDArray weight, NDArray gradient, double lr) {
        Moments moments = state.computeIfAbsent(parameterId, id -> new LinkedHashMap<>())
                .computeIfAbsent(weight.getDevice(), device -> new Moments(
                        manager.zeros(weight.getShape(), DataType.FLOAT32, device),
                        manager.zeros(weight.getShape(), DataType.FLOAT32, device)));
        moments.step++;
        double correction1 = 1 - Math.pow(beta1, moments.step);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, moments.step));
        // torch's _single_tensor_adamw, op for op; scalars go to the engine as float, as PyTorch passes them to
        // float kernels.
        weight.muli((float) (1 - lr * weightDecay));
        try (NDArray scaledGradient = gradient.mul((float) (1 - beta1));
                NDArray squaredGradient = gradient.square().muli((float) (1 - beta2))) {
            moments.mean.muli((float) beta1).addi(scaledGradient);
            moments.variance.muli((float) beta2).addi(squaredGradient);
        }
        try (NDArray denominator = moments.variance.sqrt().divi((float) sqrtCorrection2).addi((float) epsilon);
                NDArray step = moments.mean.div(denominator).muli((float) (lr / correction1))) {
            weight.subi(step);
        }
    }

    /** A copy of the state (moments and step of every parameter) that outlives the engine's arrays. */
    public AdamWState snapshot() {
        Map<String, AdamWState.Entry> entries = new LinkedHashMap<>();
        state.forEach((id, replicas) -> {
            Moments moments = replicas.values().iterator().next();
            entries.put(id, new AdamWState.Entry(moments.step, moments.mean.toFloatArray(),
                    moments.variance.toFloatArray(), moments.mean.getShape().getShape()));
        });
        return new AdamWState(entries);
    }

    /** Replaces the state with a snapshot, for the parameters' current devices. */
    public void restore(AdamWState snapshot, Map<String, Device> devices) {
        close();
        state.clear();
        snapshot.entries().forEach((id, entry) -> {
            Device device = devices.get(id);
            if (device == null) {
                throw new IllegalArgumentException("optimiser state for unknown parameter " + id);
            }
            Moments moments = new Moments(array(entry.mean(), entry.shape(), device),
                    array(entry.variance(), entry.shape(), device));
            moments.step = entry.step();
            state.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(device, moments);
        });
    }

    private NDArray array(float[] values, long[] shape, Device device) {
        NDArray host = manager.create(FloatBuffer.wrap(values), new Shape(shape));
        if (host.getDevice().equals(device)) {
            return host;
        }
        try (host) {
            NDArray onDevice = host.toDevice(device, true);
            onDevice.attach(manager);
            return onDevice;
        }
    }

    @Override
    public void close() {
        state.values().forEach(replicas -> replicas.values().forEach(m -> {
            m.mean.close();
            m.variance.close();
        }));
    }

    /** First and second moment estimates and the number of steps taken with them. */
    private static final class Moments {
        final NDArray mean;
        final NDArray variance;
        long step;

        Moments(NDArray mean, NDArray variance) {
            this.mean = mean;
            this.variance = variance;
        }
    }
}
