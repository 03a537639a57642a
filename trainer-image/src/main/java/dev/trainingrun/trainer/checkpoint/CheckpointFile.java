package dev.trainingrun.trainer.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.trainer.engine.LoopState;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.Lineage;
import dev.trainingrun.trainer.files.AtomicFile;
import dev.trainingrun.trainer.files.RunJson;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.optim.AdamWState;
import dev.trainingrun.trainer.output.EpochJson;
import dev.trainingrun.trainer.safetensors.InvalidSafetensorsException;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import dev.trainingrun.trainer.safetensors.SafetensorsWriter;
import dev.trainingrun.trainer.safetensors.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one checkpoint holds, as a single safetensors file: the model's state_dict under torchvision's names, the
 * optimiser's moments and step per parameter under {@code optimizer.<name>.exp_avg|exp_avg_sq|step}, and in the
 * header's metadata the epoch, the schedule position, the batch count, the run's identity and the history of every
 * epoch so far. A step checkpoint, saved within an epoch, also holds how far that epoch got ({@code inEpoch}: its
 * batches done and metric sums). Data order and augmentation need nothing more: they are functions of (seed, epoch,
 * position). A fork's checkpoints also hold where it started ({@code forkedFrom}), and its optimiser state inherited
 * from the source, per parameter, how many of its steps were inherited ({@code optimizer.<name>.inherited_steps},
 * present only when some were).
 */
final class CheckpointFile {
    static final String OPTIMIZER = "optimizer.";
    private static final String INHERITED_STEPS = ".inherited_steps";
    private static final String STATE = "trainingrun.checkpoint";
    private static final int VERSION = 1;

    private CheckpointFile() {}

    /**
     * The header part of a checkpoint, stored as JSON in the safetensors metadata under {@value #STATE}.
     *
     * @param epoch the finished epochs
     * @param step the optimiser steps taken since the run began (the schedule's position)
     * @param trainedBatches the batches actually trained on (batch norm's {@code num_batches_tracked})
     * @param history every finished epoch, the first first
     * @param inEpoch how far the epoch in progress got: only in a step checkpoint, {@code null} otherwise
     * @param forkedFrom where a fork started: only in a fork's checkpoints, {@code null} otherwise
     */
    record State(int version, int epoch, long step, long trainedBatches, RunIdentity identity, List<EpochJson> history,
            EpochProgress inEpoch, Lineage forkedFrom) {

        Optional<EpochProgress> position() {
            return Optional.ofNullable(inEpoch);
        }
    }

    /** Writes a checkpoint atomically; {@code inEpoch} for a step checkpoint, {@code forkedFrom} for a fork's. */
    static void write(Path path, Network network, LoopState state, RunIdentity identity, List<EpochReport> history,
            Optional<EpochProgress> inEpoch, Optional<Lineage> forkedFrom) throws IOException {
        List<Tensor> tensors = new ArrayList<>(ModelState.tensors(network, state.trainedBatches()));
        Map<String, FusedAdamW.StateView> moments = state.optimizer().view();
        for (String name : network.parameters().keySet()) {
            // In state_dict order; frozen parameters have no optimiser state.
            FusedAdamW.StateView view = moments.get(name);
            if (view != null) {
                tensors.add(ModelState.tensor(OPTIMIZER + name + ".exp_avg", view.mean()));
                tensors.add(ModelState.tensor(OPTIMIZER + name + ".exp_avg_sq", view.variance()));
                tensors.add(Tensor.scalar(OPTIMIZER + name + ".step", view.step()));
                if (view.inheritedSteps() > 0) {
                    tensors.add(Tensor.scalar(OPTIMIZER + name + INHERITED_STEPS, view.inheritedSteps()));
                }
            }
        }
        State header = new State(VERSION, state.epoch(), state.step(), state.trainedBatches(), identity,
                history.stream().map(EpochJson::of).toList(), inEpoch.orElse(null), forkedFrom.orElse(null));
        Map<String, String> metadata = Map.of("format", "pt", STATE, RunJson.MAPPER.writeValueAsString(header));
        AtomicFile.write(path, channel -> SafetensorsWriter.write(channel, metadata, tensors));
    }

    /** The header part of an opened checkpoint. */
    static State state(SafetensorsFile file) throws InvalidSafetensorsException {
        String text = file.metadata().get(STATE);
        if (text == null) {
            throw new InvalidSafetensorsException("not a trainer checkpoint: no " + STATE + " metadata");
        }
        try {
            // The version first: another version's header need not have this one's shape.
            JsonNode tree = RunJson.MAPPER.readTree(text);
            if (tree.path("version").asInt() != VERSION) {
                throw new InvalidSafetensorsException("checkpoint format version " + tree.path("version")
                        + ", this trainer reads version " + VERSION);
            }
            State header = RunJson.MAPPER.treeToValue(tree, State.class);
            if (header.identity() == null || header.history() == null) {
                throw new InvalidSafetensorsException("corrupt checkpoint metadata: no "
                        + (header.identity() == null ? "identity" : "history"));
            }
            List<EpochJson> history = header.history();
            for (int i = 0; i < history.size(); i++) {
                if (history.get(i) == null || history.get(i).epoch() != i + 1) {
                    throw new InvalidSafetensorsException("corrupt checkpoint metadata: the history skips epochs");
                }
            }
            if (history.size() != header.epoch()) {
                throw new InvalidSafetensorsException("corrupt checkpoint metadata: epoch " + header.epoch()
                        + " with a history of " + history.size());
            }
            if (header.inEpoch() != null && header.inEpoch().epoch() != history.size() + 1) {
                throw new InvalidSafetensorsException("corrupt checkpoint metadata: a position in epoch "
                        + header.inEpoch().epoch() + " after " + history.size() + " finished epochs");
            }
            return header;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidSafetensorsException("corrupt checkpoint metadata: " + e.getMessage());
        }
    }

    /** The optimiser's state stored in an opened checkpoint. */
    static AdamWState optimizer(SafetensorsFile file) throws IOException {
        Map<String, AdamWState.Entry> entries = new LinkedHashMap<>();
        for (var tensor : file.tensors().entrySet()) {
            String key = tensor.getKey();
            if (key.startsWith(OPTIMIZER) && key.endsWith(".exp_avg")) {
                String name = key.substring(OPTIMIZER.length(), key.length() - ".exp_avg".length());
                String variance = OPTIMIZER + name + ".exp_avg_sq";
                String step = OPTIMIZER + name + ".step";
                if (!file.tensors().containsKey(variance) || !file.tensors().containsKey(step)) {
                    throw new InvalidSafetensorsException("optimiser state of " + name + " is incomplete");
                }
                String inherited = OPTIMIZER + name + INHERITED_STEPS;
                long inheritedSteps = file.tensors().containsKey(inherited) ? file.read(inherited).getLong() : 0;
                entries.put(name, new AdamWState.Entry(file.read(step).getLong(), inheritedSteps,
                        floats(file.read(key)), floats(file.read(variance)), tensor.getValue().shape()));
            }
        }
        return new AdamWState(entries);
    }

    private static float[] floats(ByteBuffer bytes) {
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
