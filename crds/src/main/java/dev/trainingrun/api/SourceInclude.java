package dev.trainingrun.api;

/** What a fork takes over from the source's checkpoint ({@code spec.model.from.include}). */
public enum SourceInclude {
    /** The network's parameters and buffers (batch norm's running statistics); the optimiser starts afresh. */
    Weights,
    /** The weights and AdamW's state: both moments of every parameter and its step count. */
    WeightsAndOptimizer
}
