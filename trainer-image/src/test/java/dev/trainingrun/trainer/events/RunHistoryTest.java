package dev.trainingrun.trainer.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.api.StopReason;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What "best" and "latest" mean, in one place, and when the stop rules end a run. */
class RunHistoryTest {

    @Test
    void theBestIsTheHighestAccuracyThenTheLowestLossThenTheEarliest() {
        RunHistory history = new RunHistory(List.of());
        history.add(metrics(1, 80, 0.5), Optional.empty());
        history.add(metrics(2, 90, 0.4), Optional.of("c2"));
        history.add(metrics(3, 90, 0.3), Optional.of("c3"));
        EpochReport fourth = history.add(metrics(4, 90, 0.3), Optional.of("c4"));

        assertEquals(new BestEpoch(3, 0.9, 0.3, Optional.of("c3")), fourth.best());
        assertEquals(Optional.of("c4"), fourth.latestCheckpoint());
        assertEquals(3, history.bestSaved().orElseThrow().epoch());
    }

    @Test
    void anUnsavedEpochCanBeTheBestWhileTheBestSavedIsAnother() {
        RunHistory history = new RunHistory(List.of());
        history.add(metrics(1, 95, 0.1), Optional.empty());
        EpochReport second = history.add(metrics(2, 90, 0.2), Optional.of("c2"));
        EpochReport third = history.add(metrics(3, 85, 0.3), Optional.empty());

        assertEquals(new BestEpoch(1, 0.95, 0.1, Optional.empty()), second.best());
        assertEquals(2, history.bestSaved().orElseThrow().epoch());
        assertEquals(Optional.of("c2"), third.latestCheckpoint(), "the newest checkpoint is still epoch 2's");
        assertEquals(Optional.empty(), third.checkpoint());
    }

    @Test
    void epochsComeInOrder() {
        RunHistory history = new RunHistory(List.of());
        assertThrows(IllegalArgumentException.class, () -> history.add(metrics(2, 50, 1), Optional.empty()));
    }

    @Test
    void aTargetStopsTheRunAtTheFirstEpochThatReachesIt() {
        RunHistory history = new RunHistory(List.of(), new StopRules(OptionalDouble.of(0.9), OptionalInt.empty()));

        assertEquals(Optional.empty(), history.add(metrics(1, 89, 0.5), Optional.empty()).stop());
        EarlyStop stop = history.add(metrics(2, 90, 0.6), Optional.empty()).stop().orElseThrow();

        assertEquals(StopReason.TargetReached, stop.reason());
        assertEquals("validation accuracy 90.00 % (90/100) at epoch 2 reached the target of 90.00 % "
                + "(spec.training.stopWhen.validationAccuracy 0.9).", stop.message());
        assertTrue(history.stoppedEarly());
    }

    @Test
    void aTieIsNoImprovementAndALowerLossAtTheSameAccuracyIs() {
        RunHistory history = new RunHistory(List.of(), new StopRules(OptionalDouble.empty(), OptionalInt.of(2)));
        history.add(metrics(1, 80, 0.5), Optional.empty());
        assertEquals(Optional.empty(), history.add(metrics(2, 80, 0.4), Optional.empty()).stop(), "a new best");
        assertEquals(Optional.empty(), history.add(metrics(3, 80, 0.4), Optional.empty()).stop(), "1 without");
        EarlyStop stop = history.add(metrics(4, 70, 0.3), Optional.empty()).stop().orElseThrow();

        assertEquals(StopReason.NoImprovement, stop.reason());
        assertEquals("2 epoch(s) in a row brought no new best after epoch 2 (validation accuracy 80.00 %), stopped at "
                + "epoch 4 (spec.training.stopWhen.epochsWithoutImprovement 2).", stop.message());
    }

    @Test
    void aResumedHistoryCountsEpochsWithoutImprovementFromTheRunsFirstEpoch() {
        StopRules patience = new StopRules(OptionalDouble.empty(), OptionalInt.of(3));
        RunHistory before = new RunHistory(List.of());
        before.add(metrics(1, 90, 0.5), Optional.empty());
        before.add(metrics(2, 80, 0.5), Optional.empty());
        before.add(metrics(3, 80, 0.5), Optional.empty());

        RunHistory resumed = new RunHistory(before.reports(), patience);

        assertEquals(Optional.empty(), resumed.last().stop());
        assertEquals(StopReason.NoImprovement, resumed.add(metrics(4, 85, 0.1), Optional.empty()).stop()
                .orElseThrow().reason());
    }

    @Test
    void aResumedHistoryThatARuleEndedSaysSo() {
        RunHistory before = new RunHistory(List.of());
        before.add(metrics(1, 95, 0.5), Optional.empty());

        RunHistory resumed = new RunHistory(before.reports(),
                new StopRules(OptionalDouble.of(0.95), OptionalInt.empty()));

        assertTrue(resumed.stoppedEarly());
    }

    private static EpochMetrics metrics(int epoch, int correct, double valLoss) {
        return new EpochMetrics(epoch, 1, valLoss, correct, 100, 1e-3, 1, 100, 0, 0, 0);
    }
}
