package dev.trainingrun.trainer.output;

import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochReport;
import java.util.Optional;

/**
 * One epoch as a JSON object: a line of {@code metrics.jsonl}, and an entry of the history a checkpoint carries so
 * that a resumed run can write the same lines again.
 *
 * @param valAccuracy written for the reader's convenience; read back, it is recomputed from the counts
 * @param interruptions {@code null} only in checkpoints written before interruptions were counted (read as 0), as is
 *     {@code stepsRedone}
 * @param checkpoint the checkpoint saved after the epoch, relative to the run directory; {@code null} when none was
 */
public record EpochJson(
        int epoch,
        double trainLoss,
        double valLoss,
        double valAccuracy,
        long valCorrect,
        long valTotal,
        double learningRate,
        double seconds,
        double imagesPerSecond,
        int skippedImages,
        Integer interruptions,
        Long stepsRedone,
        String checkpoint) {

    public static EpochJson of(EpochReport report) {
        EpochMetrics m = report.metrics();
        return new EpochJson(m.epoch(), m.trainLoss(), m.valLoss(), m.valAccuracy(), m.valCorrect(), m.valTotal(),
                m.learningRate(), m.seconds(), m.imagesPerSecond(), m.skippedImages(), m.interruptions(),
                m.stepsRedone(), report.checkpoint().orElse(null));
    }

    public EpochMetrics metrics() {
        return new EpochMetrics(epoch, trainLoss, valLoss, valCorrect, valTotal, learningRate, seconds,
                imagesPerSecond, skippedImages, interruptions == null ? 0 : interruptions,
                stepsRedone == null ? 0 : stepsRedone);
    }

    public Optional<String> checkpointPath() {
        return Optional.ofNullable(checkpoint);
    }
}
