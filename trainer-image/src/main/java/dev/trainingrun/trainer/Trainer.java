package dev.trainingrun.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.trainingrun.trainer.data.DataSets;
import dev.trainingrun.trainer.data.ImageTransform;
import dev.trainingrun.trainer.loop.TrainingListener;
import dev.trainingrun.trainer.loop.TrainingLoop;
import dev.trainingrun.trainer.model.Network;
import java.util.List;

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
                config.validationBatchSize(), config.learningRate(), config.warmupEpochs(), config.weightDecay(),
                config.seed(), config.loaderThreads(),
                ImageTransform.training(config.imageSize(), config.normalizer()),
                ImageTransform.validation(config.imageSize(), config.normalizer()));
        try (NDManager manager = engine.newBaseManager(devices.get(0))) {
            Network network = Network.create(config.architecture(), config.numClasses(), config.seed(), manager);
            return new TrainingLoop(settings, data, network, devices, listeners).run(manager);
        }
    }
}
