package dev.trainingrun.trainer.status;

import dev.trainingrun.api.TrainingRunStatus;

/** Where the trainer's part of a run's status goes: the TrainingRun in the cluster, or a fake in tests. */
public interface StatusSink extends AutoCloseable {

    /**
     * Writes {@code status} (the trainer's fields only, each write complete) or throws; the caller retries with
     * the newest state.
     */
    void write(TrainingRunStatus status);

    /** Releases the connection, if any; called once nothing more will be written. */
    @Override
    default void close() {}
}
