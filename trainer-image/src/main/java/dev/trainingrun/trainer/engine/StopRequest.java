package dev.trainingrun.trainer.engine;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to stop training at the next step boundary, after saving where it stands: what a pod gets as SIGTERM
 * when it is deleted, evicted, preempted, drained or suspended, and a person as Ctrl-C. Set from any thread (a
 * signal handler); the loop polls it between steps and between validation batches.
 */
public final class StopRequest {
    private final AtomicReference<String> reason = new AtomicReference<>();

    /** Asks the loop to stop; {@code why} is what it says when it does. Later requests keep the first reason. */
    public void request(String why) {
        reason.compareAndSet(null, why);
    }

    public boolean requested() {
        return reason.get() != null;
    }

    /** Why the stop was asked for, once it was. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason.get());
    }
}
