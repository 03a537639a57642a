package dev.trainingrun.trainer.engine;

import ai.djl.ndarray.NDArray;

/** {@code nn.CrossEntropyLoss} on logits and class indices: minus the log-softmax of the true class. */
final class CrossEntropy {
    private CrossEntropy() {}

    /** Per-image losses, shape (N). */
    static NDArray perImage(NDArray logits, NDArray labels) {
        return logits.logSoftmax(1).gather(labels.reshape(-1, 1), 1).reshape(-1).neg();
    }
}
