package dev.trainingrun.trainer.status;

import dev.trainingrun.api.TrainingRunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A stand-in for the API server: records what it is given, and can be made to fail or to hang. */
final class FakeStatusWriter implements StatusWriter {
    private final List<TrainingRunStatus> written = new ArrayList<>();
    private int attempts;
    private boolean down;
    private CountDownLatch hold = new CountDownLatch(0);
    private final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public void write(TrainingRunStatus status) {
        synchronized (this) {
            attempts++;
        }
        entered.countDown();
        try {
            if (!hold.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("held for too long");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        synchronized (this) {
            if (down) {
                throw new IllegalStateException("connection refused");
            }
            written.add(status);
            notifyAll();
        }
    }

    /** Makes every write fail (true) or succeed (false) from now on. */
    synchronized void down(boolean down) {
        this.down = down;
    }

    /** Makes writes wait until {@link #release()}. */
    void hold() {
        hold = new CountDownLatch(1);
    }

    void release() {
        hold.countDown();
    }

    /** Waits until a write has begun. */
    void awaitFirstAttempt() throws InterruptedException {
        if (!entered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no write was attempted");
        }
    }

    synchronized int attempts() {
        return attempts;
    }

    synchronized List<TrainingRunStatus> written() {
        return List.copyOf(written);
    }

    /** Waits until {@code count} states have been written. */
    synchronized List<TrainingRunStatus> awaitWritten(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (written.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + written.size() + " of " + count + " states were written");
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(written);
    }
}
