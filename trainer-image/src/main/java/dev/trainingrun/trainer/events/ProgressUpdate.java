package dev.trainingrun.trainer.events;

/**
 * Where training is within an epoch and the run: the seed's progress bar (epoch, samples seen, percent, loss,
 * learning rate) plus throughput and an estimate of the time left.
 */
public record ProgressUpdate(
        int epoch,
        int totalEpochs,
        long step,
        long totalSteps,
        long samplesSeen,
        long samplesPerEpoch,
        double loss,
        double learningRate,
        double imagesPerSecond,
        long secondsRemaining) {

    /** Share of the epoch done, 0 to 1. */
    public double epochFraction() {
        return samplesPerEpoch == 0 ? 1 : (double) samplesSeen / samplesPerEpoch;
    }
}
