package dev.trainingrun.trainer.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.events.StartPoint;
import dev.trainingrun.trainer.model.MemoryFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the trainer says at start about where a resumed run continues. */
class ProgressPrinterTest {
    private static final long STEPS = 6;

    @Test
    void aStopInTheMiddleOfAnEpochContinuesAtTheNextStep() {
        assertTrue(started(3).contains("resuming from checkpoints/step.safetensors: no epoch is done yet, continuing "
                + "epoch 1 at step 4/6"), started(3));
    }

    /** Stopped after the last step, before validation: no step 7 of 6 is left, only the validation. */
    @Test
    void aStopAfterTheLastStepOfAnEpochContinuesWithItsValidation() {
        assertTrue(started(STEPS).contains("resuming from checkpoints/step.safetensors: no epoch is done yet, epoch "
                + "1's 6 steps are trained, validating it"), started(STEPS));
    }

    /** What the printer says when a run of two epochs resumes from a step checkpoint of epoch 1 after {@code steps}. */
    private static String started(long steps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StartPoint start = new StartPoint(Optional.of("checkpoints/step.safetensors"), List.of(),
                Optional.of(new EpochProgress(1, steps, 0.5 * steps, steps, 16 * steps, 0, steps, 1, 0)), List.of(),
                List.of(), Optional.empty());
        new ProgressPrinter(new PrintStream(out, true, StandardCharsets.UTF_8), false).onStart(new RunPlan(
                Architecture.ResNet18, List.of("a", "b"), 96, 16, 2, STEPS, 2 * STEPS, 16, List.of(Device.cpu()),
                MemoryFormat.CONTIGUOUS, new RunPlan.Threads(2, 2, 2), 11_000_000, Optional.empty(),
                Path.of("/checkpoints", "run"), start));
        return out.toString(StandardCharsets.UTF_8);
    }
}
