package dev.trainingrun.trainer.status;

import dev.trainingrun.api.BestResult;
import dev.trainingrun.api.EpochResult;
import dev.trainingrun.api.Interruptions;
import dev.trainingrun.api.Progress;
import dev.trainingrun.api.StartedFrom;
import dev.trainingrun.trainer.events.BestEpoch;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.Interruption;
import dev.trainingrun.trainer.events.Lineage;
import dev.trainingrun.trainer.events.ProgressUpdate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The trainer's findings in the shape of the TrainingRun status. Numbers that are not finite (a diverged loss, an
 * empty validation set) are left out: JSON has no NaN, and the API server would refuse the whole write.
 * Accuracies are rounded to four decimals, as {@code kubectl get tr} shows them; metrics.jsonl keeps them exact.
 */
final class StatusFields {
    private StatusFields() {}

    static EpochResult epoch(EpochReport report) {
        EpochMetrics metrics = report.metrics();
        EpochResult result = new EpochResult(metrics.epoch());
        result.setTrainLoss(finite(metrics.trainLoss()));
        result.setValLoss(finite(metrics.valLoss()));
        result.setValAccuracy(accuracy(metrics.valAccuracy()));
        result.setLearningRate(finite(metrics.learningRate()));
        result.setSeconds(finite(metrics.seconds()));
        result.setCheckpoint(report.checkpoint().orElse(null));
        return result;
    }

    static BestResult best(BestEpoch best) {
        BestResult result = new BestResult();
        result.setEpoch(best.epoch());
        result.setValAccuracy(accuracy(best.valAccuracy()));
        result.setCheckpoint(best.checkpoint().orElse(null));
        return result;
    }

    /** Progress from the loop's update, with the newest finished epoch's accuracy (null before the first). */
    static Progress progress(ProgressUpdate update, Double valAccuracy, Instant now) {
        Progress progress = new Progress();
        progress.setEpoch(update.epoch());
        progress.setTotalEpochs(update.totalEpochs());
        progress.setStep(update.step());
        progress.setTotalSteps(update.totalSteps());
        progress.setImagesPerSecond(update.imagesPerSecond() > 0 ? finite(update.imagesPerSecond()) : null);
        progress.setSecondsRemaining(update.secondsRemaining() >= 0 ? update.secondsRemaining() : null);
        progress.setValAccuracy(valAccuracy);
        progress.setUpdatedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        return progress;
    }

    /** The run's interruptions in all; null for a run that has had none. */
    static Interruptions interruptions(List<Interruption> all) {
        if (all.isEmpty()) {
            return null;
        }
        Interruptions result = new Interruptions();
        result.setCount(all.size());
        result.setStepsRedone(all.stream().mapToLong(Interruption::stepsRedone).sum());
        result.setSecondsLost(finite(Math.round(all.stream().mapToDouble(Interruption::secondsLost).sum() * 10) / 10.0));
        Interruption last = all.get(all.size() - 1);
        result.setLastCause(last.cause());
        result.setLastResumedAt(last.time().truncatedTo(ChronoUnit.SECONDS).toString());
        return result;
    }

    /** A fork's lineage as status.startedFrom. */
    static StartedFrom startedFrom(Lineage lineage) {
        StartedFrom result = new StartedFrom();
        result.setRun(lineage.run());
        result.setUid(lineage.uid());
        result.setCheckpoint(lineage.checkpoint());
        result.setEpoch(lineage.epoch());
        result.setInclude(lineage.include().name());
        return result;
    }

    static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    static Double accuracy(double value) {
        return Double.isFinite(value) ? Math.round(value * 1e4) / 1e4 : null;
    }
}
