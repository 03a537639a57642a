package dev.trainingrun.trainer.checkpoint;

import ai.djl.Device;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.Lineage;
import dev.trainingrun.trainer.events.RunHistory;
import dev.trainingrun.trainer.events.UnreadableCheckpoint;
import dev.trainingrun.trainer.files.IoErrors;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.AdamWState;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.output.EpochJson;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the newest checkpoint that reads back whole and loads it into the network and optimiser. Checkpoints that
 * are truncated or corrupt are set aside (renamed {@code *.unreadable}) and reported, and the next older one is
 * tried. A checkpoint of a different run (another architecture, class count, data or schedule) stops the run with
 * a message naming each difference: loading it would not continue this run.
 */
final class Restorer {
    private final CheckpointFolder folder;
    private final RunIdentity identity;
    private final Network network;
    private final List<UnreadableCheckpoint> unreadable = new ArrayList<>();

    Restorer(CheckpointFolder folder, RunIdentity identity, Network network) {
        this.folder = folder;
        this.identity = identity;
        this.network = network;
    }

    /**
     * A checkpoint loaded into the network and optimiser: where from, the history, schedule position and batch count
     * it holds, and for a step checkpoint how far its epoch had got.
     */
    record Restored(String checkpoint, RunHistory history, long step, long trainedBatches,
            Optional<EpochProgress> inEpoch, Optional<Lineage> forkedFrom) {}

    /** Restores the newest readable checkpoint, the step checkpoint included, or returns empty when there is none. */
    Optional<Restored> newest(FusedAdamW optimizer, List<Device> devices) throws IOException {
        for (Path file : newestFirst()) {
            String relative = folder.relative(file);
            try (SafetensorsFile opened = SafetensorsFile.open(file)) {
                CheckpointFile.State state = CheckpointFile.state(opened);
                List<String> differences = identity.differencesFrom(state.identity());
                if (!differences.isEmpty()) {
                    throw new InvalidInputException(refusal(relative, differences));
                }
                RunHistory history = replay(state.history());
                AdamWState moments = CheckpointFile.optimizer(opened);
                ModelState.load(network, opened);
                optimizer.restore(moments, devices);
                return Optional.of(new Restored(relative, history, state.step(), state.trainedBatches(),
                        state.position(), Optional.ofNullable(state.forkedFrom())));
            } catch (IOException e) {
                unreadable.add(new UnreadableCheckpoint(relative, IoErrors.describe(e, file)));
                folder.setAside(file);
            }
        }
        return Optional.empty();
    }

    /**
     * The checkpoints to try: the epoch checkpoints newest first, with the step checkpoint ahead of them when it is
     * further on than the newest (a step checkpoint at the start of the epoch after it is the same state).
     */
    private List<Path> newestFirst() throws IOException {
        List<Path> epochCheckpoints = folder.newestFirst();
        Path step = folder.stepCheckpoint();
        if (!Files.exists(step)) {
            return epochCheckpoints;
        }
        Optional<EpochProgress> inEpoch;
        try (SafetensorsFile opened = SafetensorsFile.open(step)) {
            inEpoch = CheckpointFile.state(opened).position();
        } catch (IOException e) {
            unreadable.add(new UnreadableCheckpoint(folder.relative(step), IoErrors.describe(e, step)));
            folder.setAside(step);
            return epochCheckpoints;
        }
        int newestEpoch = epochCheckpoints.isEmpty() ? 0
                : CheckpointName.epoch(epochCheckpoints.get(0)).orElseThrow();
        boolean further = inEpoch.isPresent() && (inEpoch.get().epoch() > newestEpoch + 1
                || inEpoch.get().epoch() == newestEpoch + 1 && inEpoch.get().batches() > 0);
        if (!further) {
            return epochCheckpoints;
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(step);
        candidates.addAll(epochCheckpoints);
        return candidates;
    }

    /** The checkpoints passed over, newest first. */
    List<UnreadableCheckpoint> unreadable() {
        return List.copyOf(unreadable);
    }

    private static RunHistory replay(List<EpochJson> entries) {
        RunHistory history = new RunHistory(List.of());
        entries.forEach(entry -> history.add(entry.metrics(), entry.checkpointPath()));
        return history;
    }

    private static String refusal(String checkpoint, List<String> differences) {
        return "spec.checkpoints.resume: " + checkpoint + " in this output folder is a checkpoint of a different run ("
                + String.join("; ", differences) + "). It is not loaded. Train into another output folder, or set "
                + "spec.checkpoints.resume to false to start this run over (which removes its checkpoints).";
    }
}
