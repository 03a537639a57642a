package dev.trainingrun.trainer.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainingRunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The hand-off between the training thread and the status writer: newest state wins, nothing ever waits on it. */
class StatusPublisherTest {
    /** Far beyond any wait of the publisher's under test: reaching it means a hang, not a slow machine. */
    private static final Duration HANG = Duration.ofSeconds(60);

    private final FakeStatusSink writer = new FakeStatusSink();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);

    private StatusPublisher publisher(Duration flushTimeout) {
        return new StatusPublisher(writer, log, Duration.ofMillis(20), Duration.ofMillis(80), flushTimeout);
    }

    @Test
    void statesPublishedWhileAWriteIsUnderWayAreReplacedByTheNewest() throws Exception {
        List<TrainingRunStatus> states = IntStream.range(0, 5).mapToObj(i -> new TrainingRunStatus()).toList();
        writer.hold();
        try (StatusPublisher publisher = publisher(Duration.ofSeconds(5))) {
            publisher.publish(states.get(0));
            writer.awaitFirstAttempt();
            states.subList(1, 5).forEach(publisher::publish);
            writer.release();
            List<TrainingRunStatus> written = writer.awaitWritten(2);
            assertSame(states.get(0), written.get(0));
            assertSame(states.get(4), written.get(1));
        }
        assertEquals(2, writer.attempts());
    }

    @Test
    void publishingNeverWaitsForTheWriter() throws Exception {
        writer.hold();
        try (StatusPublisher publisher = publisher(Duration.ofMillis(100))) {
            publisher.publish(new TrainingRunStatus());
            writer.awaitFirstAttempt();
            // The writer is held for the whole loop: if a hand-off waited for it, this would never finish.
            assertTimeoutPreemptively(HANG, () -> {
                for (int i = 0; i < 10_000; i++) {
                    publisher.publish(new TrainingRunStatus());
                }
            });
            assertEquals(1, writer.attempts(), "the held writer is still in its first write");
        } finally {
            writer.release();
        }
    }

    @Test
    void anOutageIsReportedOnceAndTheNewestStateIsWrittenWhenTheServerIsBack() throws Exception {
        TrainingRunStatus before = new TrainingRunStatus();
        TrainingRunStatus during = new TrainingRunStatus();
        TrainingRunStatus newest = new TrainingRunStatus();
        try (StatusPublisher publisher = publisher(Duration.ofSeconds(5))) {
            publisher.publish(before);
            writer.awaitWritten(1);
            writer.down(true);
            publisher.publish(during);
            writer.awaitAttempts(4);
            publisher.publish(newest);
            writer.awaitAttempts(7);
            writer.down(false);
            List<TrainingRunStatus> written = writer.awaitWritten(2);
            assertSame(newest, written.get(1), "the newest state, not the one the outage interrupted");
        }
        String text = logged.toString(StandardCharsets.UTF_8);
        assertEquals(1, count(text, "status: cannot write"), text);
        assertTrue(text.contains("connection refused"), text);
        assertEquals(1, count(text, "status: written again after"), text);
        assertTrue(text.contains("status: 2 writes in"), text);
    }

    @Test
    void closingWritesTheNewestState() {
        TrainingRunStatus last = new TrainingRunStatus();
        StatusPublisher publisher = publisher(Duration.ofSeconds(5));
        publisher.publish(new TrainingRunStatus());
        publisher.publish(last);
        publisher.close();
        List<TrainingRunStatus> written = writer.written();
        assertSame(last, written.get(written.size() - 1));
    }

    @Test
    void closingGivesUpAfterTheFlushTimeoutWhenTheServerStaysAway() {
        writer.down(true);
        StatusPublisher publisher = publisher(Duration.ofMillis(300));
        publisher.publish(new TrainingRunStatus());
        // The server never comes back: a close that waited for it would never return.
        assertTimeoutPreemptively(HANG, publisher::close);
        assertTrue(writer.written().isEmpty());
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("could not be written within"));
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
