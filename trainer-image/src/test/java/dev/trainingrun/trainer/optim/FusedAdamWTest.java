package dev.trainingrun.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.trainer.torch.TorchOps;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** AdamW against torch.optim.AdamW on the same parameters, gradients and learning rates. */
class FusedAdamWTest {
    private static final float TOLERANCE = 2e-6f;

    @Test
    void everyStepMatchesPyTorch() {
        for (JsonNode reference : PyTorchReference.load().get("adamw")) {
            try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
                FusedAdamW adamw = FusedAdamW.withWeightDecay(reference.get("weightDecay").asDouble(),
                        learningRates(reference), manager);
                List<NDArray> params = initial(reference, manager);
                int step = 0;
                for (JsonNode expected : reference.get("steps")) {
                    update(adamw, params, expected, manager);
                    for (int p = 0; p < params.size(); p++) {
                        assertArrayEquals(PyTorchReference.floats(expected.get("params").get(p)),
                                params.get(p).toFloatArray(), TOLERANCE, "parameter " + p + " after step " + step);
                    }
                    step++;
                }
                AdamWState state = adamw.snapshot();
                for (int p = 0; p < params.size(); p++) {
                    AdamWState.Entry entry = state.entries().get("p" + p);
                    assertEquals(reference.get("finalStep").get(p).asLong(), entry.step());
                    assertArrayEquals(PyTorchReference.floats(reference.get("expAvg").get(p)), entry.mean(), 1e-6f);
                    assertArrayEquals(PyTorchReference.floats(reference.get("expAvgSq").get(p)), entry.variance(),
                            1e-7f);
                }
            }
        }
    }

    /** The restored optimiser takes its learning rates from the schedule at the steps its state has taken. */
    @Test
    void aRestoredStateContinuesExactlyLikeTheOriginal() {
        JsonNode reference = PyTorchReference.load().get("adamw").get(0);
        JsonNode steps = reference.get("steps");
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            FusedAdamW original = FusedAdamW.withWeightDecay(0.01, learningRates(reference), manager);
            List<NDArray> params = initial(reference, manager);
            for (int s = 0; s < 3; s++) {
                update(original, params, steps.get(s), manager);
            }
            FusedAdamW resumed = FusedAdamW.withWeightDecay(0.01, learningRates(reference), manager);
            resumed.restore(original.snapshot(), List.of(Device.cpu()));
            List<NDArray> copies = params.stream().map(NDArray::duplicate).toList();
            for (int s = 3; s < steps.size(); s++) {
                update(original, params, steps.get(s), manager);
                update(resumed, copies, steps.get(s), manager);
            }
            for (int p = 0; p < params.size(); p++) {
                assertArrayEquals(params.get(p).toFloatArray(), copies.get(p).toFloatArray(), 0f);
            }
        }
    }

    @Test
    void aZeroLearningRateMovesOnlyTheMomentsEvenWhereTheGradientIsZero() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            FusedAdamW adamw = FusedAdamW.withWeightDecay(0.01, step -> step == 0 ? 0.0 : 0.1, manager);
            NDArray weight = manager.create(new float[] {1f, 2f});
            adamw.update("w", weight, manager.create(new float[] {0f, 1f}));
            assertArrayEquals(new float[] {1f, 2f}, weight.toFloatArray(), 0f);
            assertArrayEquals(new float[] {0f, 0.1f}, adamw.snapshot().entries().get("w").mean(), 1e-7f);
            adamw.update("w", weight, manager.create(new float[] {0f, 1f}));
            // Step 2: m = (0, 0.19), v = (0, 0.001999); m^ / (sqrt(v^) + eps) = (0, 1); decay 1 - 0.1 * 0.01.
            assertArrayEquals(new float[] {0.999f, 2f * 0.999f - 0.1f}, weight.toFloatArray(), 1e-6f);
        }
    }

    /**
     * A fork's inherited state (include: WeightsAndOptimizer): the bias correction counts the source's 100 steps, as
     * torch's AdamW does after load_state_dict, while the learning rate is the new schedule's first (at step 0).
     */
    @Test
    void anInheritedStateKeepsItsBiasCorrectionAndStartsTheScheduleAfresh() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            double lr = 0.1;
            double decay = 0.01;
            // Only the schedule's first step has a learning rate: a step taken at any other position changes nothing.
            FusedAdamW adamw = FusedAdamW.withWeightDecay(decay, step -> step == 0 ? lr : 0, manager);
            AdamWState source = new AdamWState(Map.of("w", new AdamWState.Entry(100, 0, new float[] {0.2f},
                    new float[] {0.04f}, new long[] {1})));
            adamw.restore(source.inherited(), List.of(Device.cpu()));
            NDArray weight = manager.create(new float[] {1f});
            adamw.update("w", weight, manager.create(new float[] {1f}));

            double mean = 0.9 * 0.2f + 0.1;
            double variance = 0.999 * 0.04f + 0.001;
            double corrected = mean / (1 - Math.pow(0.9, 101)) / (Math.sqrt(variance / (1 - Math.pow(0.999, 101)))
                    + 1e-8);
            assertEquals(1 * (1 - lr * decay) - lr * corrected, weight.toFloatArray()[0], 1e-6);
            AdamWState.Entry after = adamw.snapshot().entries().get("w");
            assertEquals(101, after.step());
            assertEquals(100, after.inheritedSteps(), "a checkpoint of the fork keeps the count for its resume");
        }
    }

    @Test
    void aStateOfAnotherShapeIsRefusedNamingTheParameterAndLeavesItUntouched() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            FusedAdamW adamw = FusedAdamW.withWeightDecay(0.01, step -> 0.1, manager);
            // e.g. a checkpoint of another model: the fused kernel would read past the end of these moments
            adamw.restore(new AdamWState(Map.of("fc.weight", new AdamWState.Entry(3, 0, new float[2], new float[2],
                    new long[] {2}))), List.of(Device.cpu()));
            NDArray weight = manager.create(new float[] {1f, 2f, 3f});
            EngineException e = assertThrows(EngineException.class,
                    () -> adamw.update("fc.weight", weight, manager.create(new float[] {1f, 1f, 1f})));
            assertTrue(e.getMessage().startsWith("AdamW step of fc.weight: exp_avg has shape [2], the parameter [3]"),
                    e.getMessage());
            assertArrayEquals(new float[] {1f, 2f, 3f}, weight.toFloatArray(), 0f);
            assertEquals(3, adamw.snapshot().entries().get("fc.weight").step());
        }
    }

    /**
     * The kernel pairs parameter, gradient and moments by memory position: moments in another memory order than a
     * channels-last parameter would be saved scrambled and, restored, meet the wrong elements. Made fresh or restored
     * (both in the default order), they are laid out as the parameter, and every step, the restored state's too,
     * equals the contiguous parameter's to the last bit.
     */
    @Test
    void aChannelsLastParameterStepsExactlyAsTheSameValuesStoredContiguous() {
        Shape shape = new Shape(4, 3, 2, 2);
        SplittableRandom random = new SplittableRandom(5);
        float[] initial = gaussian(random, 48);
        List<float[]> gradients = List.of(gaussian(random, 48), gaussian(random, 48), gaussian(random, 48));
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            FusedAdamW plain = FusedAdamW.withWeightDecay(0.01, step -> 0.1, manager);
            FusedAdamW laidOut = FusedAdamW.withWeightDecay(0.01, step -> 0.1, manager);
            NDArray contiguous = manager.create(initial, shape);
            NDArray channelsLast = manager.create(initial, shape);
            TorchOps.toChannelsLast(channelsLast);
            for (float[] gradient : gradients.subList(0, 2)) {
                plain.update("w", contiguous, manager.create(gradient, shape));
                laidOut.update("w", channelsLast, channelsLastArray(manager, gradient, shape));
                assertArrayEquals(contiguous.toFloatArray(), channelsLast.toFloatArray(), 0f);
            }
            assertArrayEquals(plain.snapshot().entries().get("w").variance(),
                    laidOut.snapshot().entries().get("w").variance(), 0f, "the moments a checkpoint saves");

            FusedAdamW restored = FusedAdamW.withWeightDecay(0.01, step -> 0.1, manager);
            restored.restore(laidOut.snapshot(), List.of(Device.cpu()));
            plain.update("w", contiguous, manager.create(gradients.get(2), shape));
            restored.update("w", channelsLast, channelsLastArray(manager, gradients.get(2), shape));
            assertArrayEquals(contiguous.toFloatArray(), channelsLast.toFloatArray(), 0f, "after the restore");
            assertArrayEquals(plain.snapshot().entries().get("w").mean(), restored.snapshot().entries().get("w").mean(),
                    0f);
        }
    }

    /** A gradient in another memory order than its parameter is refused rather than paired element by element. */
    @Test
    void aGradientLaidOutOtherwiseThanItsParameterIsRefused() {
        Shape shape = new Shape(2, 3, 2, 2);
        float[] values = gaussian(new SplittableRandom(6), 24);
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            FusedAdamW adamw = FusedAdamW.withWeightDecay(0.01, step -> 0.1, manager);
            NDArray weight = manager.create(values, shape);
            TorchOps.toChannelsLast(weight);
            EngineException e = assertThrows(EngineException.class,
                    () -> adamw.update("w", weight, manager.create(values, shape)));
            assertTrue(e.getMessage().startsWith("AdamW step of w: the gradient is not laid out as the parameter"),
                    e.getMessage());
            assertArrayEquals(values, weight.toFloatArray(), 0f);
        }
    }

    private static NDArray channelsLastArray(NDManager manager, float[] values, Shape shape) {
        NDArray array = manager.create(values, shape);
        TorchOps.toChannelsLast(array);
        return array;
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** The reference's learning rate of each step, as the schedule the optimiser steps at. */
    private static LearningRateSchedule learningRates(JsonNode reference) {
        JsonNode steps = reference.get("steps");
        return step -> steps.get((int) step).get("lr").asDouble();
    }

    private static List<NDArray> initial(JsonNode reference, NDManager manager) {
        List<NDArray> params = new ArrayList<>();
        for (int p = 0; p < reference.get("shapes").size(); p++) {
            params.add(manager.create(FloatBuffer.wrap(PyTorchReference.floats(reference.get("initial").get(p))),
                    shape(reference.get("shapes").get(p))));
        }
        return params;
    }

    private static void update(FusedAdamW adamw, List<NDArray> params, JsonNode step, NDManager manager) {
        for (int p = 0; p < params.size(); p++) {
            try (NDArray gradient = manager.create(
                    FloatBuffer.wrap(PyTorchReference.floats(step.get("gradients").get(p))),
                    params.get(p).getShape())) {
                adamw.update("p" + p, params.get(p), gradient);
            }
        }
    }

    private static Shape shape(JsonNode dims) {
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i).asLong();
        }
        return new Shape(shape);
    }
}
