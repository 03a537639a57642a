package dev.trainingrun.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The active-time tally across suspensions: each transition of the Job, and the deadline it leaves the Job. */
class ActiveTimeTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:00:00Z");

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /** A Job carrying the tally {@code recorded}, with the status the builder gives it. */
    private static JobBuilder job(ActiveTime recorded) {
        Map<String, String> annotations = new LinkedHashMap<>();
        recorded.annotations().forEach((key, value) -> {
            if (value != null) {
                annotations.put(key, value);
            }
        });
        return new JobBuilder().withNewMetadata().withName("cats").withAnnotations(annotations).endMetadata()
                .withNewSpec().endSpec().withNewStatus().endStatus();
    }

    private static Job active(ActiveTime recorded, long startedAt) {
        return job(recorded).editStatus().withStartTime(at(startedAt).toString()).endStatus().build();
    }

    /** Suspended as Kubernetes 1.36 shows it: the Suspended condition, and no start time. */
    private static Job suspended(ActiveTime recorded, long suspendedAt) {
        return job(recorded).editStatus().addNewCondition().withType("Suspended").withStatus("True")
                .withReason("JobSuspended").withLastTransitionTime(at(suspendedAt).toString()).endCondition()
                .endStatus().build();
    }

    @Test
    void aNewJobHasUsedNothingAndGetsTheWholeBudget() {
        ActiveTime time = ActiveTime.of(job(new ActiveTime(0, null)).build());
        assertEquals(new ActiveTime(0, null), time);
        assertEquals(100L, time.jobDeadline(100L));
        assertFalse(time.spent(100L));
    }

    @Test
    void theJobsStartOpensAPeriodAndTheDeadlineStaysTheBudget() {
        ActiveTime time = ActiveTime.of(active(new ActiveTime(0, null), 5));
        assertEquals(new ActiveTime(0, at(5)), time);
        assertEquals(100L, time.jobDeadline(100L));
        assertEquals(30, time.total(at(35)));
    }

    @Test
    void aSuspensionClosesThePeriodAndLeavesTheJobWhatIsLeft() {
        ActiveTime time = ActiveTime.of(suspended(new ActiveTime(0, at(5)), 45));
        assertEquals(new ActiveTime(40, null), time);
        assertEquals(60L, time.jobDeadline(100L), "the Job counts the next period from its resumption");
    }

    @Test
    void seeingTheSuspendedJobAgainCountsNothingTwice() {
        ActiveTime closed = new ActiveTime(40, null);
        assertEquals(closed, ActiveTime.of(suspended(closed, 45)));
    }

    @Test
    void aResumedJobOpensTheNextPeriodAndTimeSuspendedIsNotCounted() {
        ActiveTime time = ActiveTime.of(active(new ActiveTime(40, null), 1000));
        assertEquals(new ActiveTime(40, at(1000)), time);
        assertEquals(60L, time.jobDeadline(100L));
        assertEquals(50, time.total(at(1010)));
    }

    @Test
    void aSuspensionTheOperatorMissedCountsAsActiveSoTheBudgetNeverRunsOver() {
        ActiveTime time = ActiveTime.of(active(new ActiveTime(40, at(1000)), 1300));
        assertEquals(new ActiveTime(340, at(1300)), time);
        assertEquals(1L, time.jobDeadline(300L));
        assertTrue(time.spent(300L));
    }

    @Test
    void anOlderClusterThatKeepsTheStartTimeWhileSuspendedCountsTheSame() {
        Job job = new JobBuilder(suspended(new ActiveTime(0, at(5)), 45)).editStatus()
                .withStartTime(at(5).toString()).endStatus().build();
        assertEquals(new ActiveTime(40, null), ActiveTime.of(job));
    }

    @Test
    void aFinishedJobKeepsItsTallyAndItsLastPeriodEndsWithIt() {
        ActiveTime recorded = new ActiveTime(40, at(1000));
        Job complete = job(recorded).editStatus().withStartTime(at(1000).toString()).addNewCondition()
                .withType("Complete").withStatus("True").endCondition().endStatus().build();
        assertEquals(recorded, ActiveTime.of(complete));
        assertEquals(65, ActiveTime.of(complete).total(at(1025)));
    }

    @Test
    void aSpentBudgetLeavesTheJobTheSmallestDeadlineAndNoBudgetNone() {
        ActiveTime time = new ActiveTime(100, null);
        assertTrue(time.spent(100L));
        assertEquals(1L, time.jobDeadline(100L));
        assertFalse(time.spent(null));
        assertNull(time.jobDeadline(null));
    }

    @Test
    void theTallyRoundTripsThroughTheJobsAnnotations() {
        ActiveTime time = new ActiveTime(42, at(7));
        assertEquals(time, ActiveTime.recorded(job(time).build()));
        assertEquals("2026-01-02T03:00:07Z", time.annotations().get(ActiveTime.SINCE));
        assertNull(new ActiveTime(42, null).annotations().get(ActiveTime.SINCE), "removed by the merge patch");
    }
}
