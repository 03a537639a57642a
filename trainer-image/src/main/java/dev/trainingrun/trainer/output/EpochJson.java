package dev.trainingrun.trainer.output;

import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.api.StopReason;
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
 * @param stopped the stop rule's reason when the run ended after this epoch ({@code TargetReached},
 *     {@code NoImprovement}), else {@code null}; written for the reader, not read back (a resumed run decides again
 *     from the metrics)
 * @param stopMessage the stop rule's words, with {@code stopped}
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
        String checkpoint,
        StopReason stopped,
        String stopMessage) {

    public static EpochJson of(EpochReport report) {
        EpochMetrics m = report.metrics();
        return new EpochJson(m.epoch(), m.trainLoss(), m.valLoss(), m.valAccuracy(), m.valCorrect(), m.valTotal(),
                m.learningRate(), m.seconds(), m.imagesPerSecond(), m.skippedImages(), m.interruptions(),
                m.stepsRedone(), report.checkpoint().orElse(null),
                report.stop().map(EarlyStop::reason).orElse(null), report.stop().map(EarlyStop::message).orElse(null));
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
