package dev.trainingrun.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.trainingrun.trainer.checkpoint.Checkpoints;
import dev.trainingrun.trainer.checkpoint.RunIdentity;
import dev.trainingrun.trainer.config.DeviceChoice;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.data.DataSets;
import dev.trainingrun.trainer.data.ImageDecoder;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.engine.Resumption;
import dev.trainingrun.trainer.engine.StopRequest;
import dev.trainingrun.trainer.engine.TrainingLoop;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.output.RunFiles;
import dev.trainingrun.trainer.output.SkippedImagesFile;
import dev.trainingrun.trainer.output.Versions;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The library's entry point: {@code run(config) → RunResult}. Checks the devices and the data before anything
 * is trained (every bad-data error surfaces here), builds the network, continues from the run's newest readable
 * checkpoint when it resumes, and runs the loop; the run's files (config.json, metrics.jsonl, curves.png) are
 * always written, before the caller's listeners hear of anything.
 */
public final class RunTrainer {
    private static final String ENGINE = "PyTorch";

    private RunTrainer() {}

    /** Trains a run to its last epoch, telling {@code listeners} along the way. */
    public static RunResult run(TrainingConfig config, List<RunListener> listeners) {
        return run(config, listeners, new StopRequest(), Clock.systemUTC());
    }

    /**
     * Trains a run to its last epoch, or until {@code stop} is requested (it then saves a step checkpoint and returns
     * a result that says where); {@code clock} measures the checkpoint interval and dates the run's records.
     */
    public static RunResult run(TrainingConfig config, List<RunListener> listeners, StopRequest stop,
            Clock clock) {
        Engine engine = Engine.getEngine(ENGINE);
        JniUtils.setNumThreads(config.intraOpThreads());
        List<Device> devices = DeviceChoice.choose(config.gpus(), engine.getGpuCount());
        ImageDecoder decoder = ImageDecoder.forThisProcess();
        DataSets data = DataSets.open(config.trainDir(), config.valDir(), config.numClasses(), config.batchSize(),
                decoder, config.loaderThreads());
        RunDirectory run = openRunDirectory(config);
        // Images an earlier attempt found unreadable while training stay unreadable: the same batches again.
        List<SkippedImage> knownUnreadable = config.resume() ? SkippedImagesFile.read(run.skippedImages()) : List.of();
        try (NDManager manager = engine.newBaseManager(devices.get(0))) {
            Network network = Network.create(config.architecture(), config.numClasses(), config.seed(), manager);
            FusedAdamW optimizer = FusedAdamW.withWeightDecay(config.weightDecay(), TrainingLoop.schedule(config, data),
                    manager);
            try (Checkpoints checkpoints = new Checkpoints(run, network, RunIdentity.of(config, data.train()),
                    data.train().classes(), config.saveAfterEpoch(), config.keepCheckpoints(), clock)) {
                Resumption resumption = checkpoints.start(config.resume(), optimizer, devices);
                List<RunListener> all = new ArrayList<>();
                all.add(new RunFiles(run, config, Versions.of(engine), System.err));
                all.addAll(listeners);
                return new TrainingLoop(config, data, network, devices, all, checkpoints, optimizer, resumption,
                        stop, clock, decoder, knownUnreadable).run(manager);
            }
        }
    }

    private static RunDirectory openRunDirectory(TrainingConfig config) {
        try {
            return RunDirectory.open(config.outputDir());
        } catch (IOException e) {
            throw new InvalidInputException("--output: cannot use folder " + config.outputDir() + ": " + e);
        }
    }
}
