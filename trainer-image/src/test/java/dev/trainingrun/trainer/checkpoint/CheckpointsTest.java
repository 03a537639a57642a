package dev.trainingrun.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.engine.LoopState;
import dev.trainingrun.trainer.engine.Resumption;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.Interruption;
import dev.trainingrun.trainer.events.RunHistory;
import dev.trainingrun.trainer.events.SavedStep;
import dev.trainingrun.trainer.events.UnreadableCheckpoint;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.optim.AdamWState;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints without training: what is saved after which epoch, what retention keeps, what the pointers say, and
 * how a restart picks its checkpoint: the newest readable one, passing over damaged and half-written files, and
 * never one of a different run.
 */
class CheckpointsTest {
    private static final List<String> CLASSES = List.of("circle", "square", "triangle");
    private static final List<Device> CPU = List.of(Device.cpu());

    @TempDir
    Path dir;

    private NDManager manager;
    private Network network;
    private FusedAdamW optimizer;

    @BeforeEach
    void createNetwork() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
        network = Network.create(Architecture.ResNet18, CLASSES.size(), 7, manager);
        optimizer = FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager);
        optimizer.restore(new AdamWState(Map.of("fc.bias", new AdamWState.Entry(12, 0,
                new float[] {0.1f, -0.2f, 0.3f}, new float[] {1e-4f, 2e-4f, 3e-4f}, new long[] {3}))), CPU);
    }

    @AfterEach
    void close() {
        optimizer.close();
        manager.close();
    }

    @Test
    void keepsTheNewestAndTheBestAndPointsAtThem() throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        Checkpoints checkpoints = checkpoints(run, identity(Architecture.ResNet18, 3), 1, 2);
        RunHistory history = new RunHistory(List.of());
        double[] accuracies = {0.5, 0.9, 0.6, 0.7, 0.8};
        List<EpochReport> reports = new java.util.ArrayList<>();
        for (int epoch = 1; epoch <= accuracies.length; epoch++) {
            reports.add(checkpoints.afterEpoch(metrics(epoch, accuracies[epoch - 1]), history, state(epoch)));
        }
        checkpoints.afterRun(history, state(5));

        assertEquals(Optional.empty(), reports.get(0).checkpoint(), "epoch 1 is not after saveAfterEpoch 1");
        String best = "checkpoints/ResNet18-epochs-2-model-val-acc-90.000-loss-0.100000.safetensors";
        String fourth = "checkpoints/ResNet18-epochs-4-model-val-acc-70.000-loss-0.300000.safetensors";
        String fifth = "checkpoints/ResNet18-epochs-5-model-val-acc-80.000-loss-0.200000.safetensors";
        assertEquals(Optional.of(fifth), reports.get(4).checkpoint());
        assertEquals(2, reports.get(4).best().epoch());
        assertEquals(Optional.of(best), reports.get(4).best().checkpoint());
        assertEquals(Optional.of(fifth), reports.get(4).latestCheckpoint());
        assertEquals(List.of(best, fourth, fifth), checkpointFiles(run));
        assertEquals(fifth + "\n", Files.readString(run.latestPointer()));
        assertEquals(best + "\n", Files.readString(run.bestPointer()));
        assertEquals("2", exportMetadata(run.bestModel()).get("epoch"));
        assertEquals("5", exportMetadata(run.finalModel()).get("epoch"));
        assertEquals("[\"circle\",\"square\",\"triangle\"]", exportMetadata(run.finalModel()).get("classes"));
    }

    @Test
    void resumesFromTheNewestReadableCheckpointAndSetsDamagedOnesAside() throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        Checkpoints checkpoints = checkpoints(run, identity(Architecture.ResNet18, 3), 0, 5);
        RunHistory history = new RunHistory(List.of());
        Map<String, float[]> saved = null;
        for (int epoch = 1; epoch <= 3; epoch++) {
            checkpoints.afterEpoch(metrics(epoch, 0.5 + epoch / 10.0), history, state(epoch));
            if (epoch == 1) {
                saved = parameters();
            }
        }
        List<String> files = checkpointFiles(run);
        Path first = run.resolve(files.get(0));
        Path second = run.resolve(files.get(1));
        Path third = run.resolve(files.get(2));
        try (FileChannel channel = FileChannel.open(third, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        try (RandomAccessFile raw = new RandomAccessFile(second.toFile(), "rw")) {
            raw.seek(raw.length() / 2);
            int b = raw.read();
            raw.seek(raw.length() / 2);
            raw.write(b ^ 1);
        }
        network.parameters().values().forEach(p -> p.getArray().muli(0));
        FusedAdamW restored = FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager);

        Resumption resumption = checkpoints(RunDirectory.open(dir), identity(Architecture.ResNet18, 3), 0, 5)
                .start(true, restored, CPU);

        assertEquals(Optional.of(files.get(0)), resumption.start().checkpoint());
        assertEquals(1, resumption.start().finished().size());
        assertEquals(2, resumption.start().firstEpoch());
        assertEquals(17, resumption.trainedBatches());
        List<UnreadableCheckpoint> unreadable = resumption.start().unreadable();
        assertEquals(List.of(files.get(2), files.get(1)), unreadable.stream().map(UnreadableCheckpoint::checkpoint)
                .toList());
        assertTrue(unreadable.get(0).reason().startsWith("truncated"), unreadable::toString);
        assertTrue(unreadable.get(1).reason().startsWith("corrupt: the data's CRC-32C"), unreadable::toString);
        assertTrue(Files.exists(third.resolveSibling(third.getFileName() + ".unreadable")));
        assertTrue(Files.exists(second.resolveSibling(second.getFileName() + ".unreadable")));
        assertTrue(Files.exists(first));
        assertEquals(files.get(0) + "\n", Files.readString(run.latestPointer()));

        Map<String, float[]> loaded = parameters();
        saved.forEach((name, values) -> assertArrayEquals(values, loaded.get(name), 0f, name));
        AdamWState.Entry moments = restored.snapshot().entries().get("fc.bias");
        assertEquals(12, moments.step());
        assertArrayEquals(new float[] {0.1f, -0.2f, 0.3f}, moments.mean(), 0f);
        assertArrayEquals(new float[] {1e-4f, 2e-4f, 3e-4f}, moments.variance(), 0f);
        restored.close();
    }

    @Test
    void aHalfWrittenCheckpointIsNeverTakenForOne() throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        Checkpoints checkpoints = checkpoints(run, identity(Architecture.ResNet18, 3), 0, 5);
        checkpoints.afterEpoch(metrics(1, 0.5), new RunHistory(List.of()), state(1));
        String complete = checkpointFiles(run).get(0);
        // What a process killed while writing epoch 2's checkpoint leaves: a hidden temporary file, half full.
        Path half = run.checkpoints().resolve(
                ".ResNet18-epochs-2-model-val-acc-60.000-loss-0.400000.safetensors.0c1d.tmp");
        Files.write(half, Files.readAllBytes(run.resolve(complete)), StandardOpenOption.CREATE_NEW);
        try (FileChannel channel = FileChannel.open(half, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }

        Resumption resumption = checkpoints(RunDirectory.open(dir), identity(Architecture.ResNet18, 3), 0, 5)
                .start(true, FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager), CPU);

        assertEquals(Optional.of(complete), resumption.start().checkpoint());
        assertEquals(List.of(), resumption.start().unreadable());
        assertFalse(Files.exists(half), "the leftover is removed when the run directory is opened");
    }

    @Test
    void refusesACheckpointOfAnotherArchitectureOrClassCount() throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        checkpoints(run, identity(Architecture.ResNet18, 3), 0, 5)
                .afterEpoch(metrics(1, 0.5), new RunHistory(List.of()), state(1));
        Network other = Network.create(Architecture.ResNet34, 4, 7, manager);
        Checkpoints resuming = new Checkpoints(run, other, identity(Architecture.ResNet34, 4), CLASSES, 0, 5,
                Clock.systemUTC());

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> resuming.start(true, FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager), CPU));

        assertEquals("spec.checkpoints.resume: checkpoints/ResNet18-epochs-1-model-val-acc-50.000-loss-0.500000"
                + ".safetensors in this output folder is a checkpoint of a different run (spec.model.architecture is "
                + "ResNet18 in the checkpoint but ResNet34 here; spec.model.numClasses is 3 in the checkpoint but 4 "
                + "here). It is not loaded. Train into another output folder, or set spec.checkpoints.resume to "
                + "false to start this run over (which removes its checkpoints).", e.getMessage());
        assertEquals(1, checkpointFiles(run).size(), "the other run's checkpoint is left alone");
    }

    @Test
    void withoutResumeARunStartsOverWithoutItsEarlierFiles() throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        Checkpoints checkpoints = checkpoints(run, identity(Architecture.ResNet18, 3), 0, 5);
        RunHistory history = new RunHistory(List.of());
        checkpoints.afterEpoch(metrics(1, 0.5), history, state(1));
        checkpoints.afterRun(history, state(1));

        Resumption resumption = checkpoints.start(false, FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager), CPU);

        assertEquals(1, resumption.start().firstEpoch());
        assertEquals(List.of(), checkpointFiles(run));
        assertFalse(Files.exists(run.latestPointer()) || Files.exists(run.bestModel())
                || Files.exists(run.finalModel()));
    }

    @Test
    void aStepCheckpointFurtherOnThanTheNewestEpochCheckpointIsWhereARunResumes() throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        Checkpoints checkpoints = checkpoints(run, identity(Architecture.ResNet18, 3), 0, 5);
        RunHistory history = new RunHistory(List.of());
        checkpoints.afterEpoch(metrics(1, 0.5), history, state(1));
        EpochProgress inEpoch = new EpochProgress(2, 5, 2.5, 5, 80, 1, 12.5, 0, 0);
        SavedStep saved = checkpoints.saveStep(history, new LoopState(1, 22, 22, optimizer), inEpoch,
                SavedStep.Reason.STOP);
        checkpoints.stopped(22);
        checkpoints.close();
        Map<String, float[]> atStep = parameters();
        network.parameters().values().forEach(p -> p.getArray().muli(0));

        Resumption resumption = checkpoints(RunDirectory.open(dir), identity(Architecture.ResNet18, 3), 0, 5)
                .start(true, FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager), CPU);

        assertEquals(new SavedStep("checkpoints/step.safetensors", 2, 5, 22, SavedStep.Reason.STOP, saved.seconds()),
                saved);
        assertEquals(Optional.of("checkpoints/step.safetensors"), resumption.start().checkpoint());
        assertEquals(1, resumption.start().finished().size());
        assertEquals(22, resumption.step());
        // It was stopped at the step it saved: an interruption that cost nothing.
        List<Interruption> interruptions = resumption.start().interruptions();
        assertEquals(1, interruptions.size());
        assertEquals(Interruption.STOPPED, interruptions.get(0).cause());
        assertEquals(0, interruptions.get(0).stepsRedone());
        assertEquals(new EpochProgress(2, 5, 2.5, 5, 80, 1, 12.5, 1, 0), resumption.start().firstEpochProgress());
        Map<String, float[]> loaded = parameters();
        atStep.forEach((name, values) -> assertArrayEquals(values, loaded.get(name), 0f, name));
    }

    @Test
    void theStepsAKilledAttemptTookAfterItsNewestCheckpointAreCountedAsRedone() throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        Checkpoints checkpoints = checkpoints(run, identity(Architecture.ResNet18, 3), 0, 5);
        RunHistory history = new RunHistory(List.of());
        checkpoints.afterEpoch(metrics(1, 0.5), history, state(1));
        checkpoints.saveStep(history, new LoopState(1, 22, 22, optimizer), new EpochProgress(2, 5, 2.5, 5, 80, 0,
                12.5, 0, 0), SavedStep.Reason.INTERVAL);
        for (long step = 23; step <= 25; step++) {
            checkpoints.reached(step);
        }
        checkpoints.close(); // killed: nothing more is written

        Resumption first = checkpoints(RunDirectory.open(dir), identity(Architecture.ResNet18, 3), 0, 5)
                .start(true, FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager), CPU);
        Interruption killed = first.start().interruptions().get(0);
        assertEquals(List.of(Interruption.KILLED, 25L, 22L, 3L), List.of(killed.cause(), killed.stepReached(),
                killed.resumedAt(), killed.stepsRedone()));
        assertTrue(killed.secondsLost() >= 0, killed::toString);
        assertEquals(3, first.start().firstEpochProgress().stepsRedone());

        // Killed again before its first step: the record of the first interruption stays.
        Resumption second = checkpoints(RunDirectory.open(dir), identity(Architecture.ResNet18, 3), 0, 5)
                .start(true, FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager), CPU);
        assertEquals(List.of(3L, 0L), second.start().interruptions().stream().map(Interruption::stepsRedone).toList());
        assertEquals(2, Files.readAllLines(run.interruptionsJsonl()).size());
    }

    @Test
    void anEpochCheckpointReplacesTheStepCheckpointOfItsEpoch() throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        Checkpoints checkpoints = checkpoints(run, identity(Architecture.ResNet18, 3), 0, 5);
        RunHistory history = new RunHistory(List.of());
        checkpoints.afterEpoch(metrics(1, 0.5), history, state(1));
        checkpoints.saveStep(history, new LoopState(1, 22, 22, optimizer), new EpochProgress(2, 5, 2.5, 5, 80, 0,
                12.5, 0, 0), SavedStep.Reason.INTERVAL);
        checkpoints.afterEpoch(metrics(2, 0.6), history, state(2));

        assertFalse(Files.exists(run.stepCheckpoint()));
        Resumption resumption = checkpoints(RunDirectory.open(dir), identity(Architecture.ResNet18, 3), 0, 5)
                .start(true, FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager), CPU);
        assertEquals(3, resumption.start().firstEpoch());
        assertEquals(Optional.empty(), resumption.start().inEpoch());
    }

    @Test
    void aDamagedStepCheckpointIsSetAsideForTheNewestEpochCheckpoint() throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        Checkpoints checkpoints = checkpoints(run, identity(Architecture.ResNet18, 3), 0, 5);
        RunHistory history = new RunHistory(List.of());
        checkpoints.afterEpoch(metrics(1, 0.5), history, state(1));
        checkpoints.saveStep(history, new LoopState(1, 22, 22, optimizer), new EpochProgress(2, 5, 2.5, 5, 80, 0,
                12.5, 0, 0), SavedStep.Reason.INTERVAL);
        try (FileChannel channel = FileChannel.open(run.stepCheckpoint(), StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }

        Resumption resumption = checkpoints(RunDirectory.open(dir), identity(Architecture.ResNet18, 3), 0, 5)
                .start(true, FusedAdamW.withWeightDecay(0.01, step -> 0.001, manager), CPU);

        assertEquals(2, resumption.start().firstEpoch());
        assertEquals(Optional.empty(), resumption.start().inEpoch());
        assertEquals(List.of("checkpoints/step.safetensors"), resumption.start().unreadable().stream()
                .map(UnreadableCheckpoint::checkpoint).toList());
        assertTrue(Files.exists(run.checkpoints().resolve("step.safetensors.unreadable")));
    }

    private Checkpoints checkpoints(RunDirectory run, RunIdentity identity, int saveAfterEpoch, int keep) {
        return new Checkpoints(run, network, identity, CLASSES, saveAfterEpoch, keep, Clock.systemUTC());
    }

    private static RunIdentity identity(Architecture architecture, int numClasses) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("spec.model.architecture", architecture.name());
        fields.put("spec.model.numClasses", Integer.toString(numClasses));
        fields.put("spec.training.seed", "7");
        return new RunIdentity(fields);
    }

    /** An epoch whose validation loss falls as its accuracy rises. */
    private static EpochMetrics metrics(int epoch, double accuracy) {
        return new EpochMetrics(epoch, 1.0 / epoch, 1 - accuracy, Math.round(accuracy * 100), 100, 1e-3, 1.5, 100, 0,
                0, 0);
    }

    private LoopState state(int epoch) {
        return new LoopState(epoch, epoch * 17L, epoch * 17L, optimizer);
    }

    private Map<String, float[]> parameters() {
        Map<String, float[]> values = new LinkedHashMap<>();
        network.parameters().forEach((name, p) -> values.put(name, p.getArray().toFloatArray()));
        return values;
    }

    private static List<String> checkpointFiles(RunDirectory run) throws IOException {
        try (Stream<Path> files = Files.list(run.checkpoints())) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".safetensors")).sorted()
                    .map(run::checkpointPath).toList();
        }
    }

    private static Map<String, String> exportMetadata(Path export) throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(export)) {
            return file.metadata();
        }
    }
}
