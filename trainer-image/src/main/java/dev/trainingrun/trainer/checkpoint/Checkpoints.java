package dev.trainingrun.trainer.checkpoint;

import ai.djl.Device;
import dev.trainingrun.trainer.engine.Checkpointing;
import dev.trainingrun.trainer.engine.LoopState;
import dev.trainingrun.trainer.engine.Resumption;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.Interruption;
import dev.trainingrun.trainer.events.Lineage;
import dev.trainingrun.trainer.events.RunHistory;
import dev.trainingrun.trainer.events.SavedStep;
import dev.trainingrun.trainer.events.StartPoint;
import dev.trainingrun.trainer.files.IoErrors;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.FusedAdamW;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A run's checkpoints and model exports: where it starts (the newest readable checkpoint when it resumes, a clean
 * slate when it does not), a checkpoint after each epoch past {@code saveAfterEpoch} with the pointers and
 * retention that follow, a step checkpoint within an epoch when the loop asks, the best model whenever an epoch
 * becomes the best, and the final model. It also keeps {@code position.json} and {@code interruptions.jsonl}, from
 * which a resumed run learns what its interruption cost. A fork (spec.model.from) that has no checkpoint of its own
 * to continue from starts from its source's ({@link Fork}); its checkpoints record that lineage, so a restarted pod
 * continues from its own checkpoints and still knows it. A file that cannot be written stops the run: a run that
 * cannot save could not resume either.
 */
public final class Checkpoints implements Checkpointing, AutoCloseable {
    private final RunDirectory run;
    private final Network network;
    private final RunIdentity identity;
    private final int saveAfterEpoch;
    private final int keep;
    private final Clock clock;
    private final CheckpointFolder folder;
    private final ModelExports exports;
    private final Optional<Fork> fork;
    /** Where this run started from, if it is a fork: written into each of its checkpoints. */
    private Optional<Lineage> forkedFrom = Optional.empty();
    private PositionFile position;
    /** The step position.json was last written with. */
    private long reachedStep;
    /** The step of the newest checkpoint and when it was saved (or training started): what position.json tells. */
    private long checkpointStep;
    private long checkpointNanos = System.nanoTime();

    public Checkpoints(RunDirectory run, Network network, RunIdentity identity, List<String> classes,
            int saveAfterEpoch, int keep, Clock clock) {
        this(run, network, identity, classes, saveAfterEpoch, keep, clock, Optional.empty());
    }

    /** Checkpoints of a run that starts from {@code fork} when it has none of its own to continue from. */
    public Checkpoints(RunDirectory run, Network network, RunIdentity identity, List<String> classes,
            int saveAfterEpoch, int keep, Clock clock, Optional<Fork> fork) {
        this.run = run;
        this.network = network;
        this.identity = identity;
        this.saveAfterEpoch = saveAfterEpoch;
        this.keep = keep;
        this.clock = clock;
        this.folder = new CheckpointFolder(run);
        this.exports = new ModelExports(run, network, classes);
        this.fork = fork;
    }

    /**
     * With {@code resume}, loads the newest readable checkpoint into the network and optimiser, brings the pointers
     * and the best model in line with it, and records the interruption it continues after; without, removes earlier
     * checkpoints, exports and records. A fork with nothing of its own to continue from then loads its source's
     * checkpoint.
     */
    public Resumption start(boolean resume, FusedAdamW optimizer, List<Device> devices) {
        try {
            close();
            Resumption resumption = resume ? restore(optimizer, devices) : startOver();
            if (fork.isPresent() && resumption.start().checkpoint().isEmpty()) {
                forkedFrom = Optional.of(fork.get().load(network, optimizer, devices));
            }
            if (forkedFrom.isPresent()) {
                resumption = new Resumption(resumption.start().forkedFrom(forkedFrom.get()), resumption.step(),
                        resumption.trainedBatches());
            }
            saved(resumption.step());
            // From here on an interruption is counted from this start: a second kill before the first step has
            // cost nothing more. A finished run's position stays as it is.
            if (!PositionFile.read(run.position()).map(PositionFile.Position::finished).orElse(false)) {
                writePosition(resumption.step(), false, false);
            }
            return resumption;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints in " + run.checkpoints() + ": "
                    + IoErrors.describe(e, run.checkpoints()), e);
        }
    }

    private Resumption startOver() throws IOException {
        folder.clear();
        exports.clear();
        Files.deleteIfExists(run.position());
        Files.deleteIfExists(run.interruptionsJsonl());
        return Resumption.fresh(List.of(), List.of());
    }

    private Resumption restore(FusedAdamW optimizer, List<Device> devices) throws IOException {
        Restorer restorer = new Restorer(folder, identity, network);
        Optional<Restorer.Restored> restored = restorer.newest(optimizer, devices);
        long resumedAt = restored.map(Restorer.Restored::step).orElse(0L);
        Optional<Interruption> interruption = PositionFile.read(run.position())
                .flatMap(reached -> interruption(reached, resumedAt));
        if (interruption.isPresent()) {
            InterruptionLog.append(run.interruptionsJsonl(), interruption.get());
        }
        List<Interruption> interruptions = InterruptionLog.read(run.interruptionsJsonl());
        if (restored.isEmpty()) {
            return Resumption.fresh(restorer.unreadable(), interruptions);
        }
        Restorer.Restored from = restored.get();
        forkedFrom = from.forkedFrom();
        RunHistory history = from.history();
        folder.update(history, keep);
        // A step checkpoint at batch 0 holds the end of the epoch before it, as an epoch checkpoint does.
        boolean atLastEpoch = from.inEpoch().map(progress -> progress.batches() == 0).orElse(true);
        exports.reconcileBest(history, atLastEpoch, from.trainedBatches());
        Optional<EpochProgress> inEpoch = from.inEpoch();
        if (interruption.isPresent()) {
            // The epoch in progress met it; an epoch checkpoint's successor begins the next epoch.
            inEpoch = Optional.of(inEpoch.orElse(EpochProgress.start(history.reports().size() + 1))
                    .after(interruption.get()));
        }
        StartPoint start = new StartPoint(Optional.of(from.checkpoint()), history.reports(), inEpoch,
                restorer.unreadable(), interruptions, Optional.empty());
        return new Resumption(start, from.step(), from.trainedBatches());
    }

    /**
     * What the attempt that left {@code reached} lost, continuing after step {@code resumedAt}: nothing for a run
     * it finished, or one that ended with an error of its own. The steps it took after its newest checkpoint are
     * trained again; their time is known exactly when that checkpoint is the one restored, and in proportion
     * otherwise (an unreadable newest checkpoint).
     */
    private Optional<Interruption> interruption(PositionFile.Position reached, long resumedAt) {
        if (reached.finished() || reached.failed()) {
            return Optional.empty();
        }
        long redone = Math.max(0, reached.step() - resumedAt);
        long sinceCheckpoint = reached.step() - reached.checkpointStep();
        double secondsLost = reached.checkpointStep() == resumedAt || sinceCheckpoint <= 0
                ? (redone == 0 ? 0 : reached.secondsSinceCheckpoint())
                : reached.secondsSinceCheckpoint() * redone / sinceCheckpoint;
        String cause = reached.stopped() && redone == 0 ? Interruption.STOPPED : Interruption.KILLED;
        return Optional.of(new Interruption(cause, reached.step(), resumedAt, redone, secondsLost, clock.instant()));
    }

    @Override
    public void reached(long step) {
        writePosition(step, false, false);
    }

    /**
     * Records that this attempt ends the run with an error of its own (input it cannot train, a diverged loss),
     * reported as it ends, so that the next attempt does not take it for a kill.
     */
    public void failed() {
        writePosition(reachedStep, false, false, true);
    }

    @Override
    public SavedStep saveStep(RunHistory history, LoopState state, EpochProgress inEpoch, SavedStep.Reason reason) {
        long started = System.nanoTime();
        try {
            CheckpointFile.write(run.stepCheckpoint(), network, state, identity, history.reports(),
                    Optional.of(inEpoch), forkedFrom);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save a step checkpoint in " + run.root() + ": "
                    + IoErrors.describe(e, run.root()), e);
        }
        saved(state.step());
        return new SavedStep(RunDirectory.STEP_CHECKPOINT, inEpoch.epoch(), inEpoch.batches(), state.step(), reason,
                (System.nanoTime() - started) / 1e9);
    }

    @Override
    public void stopped(long step) {
        writePosition(step, true, false);
    }

    @Override
    public EpochReport afterEpoch(EpochMetrics metrics, RunHistory history, LoopState state) {
        Optional<String> checkpoint = metrics.epoch() > saveAfterEpoch
                ? Optional.of(run.checkpointPath(CheckpointName.of(network.architecture(), metrics)))
                : Optional.empty();
        EpochReport report = history.add(metrics, checkpoint);
        try {
            if (checkpoint.isPresent()) {
                CheckpointFile.write(run.resolve(checkpoint.get()), network, state, identity, history.reports(),
                        Optional.empty(), forkedFrom);
                folder.update(history, keep);
                // The step checkpoint is of this epoch or an earlier one: the new epoch checkpoint supersedes it.
                Files.deleteIfExists(run.stepCheckpoint());
                saved(state.step());
            }
            if (report.best().epoch() == metrics.epoch()) {
                exports.writeBest(metrics, state.trainedBatches());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save epoch " + metrics.epoch() + " in " + run.root() + ": "
                    + IoErrors.describe(e, run.root()), e);
        }
        return report;
    }

    @Override
    public void afterRun(RunHistory history, LoopState state) {
        try {
            exports.writeFinal(history.last().metrics(), state.trainedBatches());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.finalModel() + ": "
                    + IoErrors.describe(e, run.finalModel()), e);
        }
        writePosition(state.step(), false, true);
    }

    @Override
    public void close() {
        try {
            if (position != null) {
                position.close();
                position = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + run.position() + ": "
                    + IoErrors.describe(e, run.position()), e);
        }
    }

    private void saved(long step) {
        checkpointStep = step;
        checkpointNanos = System.nanoTime();
    }

    private void writePosition(long step, boolean stopped, boolean finished) {
        writePosition(step, stopped, finished, false);
    }

    private void writePosition(long step, boolean stopped, boolean finished, boolean failed) {
        try {
            if (position == null) {
                position = PositionFile.open(run.position());
            }
            reachedStep = step;
            position.write(new PositionFile.Position(step, checkpointStep,
                    (System.nanoTime() - checkpointNanos) / 1e9, stopped, finished, failed));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.position() + ": "
                    + IoErrors.describe(e, run.position()), e);
        }
    }
}
