package dev.trainingrun.trainer.status;

import dev.trainingrun.api.TrainingRunStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Hands the trainer's newest status from the training thread to one writer thread, so that a slow or unreachable
 * API server never holds training up. The hand-off holds one state: a newer one replaces a state not yet written,
 * since each state is complete. When writes fail, the writer says so once, retries the newest state with growing
 * pauses, and says when writes get through again.
 */
public final class StatusPublisher implements AutoCloseable {
    private final StatusSink writer;
    private final PrintStream log;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private final Duration flushTimeout;
    private final Thread thread;
    private final long started = System.nanoTime();

    private final Object lock = new Object();
    /** The newest state not yet written, or null. Guarded by {@link #lock}, as are the fields below. */
    private TrainingRunStatus pending;
    /** How many states were published, and the number of the newest one written. */
    private long published;
    private long written;
    private long writes;
    private boolean closing;

    /**
     * @param firstRetry pause after the first failed write, doubled after each further one up to {@code maxRetry}
     * @param flushTimeout how long {@link #close()} waits for the newest state to be written
     */
    public StatusPublisher(StatusSink writer, PrintStream log, Duration firstRetry, Duration maxRetry,
            Duration flushTimeout) {
        this.writer = writer;
        this.log = log;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
        this.flushTimeout = flushTimeout;
        this.thread = new Thread(this::writeLoop, "status-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands over a complete state; returns at once. The caller must not change it afterwards. */
    public void publish(TrainingRunStatus status) {
        synchronized (lock) {
            pending = status;
            published++;
            lock.notifyAll();
        }
    }

    /** States written so far. */
    public long writes() {
        synchronized (lock) {
            return writes;
        }
    }

    /**
     * Waits (at most the flush timeout) until the newest state is written, stops the writer and says how many
     * writes there were. Training is over by then, so this wait holds nothing up but the pod's exit.
     */
    @Override
    public void close() {
        boolean flushed;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            lock.notifyAll();
            long deadline = System.nanoTime() + flushTimeout.toNanos();
            while (written < published && System.nanoTime() < deadline && waitOnLock(deadline - System.nanoTime())) {
                // woken by a finished write, or the deadline
            }
            flushed = written >= published;
        }
        thread.interrupt();
        writer.close();
        if (published > 0) {
            double minutes = (System.nanoTime() - started) / 60e9;
            log.printf(Locale.ROOT, "status: %d writes in %.1f min%s%n", writes(), minutes, flushed ? ""
                    : "; the newest state could not be written within " + flushTimeout.toSeconds() + " s");
        }
    }

    private void writeLoop() {
        Duration pause = firstRetry;
        long failingSince = 0;
        while (true) {
            TrainingRunStatus next;
            long number;
            synchronized (lock) {
                while (pending == null && !closing) {
                    if (!waitOnLock(Long.MAX_VALUE)) {
                        return;
                    }
                }
                if (pending == null) {
                    return;
                }
                next = pending;
                number = published;
                pending = null;
            }
            try {
                writer.write(next);
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                synchronized (lock) {
                    if (pending == null) {
                        pending = next;
                    }
                }
                if (failingSince == 0) {
                    failingSince = System.nanoTime();
                    log.println("status: cannot write the TrainingRun's status (" + e.getMessage() + "); training"
                            + " goes on, and the newest state is written once the API server accepts it");
                }
                if (!sleep(pause)) {
                    return;
                }
                pause = pause.multipliedBy(2).compareTo(maxRetry) > 0 ? maxRetry : pause.multipliedBy(2);
                continue;
            }
            // Said before the write is counted, so that whoever waits for the count (close, a test) sees the line.
            if (failingSince != 0) {
                log.printf(Locale.ROOT, "status: written again after %.0f s%n", (System.nanoTime() - failingSince) / 1e9);
                failingSince = 0;
                pause = firstRetry;
            }
            synchronized (lock) {
                written = number;
                writes++;
                lock.notifyAll();
            }
        }
    }

    /** Waits on the lock (held by the caller); false when interrupted, which means: stop. */
    private boolean waitOnLock(long nanos) {
        try {
            lock.wait(Math.max(1, nanos / 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
