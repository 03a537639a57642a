package dev.trainingrun.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.trainingrun.trainer.data.DataSets;
import dev.trainingrun.trainer.data.ImageTransform;
import dev.trainingrun.trainer.loop.Checkpointing;
import dev.trainingrun.trainer.loop.EpochMetrics;
import dev.trainingrun.trainer.loop.EpochReport;
import dev.trainingrun.trainer.loop.LoopState;
import dev.trainingrun.trainer.loop.Resumption;
import dev.trainingrun.trainer.loop.RunHistory;
import dev.trainingrun.trainer.loop.TrainingListener;
import dev.trainingrun.trainer.loop.TrainingLoop;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.AdamW;
import java.util.List;
import java.util.Optional;

/**
 * The library's entry point: {@code run(config) → TrainingResult}. Checks the devices and the data before anything
 * is trained (every bad-data error surfaces here), builds the network, and runs the loop.
 */
public final class Trainer {
    private static final String ENGINE = "PyTorch";

    private Trainer() {}

    /** Trains a run to its last epoch, telling {@code listeners} along the way. */
    public static TrainingResult run(TrainingConfig config, List<TrainingListener> listeners) {
        Engine engine = Engine.getEngine(ENGINE);
        List<Device> devices = DeviceChoice.choose(config.gpus(), engine.getGpuCount());
        DataSets data = DataSets.open(config.trainDir(), config.valDir(), config.numClasses(), config.batchSize());
        TrainingLoop.Settings settings = new TrainingLoop.Settings(config.epochs(), config.batchSize(),
                config.validationBatchSize(), config.learningRate(), config.warmupEpochs(), config.seed(),
                config.loaderThreads(), ImageTransform.training(config.imageSize(), config.normalizer()),
                ImageTransform.validation(config.imageSize(), config.normalizer()), config.outputDir());
        try (NDManager manager = engine.newBaseManager(devices.get(0))) {
            Network network = Network.create(config.architecture(), config.numClasses(), config.seed(), manager);
            AdamW optimizer = AdamW.withWeightDecay(config.weightDecay(), manager);
            Checkpointing historyOnly = new Checkpointing() {
                @Override
                public EpochReport afterEpoch(EpochMetrics metrics, RunHistory history, LoopState state) {
                    return history.add(metrics, Optional.empty());
                }

                @Override
                public void afterRun(RunHistory history, LoopState state) {}
            };
            return new TrainingLoop(settings, data, network, devices, listeners, historyOnly, optimizer,
                    Resumption.fresh(List.of())).run(manager);
        }
    }
}
