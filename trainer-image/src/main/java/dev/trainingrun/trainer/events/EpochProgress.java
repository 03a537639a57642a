package dev.trainingrun.trainer.events;

/**
 * How far an epoch has got: the batches of its order trained so far and the sums its metrics are made of. A step
 * checkpoint carries it, so that a resumed run continues at the next batch and reports the epoch as if it had never
 * stopped; it also counts the interruptions the epoch met and the steps they made the run train twice.
 *
 * @param batches batches of the epoch's order done, 0 to steps per epoch
 * @param lossSum sum of the mean losses of the trained batches
 * @param stepsTrained batches trained (every batch: an unreadable image's place goes to a replacement)
 * @param samples images the batches held, counting every batch as full
 * @param skippedImages image files the run has left out as unreadable so far (the scan's and those found while
 *     training)
 * @param seconds training time of the epoch so far, across attempts
 */
public record EpochProgress(int epoch, long batches, double lossSum, long stepsTrained, long samples,
        int skippedImages, double seconds, int interruptions, long stepsRedone) {

    /** An epoch not begun. */
    public static EpochProgress start(int epoch) {
        return new EpochProgress(epoch, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** After one more batch of {@code batchSize} images, trained with {@code loss}. */
    public EpochProgress afterBatch(int batchSize, double loss, double stepSeconds) {
        return new EpochProgress(epoch, batches + 1, lossSum + loss, stepsTrained + 1, samples + batchSize,
                skippedImages, seconds + stepSeconds, interruptions, stepsRedone);
    }

    /** With {@code total} image files left out as unreadable by the run so far. */
    public EpochProgress withSkipped(int total) {
        return new EpochProgress(epoch, batches, lossSum, stepsTrained, samples, total, seconds, interruptions,
                stepsRedone);
    }

    /** The same position, having met {@code interruption} on the way here. */
    public EpochProgress after(Interruption interruption) {
        return new EpochProgress(epoch, batches, lossSum, stepsTrained, samples, skippedImages, seconds,
                interruptions + 1, stepsRedone + interruption.stepsRedone());
    }

    /** The mean training loss so far; NaN before the first trained batch. */
    public double meanLoss() {
        return stepsTrained == 0 ? Double.NaN : lossSum / stepsTrained;
    }
}
