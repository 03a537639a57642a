package dev.trainingrun.trainer.optim;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.trainingrun.trainer.torch.TorchOps;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.AdamW} (one parameter group, no amsgrad): bias-corrected moments, epsilon added after the
 * square root of the corrected second moment, weight decay decoupled and scaled by the learning rate. Unlike DJL's
 * {@code Adam} and {@code AdamW} optimisers (which this class is named apart from), its state can be taken out and
 * put back, so a resumed run continues with the same moments.
 *
 * <p>Each step runs libtorch's fused AdamW kernel ({@code torch._fused_adamw_}, what {@code AdamW(fused=True)}
 * runs) through the trainer's JNI library ({@link TorchOps}): one pass over parameter, gradient and both moments,
 * where DJL's element-wise operations needed about 40 (docs/performance.md). DJL's own native Adam is not used: it
 * computes {@code 1 - beta2} in float (0.00099998713 instead of 0.001), which moves the second moment by 1e-5
 * relative.
 */
public final class FusedAdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final LearningRateSchedule schedule;
    private final NDManager manager;
    /** Parameter id → device → moments; one replica per device, each updated identically. */
    private final Map<String, Map<Device, Moments>> state = new LinkedHashMap<>();

    /**
     * An optimiser stepping at the learning rates of {@code schedule}, whose moments {@code manager} owns.
     *
     * @throws IllegalStateException when the trainer's JNI library is missing (see {@link TorchOps#load()})
     */
    public FusedAdamW(double beta1, double beta2, double epsilon, double weightDecay, LearningRateSchedule schedule,
            NDManager manager) {
        TorchOps.load();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.schedule = schedule;
        this.manager = manager;
    }

    /** PyTorch's defaults (betas 0.9/0.999, epsilon 1e-8) with the given weight decay and schedule. */
    public static FusedAdamW withWeightDecay(double weightDecay, LearningRateSchedule schedule, NDManager manager) {
        return new FusedAdamW(0.9, 0.999, 1e-8, weightDecay, schedule, manager);
    }

    /** The learning rates this optimiser steps at, by its step count. */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /**
     * One AdamW step of {@code weight} (in place) at the schedule's learning rate for the steps this parameter has
     * taken in this run (restored ones included, inherited ones not: {@link AdamWState#inherited}); the bias
     * correction counts every step its moments have seen, inherited ones too. The gradient is only read.
     *
     * @throws EngineException when the parameter's state does not fit it (another shape, type or device)
     */
    public void update(String parameterId, NDArray weight, NDArray gradient) {
        Moments moments = state.computeIfAbsent(parameterId, id -> new LinkedHashMap<>())
                .computeIfAbsent(weight.getDevice(), d -> new Moments(
                        manager.zeros(weight.getShape(), DataType.FLOAT32, d),
                        manager.zeros(weight.getShape(), DataType.FLOAT32, d)));
        try {
            TorchOps.fusedAdamW(weight, gradient, moments.mean, moments.variance, moments.step + 1,
                    schedule.at(moments.step - moments.inheritedSteps), beta1, beta2, weightDecay, epsilon);
        } catch (EngineException e) {
            throw new EngineException("AdamW step of " + parameterId + ": " + e.getMessage(), e);
        }
        moments.step++;
    }

    /**
     * One parameter's state as the engine holds it: steps taken (those of the run it was inherited from included),
     * how many of them were inherited, and the first device's moment arrays.
     */
    public record StateView(long step, long inheritedSteps, NDArray mean, NDArray variance) {}

    /**
     * The state of every parameter, viewed in place (not copied), valid until the next update or restore: what a
     * checkpoint writes without doubling the optimiser's memory.
     */
    public Map<String, StateView> view() {
        Map<String, StateView> views = new LinkedHashMap<>();
        state.forEach((id, replicas) -> {
            Moments moments = replicas.values().iterator().next();
            views.put(id, new StateView(moments.step, moments.inheritedSteps, moments.mean,
                    moments.variance));
        });
        return views;
    }

    /** A copy of the state (moments and step of every parameter) that outlives the engine's arrays. */
    public AdamWState snapshot() {
        Map<String, AdamWState.Entry> entries = new LinkedHashMap<>();
        view().forEach((id, view) -> entries.put(id, new AdamWState.Entry(view.step(), view.inheritedSteps(),
                view.mean().toFloatArray(),
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
                moments.inheritedSteps = entry.inheritedSteps();
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
    }

    private void closeMoments() {
        state.values().forEach(replicas -> replicas.values().forEach(m -> {
            m.mean.close();
            m.variance.close();
        }));
    }

    /**
     * First and second moment estimates, the number of steps taken with them, and how many of those another run took
     * (a fork's, {@link AdamWState#inherited}).
     */
    private static final class Moments {
        final NDArray mean;
        final NDArray variance;
        long step;
        long inheritedSteps;

        Moments(NDArray mean, NDArray variance) {
            this.mean = mean;
            this.variance = variance;
        }
    }
}
