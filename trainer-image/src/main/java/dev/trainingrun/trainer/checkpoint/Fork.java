package dev.trainingrun.trainer.checkpoint;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.api.RunSource;
import dev.trainingrun.api.SourceCheckpoint;
import dev.trainingrun.api.SourceInclude;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.events.Lineage;
import dev.trainingrun.trainer.files.IoErrors;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.files.RunJson;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.AdamWState;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fork's start (spec.model.from): the source run's checkpoint the spec names, found in the source run's folder
 * through the pointer files its checkpoint folder keeps ({@code Best}, {@code Latest}) or by its epoch ({@code Epoch}),
 * checked to be of this run's architecture and class count, and loaded into the network (with
 * {@code WeightsAndOptimizer}, AdamW's state too, {@link AdamWState#inherited}). The source folder is only read: it
 * may be on a read-only mount. A checkpoint that is missing, unreadable or of another network is invalid input
 * naming spec.model.from and the file expected.
 */
public final class Fork {
    private static final String FIELD = "spec.model.from";

    private final RunSource spec;
    private final RunDirectory source;
    private final Architecture architecture;
    private final int numClasses;

    private Fork(RunSource spec, Path sourceDir, Architecture architecture, int numClasses) {
        this.spec = spec;
        // Not RunDirectory.open: that would write into the source's folder.
        this.source = new RunDirectory(sourceDir);
        this.architecture = architecture;
        this.numClasses = numClasses;
    }

    /** The fork a configured run starts from, if it is one. */
    public static Optional<Fork> of(TrainingConfig config) {
        return config.sourceDir().map(dir -> new Fork(config.manifest().getSpec().getModel().getFrom(), dir,
                config.architecture(), config.numClasses()));
    }

    /**
     * The source checkpoint the spec names, its path relative to the source's folder, the epoch it holds, and the
     * source run's uid as its config.json records it ({@code null} when it records none).
     */
    public record Found(Path file, String checkpoint, int epoch, String sourceUid) {}

    /**
     * Finds the checkpoint and reads its header (not its tensors), so that a wrong source is refused before the run
     * writes anything.
     *
     * @throws InvalidInputException when it is missing, unreadable or of another architecture or class count
     */
    public Found find() {
        JsonNode recorded = sourceRun();
        if (recorded.path("name").isTextual() && !recorded.path("name").textValue().equals(spec.getRun())) {
            throw new InvalidInputException(FIELD + ".run: the folder " + source.root() + " holds run "
                    + recorded.path("name").textValue() + ", not " + spec.getRun() + " (its config.json says so): "
                    + "give the source's own folder");
        }
        String uid = recorded.path("uid").isTextual() ? recorded.path("uid").textValue() : null;
        Path file = file();
        String relative = source.root().relativize(file).toString().replace('\\', '/');
        try (SafetensorsFile opened = SafetensorsFile.open(file)) {
            CheckpointFile.State state = CheckpointFile.state(opened);
            // Only the network's shape must agree: the fork's data, schedule and seed are its own.
            RunIdentity network = new RunIdentity(Map.of("spec.model.architecture", architecture.name(),
                    "spec.model.numClasses", Integer.toString(numClasses)));
            Map<String, String> theirs = new HashMap<>();
            network.fields().keySet().forEach(field -> theirs.put(field, state.identity().fields().get(field)));
            List<String> differences = network.differencesFrom(new RunIdentity(theirs));
            if (!differences.isEmpty()) {
                throw new InvalidInputException(FIELD + ": " + file + " of run " + spec.getRun() + " holds another "
                        + "network (" + String.join("; ", differences) + "); a fork keeps the source's architecture "
                        + "and numClasses");
            }
            return new Found(file, relative, state.epoch(), uid);
        } catch (IOException e) {
            throw new InvalidInputException(FIELD + ": cannot read " + file + ", the " + describe() + " of run "
                    + spec.getRun() + ": " + IoErrors.describe(e, file));
        }
    }

    /**
     * Loads the source checkpoint into {@code network}, and with {@code WeightsAndOptimizer} its AdamW state into
     * {@code optimizer} (replicated on {@code devices}); returns where the run started from.
     *
     * @throws InvalidInputException as {@link #find}, or when the checkpoint's tensors cannot be read
     */
    public Lineage load(Network network, FusedAdamW optimizer, List<Device> devices) {
        Found found = find();
        try (SafetensorsFile opened = SafetensorsFile.open(found.file())) {
            // The optimiser's state is read first: a read error leaves both the network and the optimiser as they were.
            Optional<AdamWState> moments = spec.getInclude() == SourceInclude.WeightsAndOptimizer
                    ? Optional.of(CheckpointFile.optimizer(opened).inherited()) : Optional.empty();
            ModelState.load(network, opened);
            moments.ifPresent(state -> optimizer.restore(state, devices));
        } catch (IOException e) {
            throw new InvalidInputException(FIELD + ": cannot read " + found.file() + ", the " + describe()
                    + " of run " + spec.getRun() + ": " + IoErrors.describe(e, found.file()));
        }
        return new Lineage(spec.getRun(), found.sourceUid(), found.checkpoint(), found.epoch(),
                spec.getInclude());
    }

    /** The checkpoint file the spec names; it must exist. */
    private Path file() {
        if (spec.getCheckpoint() == SourceCheckpoint.Epoch) {
            return epochCheckpoint();
        }
        Path pointer = spec.getCheckpoint() == SourceCheckpoint.Best ? source.bestPointer() : source.latestPointer();
        if (!Files.isRegularFile(pointer)) {
            throw new InvalidInputException(FIELD + ".checkpoint: " + spec.getCheckpoint() + " needs " + pointer
                    + ", which does not exist: run " + spec.getRun() + " has saved no epoch checkpoint there yet");
        }
        String relative;
        try {
            relative = Files.readString(pointer, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new InvalidInputException(FIELD + ".checkpoint: cannot read " + pointer + ": "
                    + IoErrors.describe(e, pointer));
        }
        Path file = source.resolve(relative).normalize();
        // A pointer names a checkpoint of the folder it is in, and nothing else.
        if (!file.startsWith(source.checkpoints()) || CheckpointName.epoch(file).isEmpty()) {
            throw new InvalidInputException(FIELD + ".checkpoint: " + pointer + " names \"" + relative
                    + "\", expected a checkpoint in " + source.checkpoints());
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(FIELD + ".checkpoint: " + pointer + " names " + file
                    + ", which does not exist");
        }
        return file;
    }

    private Path epochCheckpoint() {
        int epoch = spec.getEpoch();
        List<Path> all;
        try {
            all = new CheckpointFolder(source).newestFirst();
        } catch (IOException e) {
            throw new InvalidInputException(FIELD + ".epoch: cannot list " + source.checkpoints() + ": "
                    + IoErrors.describe(e, source.checkpoints()));
        }
        return all.stream().filter(file -> CheckpointName.epoch(file).getAsInt() == epoch).findFirst()
                .orElseThrow(() -> new InvalidInputException(FIELD + ".epoch: run " + spec.getRun() + " has no "
                        + "checkpoint of epoch " + epoch + " in " + source.checkpoints() + " (expected a file named "
                        + architecture + "-epochs-" + epoch + "-model-val-acc-...; it keeps those of epochs "
                        + all.stream().map(file -> CheckpointName.epoch(file).getAsInt()).sorted().toList() + ")"));
    }

    private String describe() {
        return switch (spec.getCheckpoint()) {
            case Best -> "best checkpoint";
            case Latest -> "latest checkpoint";
            case Epoch -> "checkpoint of epoch " + spec.getEpoch();
        };
    }

    /** The {@code run} record of the source's config.json; a missing node when it cannot be read. */
    private JsonNode sourceRun() {
        try {
            return RunJson.MAPPER.readTree(source.configJson().toFile()).path("run");
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }
}
