package dev.trainingrun.trainer.events;

/**
 * One finished epoch as the seed reports it (mean training loss; validation loss per image and accuracy as
 * correct/total), with the learning rate of its last step, its duration and training throughput, the images it could
 * not read, and the interruptions it met with the steps they made the run train again.
 */
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double valLoss,
        long valCorrect,
        long valTotal,
        double learningRate,
        double seconds,
        double imagesPerSecond,
        int skippedImages,
        int interruptions,
        long stepsRedone) {

    /** Share of validation images classified correctly, 0 to 1. */
    public double valAccuracy() {
        return valTotal == 0 ? 0 : (double) valCorrect / valTotal;
    }
}
