package dev.trainingrun.api;

/** Which checkpoint of the source run a fork starts from ({@code spec.model.from.checkpoint}). */
public enum SourceCheckpoint {
    /** The checkpoint the source's {@code checkpoints/best} pointer names: its best validation accuracy. */
    Best,
    /** The checkpoint the source's {@code checkpoints/latest} pointer names: its newest epoch checkpoint. */
    Latest,
    /** The checkpoint of the epoch {@code spec.model.from.epoch}. */
    Epoch
}
