package dev.trainingrun.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.trainingrun.trainer.checkpoint.Checkpoints;
import dev.trainingrun.trainer.checkpoint.Fork;
import dev.trainingrun.trainer.checkpoint.RunIdentity;
import dev.trainingrun.trainer.checkpoint.StateDictLoader;
import dev.trainingrun.trainer.config.DeviceChoice;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.data.DataSets;
import dev.trainingrun.trainer.data.ImageDecoder;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.engine.Resumption;
import dev.trainingrun.trainer.engine.StopRequest;
import dev.trainingrun.trainer.engine.TrainingDiverged;
import dev.trainingrun.trainer.engine.TrainingLoop;
import dev.trainingrun.trainer.events.LoadedWeights;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.files.IoErrors;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.output.RunFiles;
import dev.trainingrun.trainer.output.SkippedImagesFile;
import dev.trainingrun.trainer.output.Versions;
import dev.trainingrun.trainer.safetensors.InvalidSafetensorsException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The library's entry point: {@code run(config) → RunResult}. Checks the devices and the data before anything
 * is trained (every bad-data error surfaces here), builds the network and puts the initial weights into it (checked
 * before the run's folder is made), continues from the run's newest readable checkpoint when it resumes (a fork
 * without one starts from its source's checkpoint, also checked before), and runs the loop; the run's files
 * (config.json, metrics.jsonl, curves.png) are always written, before the caller's listeners hear of anything.
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
        Optional<Fork> fork = Fork.of(config);
        // A fork's source is checked before its folder is made, so that a wrong source leaves nothing behind; a fork
        // that continues from checkpoints of its own does not need it.
        fork.filter(source -> !config.resume() || !new RunDirectory(config.outputDir()).hasCheckpoint())
                .ifPresent(Fork::find);
        try (NDManager manager = engine.newBaseManager(devices.get(0))) {
            Network network = Network.create(config.architecture(), config.numClasses(), config.seed(), manager);
            // Before the run's folder is made, so that weights that do not fit leave nothing behind; a resumed run's
            // checkpoint replaces them below.
            Optional<LoadedWeights> weights = loadWeights(config, network);
            if (config.freezeBackbone()) {
                network.freezeBackbone();
            }
            RunDirectory run = openRunDirectory(config);
            FusedAdamW optimizer = FusedAdamW.withWeightDecay(config.weightDecay(), TrainingLoop.schedule(config, data),
                    manager);
            try (Checkpoints checkpoints = new Checkpoints(run, network, RunIdentity.of(config, data.train(), weights),
                    data.train().classes(), config.saveAfterEpoch(), config.keepCheckpoints(), clock, fork)) {
                Resumption resumption = checkpoints.start(config.resume(), optimizer, devices);
                // Continuing from a checkpoint, the images an earlier attempt found unreadable stay unreadable: the
                // same batches again. Without one the run starts from its first step and the scan decides afresh, so
                // files mended after a failed attempt are used.
                List<SkippedImage> knownUnreadable = resumption.start().checkpoint().isPresent()
                        ? SkippedImagesFile.read(run.skippedImages()) : List.of();
                List<RunListener> all = new ArrayList<>();
                all.add(new RunFiles(run, config, Versions.of(engine), System.err));
                all.addAll(listeners);
                try {
                    return new TrainingLoop(config, data, network, weights, devices, all, checkpoints, optimizer,
                            resumption, stop, clock, decoder, knownUnreadable).run(manager);
                } catch (InvalidInputException | TrainingDiverged e) {
                    // Ends the run for good (exit 2 or 4, which the Job never retries), so whoever starts it again
                    // is no second attempt of a killed one. A failure on the way (exit 1) is retried and does lose
                    // the steps since the last checkpoint: it stays counted, as a kill.
                    try {
                        checkpoints.failed();
                    } catch (RuntimeException unrecorded) {
                        e.addSuppressed(unrecorded);
                    }
                    throw e;
                }
            }
        }
    }

    /** The initial weights put into {@code network}, if the run names any; a file that does not fit is bad input. */
    private static Optional<LoadedWeights> loadWeights(TrainingConfig config, Network network) {
        if (config.weights().isEmpty()) {
            return Optional.empty();
        }
        Path file = config.weights().get();
        try {
            return Optional.of(StateDictLoader.load(network, file));
        } catch (InvalidSafetensorsException e) {
            throw new InvalidInputException("spec.model.weights: " + file + " is not a state_dict saved as "
                    + "safetensors: " + e.getMessage() + " (save PyTorch weights with "
                    + "safetensors.torch.save_file(model.float().state_dict(), FILE))");
        } catch (StateDictLoader.StateDictMismatchException e) {
            throw new InvalidInputException("spec.model.weights: " + file + " does not fit " + config.architecture()
                    + " with " + config.numClasses() + " classes: " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidInputException("spec.model.weights: cannot read " + file + ": "
                    + IoErrors.describe(e, file));
        }
    }

    private static RunDirectory openRunDirectory(TrainingConfig config) {
        try {
            return RunDirectory.open(config.outputDir());
        } catch (IOException e) {
            throw new InvalidInputException("--output: cannot use folder " + config.outputDir() + ": "
                    + IoErrors.describe(e, config.outputDir()));
        }
    }
}
