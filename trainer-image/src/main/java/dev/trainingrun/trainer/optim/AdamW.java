package dev.trainingrun.trainer.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.AdamW} (one parameter group, no amsgrad): bias-corrected moments, epsilon added after the
 * square root of the corrected second moment, weight decay decoupled and scaled by the learning rate. Unlike DJL's
 * {@code Adam}, its state can be taken out and put back, so a resumed run continues with the same moments.
 *
 * <p>Written for speed with the engine's in-place operations only: the gradient's own buffer (zeroed after the
 * step anyway) holds the intermediate values, and the scalars are engine arrays made once per step, not per
 * operation. A fresh parameter-sized array per operation would cost more in page faults than the arithmetic.
 * DJL's fused native Adam is not used: it computes {@code 1 - beta2} in float (0.00099998713 instead of 0.001),
 * which moves the second moment by 1e-5 relative.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final NDManager manager;
    /** Parameter id → device → moments; one replica per device, each updated identically. */
    private final Map<String, Map<Device, Moments>> state = new LinkedHashMap<>();
    private final Map<Device, Scalars> scalars = new HashMap<>();

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

    /**
     * One AdamW step of {@code weight} (in place) at learning rate {@code lr}. The gradient's values are used up:
     * its buffer is overwritten with intermediate results.
     */
    public void update(String parameterId, NDArray weight, NDArray gradient, double lr) {
        Device device = weight.getDevice();
        Moments moments = state.computeIfAbsent(parameterId, id -> new LinkedHashMap<>())
                .computeIfAbsent(device, d -> new Moments(
                        manager.zeros(weight.getShape(), DataType.FLOAT32, d),
                        manager.zeros(weight.getShape(), DataType.FLOAT32, d)));
        moments.step++;
        Scalars s = scalars.computeIfAbsent(device, Scalars::new).forStep(moments.step, lr);
        weight.muli(s.decay); // p *= 1 - lr * wd
        moments.mean.muli(s.beta1).addi(gradient.muli(s.oneMinusBeta1));                // m = b1 m + (1 - b1) g
        moments.variance.muli(s.beta2).addi(gradient.muli(gradient).muli(s.squareScale)); // v = b2 v + (1 - b2) g²
        if (s.lr == 0) {
            // Warm-up's first step: the moments move, the weights do not (and the folding below would divide by 0).
            return;
        }
        // step = lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps), with the step size moved into the denominator
        // so that it costs no pass of its own
        gradient.muli(s.zero).addi(moments.variance).powi(s.half)   // sqrt(v) (pow 0.5 runs as sqrt)
                .muli(s.denominatorScale).addi(s.denominatorShift)  // denominator / step size
                .powi(s.minusOne)                                   // reciprocal (pow -1 runs as such)
                .muli(moments.mean);
        weight.subi(gradient);
    }

    /** One parameter's state as the engine holds it: steps taken and the first device's moment arrays. */
    public record StateView(long step, NDArray mean, NDArray variance) {}

    /**
     * The state of every parameter, viewed in place (not copied), valid until the next update or restore: what a
     * checkpoint writes without doubling the optimiser's memory.
     */
    public Map<String, StateView> view() {
        Map<String, StateView> views = new LinkedHashMap<>();
        state.forEach((id, replicas) -> {
            Moments moments = replicas.values().iterator().next();
            views.put(id, new StateView(moments.step, moments.mean, moments.variance));
        });
        return views;
    }

    /** A copy of the state (moments and step of every parameter) that outlives the engine's arrays. */
    public AdamWState snapshot() {
        Map<String, AdamWState.Entry> entries = new LinkedHashMap<>();
        view().forEach((id, view) -> entries.put(id, new AdamWState.Entry(view.step(), view.mean().toFloatArray(),
                view.variance().toFloatArray(), view.mean().getShape().getShape())));
        return new AdamWState(entries);
    }

    /**
     * Replaces the state with a snapshot, with one replica per training device (each is updated identically, so
     * each starts from the same copy).
     */
    public void restore(AdamWState snapshot, List<Device> devices) {
        closeMoments();
        state.clear();
        snapshot.entries().forEach((id, entry) -> {
            Map<Device, Moments> replicas = new LinkedHashMap<>();
            for (Device device : devices) {
                Moments moments = new Moments(array(entry.mean(), entry.shape(), device),
                        array(entry.variance(), entry.shape(), device));
                moments.step = entry.step();
                replicas.put(device, moments);
            }
            state.put(id, replicas);
        });
    }

    private NDArray array(float[] values, long[] shape, Device device) {
        return place(manager.create(FloatBuffer.wrap(values), new Shape(shape)), device);
    }

    /** An array made by the optimiser's manager, moved to {@code device} if it is not there already. */
    private NDArray place(NDArray host, Device device) {
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
        closeMoments();
        scalars.values().forEach(Scalars::close);
    }

    private void closeMoments() {
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

    /**
     * The update's scalars as engine arrays on one device: constants made once, the step- and rate-dependent ones
     * remade when the step or the learning rate changes (once per optimiser step, not once per parameter).
     * Values are rounded to float as PyTorch rounds the Python floats it passes to float kernels.
     */
    private final class Scalars implements AutoCloseable {
        private final Device device;
        final NDArray beta1;
        final NDArray beta2;
        final NDArray oneMinusBeta1;
        /** (1 - b2) / (1 - b1)²: turns the already scaled (1 - b1) g, squared, into (1 - b2) g². */
        final NDArray squareScale;
        final NDArray zero;
        final NDArray half;
        final NDArray minusOne;
        NDArray decay;
        NDArray denominatorScale;
        NDArray denominatorShift;
        private long step = -1;
        private double lr = Double.NaN;

        Scalars(Device device) {
            this.device = device;
            beta1 = scalar(AdamW.this.beta1);
            beta2 = scalar(AdamW.this.beta2);
            oneMinusBeta1 = scalar(1 - AdamW.this.beta1);
            double oneMinusBeta1Float = (float) (1 - AdamW.this.beta1);
            squareScale = scalar((float) (1 - AdamW.this.beta2) / (oneMinusBeta1Float * oneMinusBeta1Float));
            zero = scalar(0);
            half = scalar(0.5);
            minusOne = scalar(-1);
        }

        Scalars forStep(long newStep, double newLr) {
            if (newStep != step || newLr != lr) {
                closeStepScalars();
                step = newStep;
                lr = newLr;
                decay = scalar(1 - newLr * weightDecay);
                double stepSize = newLr / (1 - Math.pow(AdamW.this.beta1, newStep));
                denominatorScale = scalar(1 / (Math.sqrt(1 - Math.pow(AdamW.this.beta2, newStep)) * stepSize));
                denominatorShift = scalar(AdamW.this.epsilon / stepSize);
            }
            return this;
        }

        private NDArray scalar(double value) {
            return place(manager.create((float) value), device);
        }

        private void closeStepScalars() {
            if (decay != null) {
                decay.close();
                denominatorScale.close();
                denominatorShift.close();
            }
        }

        @Override
        public void close() {
            closeStepScalars();
            for (NDArray constant : new NDArray[] {beta1, beta2, oneMinusBeta1, squareScale, zero, half, minusOne}) {
                constant.close();
            }
        }
    }
}
