package dev.trainingrun.trainer.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.Lineage;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.events.StopRules;
import java.util.List;

/**
 * {@code config.json}, what the seed's {@code log.json} records and more: the run, the versions that ran it, its
 * configuration resolved (defaults filled in, folders resolved, what the data and schedule came to), where this
 * attempt started, for a fork the run and checkpoint it started from (its lineage; left out otherwise), and the
 * manifest as given.
 */
record ConfigJson(Run run, Versions versions, Resolved resolved, Start start,
        @JsonInclude(JsonInclude.Include.NON_NULL) Lineage forkedFrom, TrainingRun manifest) {

    /** Which run, and its folder. */
    record Run(String name, String namespace, String uid, String directory) {}

    /**
     * Every setting with its default filled in, and what the data and schedule came to.
     *
     * @param weights the initial weights ({@code spec.model.weights}), left out when the run has none
     * @param normalize per-channel {@code mean} and {@code std} of pixels in [0, 1]; written as {@code null} when
     *     switched off
     * @param cpus the CPUs the trainer may use: its container's CPU limit, or the machine's cores without one
     * @param intraOpThreads libtorch's intra-op threads: {@code spec.training.intraOpThreads}, or {@code cpus}
     * @param loaderThreads image loading threads: {@code spec.data.loaderThreads}, at most {@code cpus}
     * @param stopWhen the stop rules ({@code spec.training.stopWhen}), left out when the run has none
     * @param memoryFormat how the network is stored while it trains, "contiguous" or "channels-last", as the
     *     trainer chose it from the image size and devices ({@code MemoryFormat.forTraining})
     */
    record Resolved(
            String architecture,
            int numClasses,
            Weights weights,
            boolean freezeBackbone,
            List<String> classes,
            String trainDir,
            String valDir,
            int trainImages,
            int validationImages,
            int imageSize,
            @JsonInclude(JsonInclude.Include.ALWAYS) Normalize normalize,
            int cpus,
            int intraOpThreads,
            int loaderThreads,
            int epochs,
            int batchSize,
            int validationBatchSize,
            double learningRate,
            int warmupEpochs,
            double weightDecay,
            long seed,
            StopWhen stopWhen,
            long stepsPerEpoch,
            long totalSteps,
            long trainableParameters,
            int saveAfterEpoch,
            int keepCheckpoints,
            long checkpointIntervalSeconds,
            boolean resume,
            int gpus,
            List<String> devices,
            String memoryFormat) {}

    record Normalize(List<Double> mean, List<Double> std) {}

    /** The stop rules: a target validation accuracy (0 to 1) and a patience in epochs, each left out when unset. */
    record StopWhen(Double validationAccuracy, Integer epochsWithoutImprovement) {
        static StopWhen of(StopRules rules) {
            if (rules.validationAccuracy().isEmpty() && rules.epochsWithoutImprovement().isEmpty()) {
                return null;
            }
            var accuracy = rules.validationAccuracy();
            var patience = rules.epochsWithoutImprovement();
            return new StopWhen(accuracy.isPresent() ? accuracy.getAsDouble() : null,
                    patience.isPresent() ? patience.getAsInt() : null);
        }
    }

    /**
     * Initial weights: the file (resolved under the data volume's root) and its SHA-256, the tensors taken from it,
     * and whether the head came from it or was initialised for the run's class count.
     */
    record Weights(String path, String sha256, int tensors, boolean headFromFile) {}

    /**
     * Where this attempt started: the epoch, the checkpoint it continued from and the batch within the epoch (both
     * {@code null} for a fresh start), and the interruptions the run had met.
     */
    record Start(int epoch, String checkpoint, Long batch, int interruptions) {}

    static ConfigJson of(TrainingConfig config, RunPlan plan, Versions versions) {
        var metadata = config.manifest().getMetadata();
        var normalization = config.normalization();
        var start = plan.start();
        return new ConfigJson(
                new Run(metadata.getName(), metadata.getNamespace(), metadata.getUid(), plan.runDirectory().toString()),
                versions,
                new Resolved(config.architecture().name(), config.numClasses(),
                        plan.weights().map(w -> new Weights(w.file().toString(), w.sha256(), w.tensors(),
                                w.headFromFile())).orElse(null),
                        config.freezeBackbone(), plan.classes(),
                        config.trainDir().toString(), config.valDir().toString(), plan.trainImages(),
                        plan.validationImages(), config.imageSize(),
                        normalization.isEnabled() ? new Normalize(normalization.getMean(), normalization.getStd()) : null,
                        config.cpus(), config.intraOpThreads(), config.loaderThreads(), config.epochs(), config.batchSize(), config.validationBatchSize(),
                        config.learningRate(), config.warmupEpochs(), config.weightDecay(), config.seed(),
                        StopWhen.of(config.stopRules()), plan.stepsPerEpoch(), plan.totalSteps(), plan.trainableParameters(), config.saveAfterEpoch(),
                        config.keepCheckpoints(), config.checkpointInterval().toSeconds(), config.resume(),
                        config.gpus(), plan.devices().stream().map(Object::toString).toList(),
                        plan.memoryFormat().label()),
                new Start(start.firstEpoch(), start.checkpoint().orElse(null),
                        start.inEpoch().map(EpochProgress::batches).orElse(null), start.interruptions().size()),
                start.forkedFrom().orElse(null),
                config.manifest());
    }
}
