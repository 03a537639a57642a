package dev.trainingrun.trainer.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.checkpoint.Checkpoints;
import dev.trainingrun.trainer.checkpoint.RunIdentity;
import dev.trainingrun.trainer.engine.LoopState;
import dev.trainingrun.trainer.engine.TrainStep;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.RunHistory;
import dev.trainingrun.trainer.events.SavedStep;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.files.ScratchFolder;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.AdamWParameterServer;
import dev.trainingrun.trainer.optim.FusedAdamW;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * How long a step checkpoint takes to save: what a pod asked to stop spends after its last step, and what each
 * checkpoint interval costs. A 1,000-class torchvision ResNet with its AdamW moments (after one training step) is
 * saved {@code saves} times into a run folder under {@code folder}, through the trainer's own {@link Checkpoints}
 * (copy to host memory, write, flush to the disk, rename).
 */
public final class CheckpointBenchmark {
    /** The side of the images of the one training step: it decides the network's memory format, not its size. */
    private static final int SIDE = 64;

    private CheckpointBenchmark() {}

    /** One figure: the step checkpoint's size and the median time of its saves. */
    public record Saves(String model, double megabytes, int saves, double medianSeconds, double maxSeconds) {
        public String json() {
            return String.format(Locale.ROOT, "{\"implementation\": \"djl\", \"kind\": \"step-checkpoint\", "
                    + "\"model\": \"%s\", \"megabytes\": %.1f, \"saves\": %d, \"medianSeconds\": %.3f, "
                    + "\"maxSeconds\": %.3f}", model, megabytes, saves, medianSeconds, maxSeconds);
        }
    }

    /**
     * Saves a step checkpoint {@code saves} times (at least 1) in a run folder made under {@code folder}, an existing
     * folder, and removes the run folder again.
     *
     * @throws MeasurementStopped when {@code stopRequested} turns true, checked between saves
     */
    public static Saves measure(Architecture architecture, Path folder, int saves, BooleanSupplier stopRequested)
            throws IOException {
        try (ScratchFolder root = ScratchFolder.create(folder, "checkpoint-benchmark");
                NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                NDManager optimiserScope = manager.newSubManager()) {
            Network network = Network.create(architecture, 1000, 0, manager);
            // as a run at this size lays it out: a channels-last parameter is copied into the default order to save
            network.layOutForTraining(SIDE, List.of(Device.cpu()));
            FusedAdamW optimizer = FusedAdamW.withWeightDecay(0.01, step -> 1e-3, optimiserScope);
            ParameterStore store = new ParameterStore(manager, false);
            store.setParameterServer(new AdamWParameterServer(optimizer, network.parameters()),
                    new Device[] {Device.cpu()});
            new TrainStep(network.block(), store, List.of(Device.cpu()), manager)
                    .run(TrainingBenchmark.syntheticBatch(SIDE, 2));
            RunDirectory run = RunDirectory.open(root.path());
            double[] seconds = new double[saves];
            try (Checkpoints checkpoints = new Checkpoints(run, network, new RunIdentity(Map.of()), List.of(),
                    0, 1, Clock.systemUTC())) {
                RunHistory history = new RunHistory(List.of());
                for (int i = 0; i < saves; i++) {
                    MeasurementStopped.ifRequested(stopRequested);
                    SavedStep saved = checkpoints.saveStep(history, new LoopState(0, 1, 1, optimizer),
                            EpochProgress.start(1), SavedStep.Reason.INTERVAL);
                    seconds[i] = saved.seconds();
                }
            }
            double megabytes = Files.size(run.stepCheckpoint()) / 1e6;
            double[] sorted = IntStream.range(0, saves).mapToDouble(i -> seconds[i]).sorted().toArray();
            return new Saves(architecture.name(), megabytes, saves, sorted[saves / 2], sorted[saves - 1]);
        }
    }
}
