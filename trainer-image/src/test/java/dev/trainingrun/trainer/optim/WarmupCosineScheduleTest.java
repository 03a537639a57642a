package dev.trainingrun.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class WarmupCosineScheduleTest {
    private final WarmupCosineSchedule schedule = new WarmupCosineSchedule(0.001, 10, 50);

    @Test
    void startsAtZeroBeforeTheFirstStep() {
        assertEquals(0.0, schedule.at(0));
    }

    @Test
    void reachesThePeakAtTheEndOfWarmUp() {
        assertEquals(0.0009, schedule.at(9), 1e-15);
        assertEquals(0.001, schedule.at(10), 1e-15);
    }

    @Test
    void isHalfThePeakHalfwayThroughTheCosine() {
        assertEquals(0.0005, schedule.at(30), 1e-15);
    }

    @Test
    void endsNearZeroAtTheLastStepAndZeroAfter() {
        assertEquals(0.001 * 0.5 * (1 + Math.cos(Math.PI * 39 / 40)), schedule.at(49), 1e-15);
        assertEquals(0.0, schedule.at(50));
        assertEquals(0.0, schedule.at(60));
    }

    @Test
    void withoutWarmUpTheFirstStepRunsAtThePeak() {
        assertEquals(0.01, new WarmupCosineSchedule(0.01, 0, 20).at(0));
    }

    @Test
    void warmUpAsLongAsTheRunNeverReachesTheCosine() {
        WarmupCosineSchedule all = new WarmupCosineSchedule(0.1, 4, 4);
        assertEquals(0.075, all.at(3), 1e-15);
        assertEquals(0.0, all.at(4));
    }

    @Test
    void refusesWarmUpLongerThanTheRun() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0.1, 5, 4));
    }

    /** Torch's LinearLR + CosineAnnealingLR in a SequentialLR, recorded before every optimiser step. */
    @Test
    void matchesPyTorchsSchedulersAtEveryStep() {
        for (JsonNode reference : PyTorchReference.load().get("schedules")) {
            double peak = reference.get("peak").asDouble();
            WarmupCosineSchedule ours = new WarmupCosineSchedule(peak, reference.get("warmupSteps").asLong(),
                    reference.get("totalSteps").asLong());
            JsonNode lrs = reference.get("lr");
            for (int step = 0; step < lrs.size(); step++) {
                // LinearLR cannot start at exactly 0: the reference starts at 1e-9 of the peak.
                assertEquals(lrs.get(step).asDouble(), ours.at(step), 1e-9 * peak + 1e-12,
                        "step " + step + " of " + reference);
            }
        }
    }
}
