package dev.trainingrun.trainer.checkpoint;

import ai.djl.Device;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.loop.Checkpointing;
import dev.trainingrun.trainer.loop.EpochMetrics;
import dev.trainingrun.trainer.loop.EpochReport;
import dev.trainingrun.trainer.loop.LoopState;
import dev.trainingrun.trainer.loop.Resumption;
import dev.trainingrun.trainer.loop.RunHistory;
import dev.trainingrun.trainer.loop.StartPoint;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.AdamW;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * A run's checkpoints and model exports: where it starts (the newest readable checkpoint when it resumes, a clean
 * slate when it does not), a checkpoint after each epoch past {@code saveAfterEpoch} with the pointers and
 * retention that follow, the best model whenever an epoch becomes the best, and the final model. A file that
 * cannot be written stops the run: a run that cannot save could not resume either.
 */
public final class Checkpoints implements Checkpointing {
    private final RunDirectory run;
    private final Network network;
    private final RunIdentity identity;
    private final int saveAfterEpoch;
    private final int keep;
    private final CheckpointFolder folder;
    private final ModelExports exports;

    public Checkpoints(RunDirectory run, Network network, RunIdentity identity, List<String> classes,
            int saveAfterEpoch, int keep) {
        this.run = run;
        this.network = network;
        this.identity = identity;
        this.saveAfterEpoch = saveAfterEpoch;
        this.keep = keep;
        this.folder = new CheckpointFolder(run);
        this.exports = new ModelExports(run, network, classes);
    }

    /**
     * With {@code resume}, loads the newest readable checkpoint into the network and optimiser and brings the
     * pointers and the best model in line with it; without, removes earlier checkpoints and exports.
     */
    public Resumption start(boolean resume, AdamW optimizer, List<Device> devices) {
        try {
            if (!resume) {
                folder.clear();
                exports.clear();
                return Resumption.fresh(List.of());
            }
            Restorer restorer = new Restorer(folder, identity, network);
            Optional<Restorer.Restored> restored = restorer.newest(optimizer, devices);
            if (restored.isEmpty()) {
                return Resumption.fresh(restorer.unreadable());
            }
            RunHistory history = restored.get().history();
            folder.update(history, keep);
            exports.reconcileBest(history, restored.get().trainedBatches());
            StartPoint start = new StartPoint(Optional.of(restored.get().checkpoint()), history.reports(),
                    restorer.unreadable());
            return new Resumption(start, restored.get().trainedBatches());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints in " + run.checkpoints() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public EpochReport afterEpoch(EpochMetrics metrics, RunHistory history, LoopState state) {
        Optional<String> checkpoint = metrics.epoch() > saveAfterEpoch
                ? Optional.of(run.checkpointPath(CheckpointName.of(network.architecture(), metrics)))
                : Optional.empty();
        EpochReport report = history.add(metrics, checkpoint);
        try {
            if (checkpoint.isPresent()) {
                CheckpointFile.write(run.resolve(checkpoint.get()), network, state, identity, history.reports());
                folder.update(history, keep);
            }
            if (report.best().epoch() == metrics.epoch()) {
                exports.writeBest(metrics, state.trainedBatches());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save epoch " + metrics.epoch() + " in " + run.root() + ": "
                    + e.getMessage(), e);
        }
        return report;
    }

    @Override
    public void afterRun(RunHistory history, LoopState state) {
        try {
            exports.writeFinal(history.last().metrics(), state.trainedBatches());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.finalModel() + ": " + e.getMessage(), e);
        }
    }
}
