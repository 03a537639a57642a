package dev.trainingrun.trainer.events;

/** A checkpoint passed over when resuming because it is truncated or corrupt: its path (relative) and why. */
public record UnreadableCheckpoint(String checkpoint, String reason) {}
