package dev.trainingrun.trainer.status;

import dev.trainingrun.api.TrainingRunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A stand-in for the API server: records what it is given, and can be made to fail or to hang. */
final class FakeStatusSink implements StatusSink {
    private final List<TrainingRunStatus> written = new ArrayList<>();
    private int attempts;
    private boolean down;
    private CountDownLatch hold = new CountDownLatch(0);
    private final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public void write(TrainingRunStatus status) {
        synchronized (this) {
            attempts++;
            notifyAll();
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
        awaitUntil(() -> written.size() >= count, () -> "only " + written.size() + " of " + count + " states were written");
        return List.copyOf(written);
    }

    /** Waits until {@code count} writes have been attempted, failed or not. */
    synchronized void awaitAttempts(int count) throws InterruptedException {
        awaitUntil(() -> attempts >= count, () -> "only " + attempts + " of " + count + " writes were attempted");
    }

    /** Waits (holding this object's lock, woken by every attempt and write) until {@code done}, for at most 10 s. */
    private void awaitUntil(BooleanSupplier done, Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(failure.get());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
