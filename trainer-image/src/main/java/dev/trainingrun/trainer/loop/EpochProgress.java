package dev.trainingrun.trainer.loop;

/**
 * How far an epoch has got: the batches of its order trained so far and the sums its metrics are made of. A step
 * checkpoint carries it, so that a resumed run continues at the next batch and reports the epoch as if it had never
 * stopped; it also counts the interruptions the epoch met and the steps they made the run train twice.
 *
 * @param batches batches of the epoch's order done, 0 to steps per epoch
 * @param lossSum sum of the mean losses of the trained batches
 * @param stepsTrained batches trained (a batch whose images were all unreadable is not)
 * @param samples images the batches held, counting every batch as full
 * @param skippedImages images of the epoch that could not be read
 * @param seconds training time of the epoch so far, across attempts
 */
public record EpochProgress(int epoch, long batches, double lossSum, long stepsTrained, long samples,
        int skippedImages, double seconds, int interruptions, long stepsRedone) {

    /** An epoch not begun. */
    public static EpochProgress start(int epoch) {
        return new EpochProgress(epoch, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** After one more batch of {@code batchSize} places, trained with {@code loss} unless it was empty. */
    EpochProgress afterBatch(int batchSize, boolean trained, double loss, double stepSeconds) {
        return new EpochProgress(epoch, batches + 1, trained ? lossSum + loss : lossSum,
                trained ? stepsTrained + 1 : stepsTrained, samples + batchSize, skippedImages, seconds + stepSeconds,
                interruptions, stepsRedone);
    }

    EpochProgress withSkipped(int more) {
        return new EpochProgress(epoch, batches, lossSum, stepsTrained, samples, skippedImages + more, seconds,
                interruptions, stepsRedone);
    }

    /** The same position, having met {@code interruption} on the way here. */
    public EpochProgress after(Interruption interruption) {
        return new EpochProgress(epoch, batches, lossSum, stepsTrained, samples, skippedImages, seconds,
                interruptions + 1, stepsRedone + interruption.stepsRedone());
    }

    /** The mean training loss so far; NaN before the first trained batch. */
    double meanLoss() {
        return stepsTrained == 0 ? Double.NaN : lossSum / stepsTrained;
    }
}
