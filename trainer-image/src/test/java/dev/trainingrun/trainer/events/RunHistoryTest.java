package dev.trainingrun.trainer.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What "best" and "latest" mean, in one place. */
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

    private static EpochMetrics metrics(int epoch, int correct, double valLoss) {
        return new EpochMetrics(epoch, 1, valLoss, correct, 100, 1e-3, 1, 100, 0, 0, 0);
    }
}
