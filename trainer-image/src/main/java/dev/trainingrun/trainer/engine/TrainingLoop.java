package dev.trainingrun.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.data.BatchLoader;
import dev.trainingrun.trainer.data.DataSets;
import dev.trainingrun.trainer.data.ImageBatch;
import dev.trainingrun.trainer.data.ImageDecoder;
import dev.trainingrun.trainer.data.ImageFolderIndex;
import dev.trainingrun.trainer.data.ImageTransform;
import dev.trainingrun.trainer.data.Normalizer;
import dev.trainingrun.trainer.data.Seeds;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochProgress;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.LoadedWeights;
import dev.trainingrun.trainer.events.ProgressUpdate;
import dev.trainingrun.trainer.events.RunHistory;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.events.SavedStep;
import dev.trainingrun.trainer.events.StartPoint;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.model.MemoryFormat;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.AdamWParameterServer;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.optim.LearningRateSchedule;
import dev.trainingrun.trainer.optim.WarmupCosineSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * The seed's loop: per epoch, a shuffled pass over the training set (the last partial batch dropped, so every epoch
 * has {@code len(train) // batch_size} steps, the count the schedule is built on) at a per-step learning rate, then
 * a validation pass, then the checkpoint; progress and per-epoch reports go to the listeners.
 *
 * <p>Data order and augmentation depend only on (seed, epoch, position), and the learning rate on the optimiser's
 * step count, which the checkpoint keeps, so a run resumed from a checkpoint continues as if it had never stopped:
 * from an epoch checkpoint at the next epoch, from a step checkpoint at the next batch of its epoch. A step
 * checkpoint is saved when a stop is requested (at the next step boundary, or between validation batches) and every
 * {@code checkpointInterval} of training; a stopped loop returns a result that says where it saved.
 *
 * <p>After each epoch's checkpoint the stop rules ({@code spec.training.stopWhen}) may end the run: it then ends as a
 * run whose last epoch that was. A step whose loss is not finite ends it at once with {@link TrainingDiverged},
 * before the step is counted or saved.
 */
public final class TrainingLoop {
    private static final long RATE_WINDOW_NANOS = 5_000_000_000L;

    private final TrainingConfig config;
    private final ImageTransform trainTransform;
    private final ImageTransform validationTransform;
    private final DataSets data;
    private final Network network;
    private final Optional<LoadedWeights> weights;
    private final List<Device> devices;
    private final List<RunListener> listeners;
    private final Checkpointing checkpointing;
    private final FusedAdamW optimizer;
    private final Resumption resumption;
    private final StopRequest stop;
    private final InstantSource clock;
    private final LearningRateSchedule schedule;
    private final long stepsPerEpoch;
    private final long totalSteps;
    private final ImageDecoder decoder;
    private final List<SkippedImage> knownUnreadable;
    private final ConcurrentLinkedQueue<SkippedImage> skippedQueue = new ConcurrentLinkedQueue<>();
    /** Every image left out because it cannot be read: the scan's, an earlier attempt's, this attempt's. */
    private final List<SkippedImage> skipped = new ArrayList<>();
    private final UnreadableShare trainShare;
    private final UnreadableShare validationShare;
    private long trainedBatches;
    private Instant lastSave;

    /**
     * A loop over {@code network}, whose parameters, like {@code optimizer}'s state, are already where
     * {@code resumption} says the run stands (its initial {@code weights}, if any, for a fresh start), trained as
     * {@code config} says, at the learning rates of the optimiser's schedule (made by {@link #schedule}); it stops
     * early when {@code stop} is requested, and measures the checkpoint interval on {@code clock}.
     * {@code knownUnreadable} are the images an earlier attempt of the run left out as unreadable (its
     * skipped-images.jsonl): they stay out, so that this attempt forms the same batches.
     */
    public TrainingLoop(TrainingConfig config, DataSets data, Network network, Optional<LoadedWeights> weights,
            List<Device> devices, List<RunListener> listeners, Checkpointing checkpointing, FusedAdamW optimizer,
            Resumption resumption, StopRequest stop, InstantSource clock, ImageDecoder decoder,
            List<SkippedImage> knownUnreadable) {
        this.config = config;
        Normalizer normalizer = Normalizer.of(config.normalization());
        this.trainTransform = ImageTransform.training(config.imageSize(), normalizer);
        this.validationTransform = ImageTransform.validation(config.imageSize(), normalizer);
        this.data = data;
        this.network = network;
        this.weights = weights;
        this.devices = devices;
        this.listeners = listeners;
        this.checkpointing = checkpointing;
        this.optimizer = optimizer;
        this.resumption = resumption;
        this.stop = stop;
        this.clock = clock;
        this.decoder = decoder;
        this.knownUnreadable = knownUnreadable;
        Set<Path> known = knownUnreadable.stream().map(SkippedImage::path).collect(Collectors.toSet());
        Path knownList = new RunDirectory(config.outputDir()).skippedImages();
        this.trainShare = new UnreadableShare("spec.data.trainDir", data.train(), known, knownList);
        this.validationShare = new UnreadableShare("spec.data.valDir", data.validation(), known, knownList);
        this.stepsPerEpoch = stepsPerEpoch(config, data);
        this.totalSteps = config.epochs() * stepsPerEpoch;
        this.schedule = optimizer.schedule();
    }

    /**
     * The run's learning rates, for its optimiser: a linear warm-up over {@code warmupEpochs}, then a cosine to 0 at
     * the end of the last epoch, in optimiser steps.
     */
    public static WarmupCosineSchedule schedule(TrainingConfig config, DataSets data) {
        long stepsPerEpoch = stepsPerEpoch(config, data);
        return new WarmupCosineSchedule(config.learningRate(), config.warmupEpochs() * stepsPerEpoch,
                config.epochs() * stepsPerEpoch);
    }

    /** {@code len(train) // batch_size}: the last partial batch is dropped. */
    private static long stepsPerEpoch(TrainingConfig config, DataSets data) {
        return data.train().samples().size() / config.batchSize();
    }

    /**
     * Trains every epoch left, or until a stop rule ends the run or a stop is requested; {@code manager} owns every
     * per-step scope. Closes the optimiser at the end.
     *
     * @throws TrainingDiverged when a step's loss is not finite
     */
    public RunResult run(NDManager manager) {
        long started = System.nanoTime();
        // The stop rules are decided again on the finished epochs: a run that a rule ended trains nothing more.
        RunHistory history = new RunHistory(resumption.start().finished(), config.stopRules());
        StartPoint start = resumption.start().withFinished(history.reports());
        // After every value the network was given (initial weights, a checkpoint), which come back contiguous.
        MemoryFormat format = network.layOutForTraining(config.imageSize(), devices);
        RunPlan plan = new RunPlan(network.architecture(), data.train().classes(), data.train().samples().size(),
                data.validation().samples().size(), config.epochs(), stepsPerEpoch, totalSteps,
                config.batchSize(), devices, format,
                new RunPlan.Threads(config.cpus(), config.intraOpThreads(), config.loaderThreads()),
                network.trainableParameterCount(), weights, config.outputDir(), start);
        trainedBatches = resumption.trainedBatches();
        lastSave = clock.instant();
        listeners.forEach(l -> l.onStart(plan));
        skippedQueue.addAll(data.unreadable());
        Set<Path> scanned = data.unreadable().stream().map(SkippedImage::path).collect(Collectors.toSet());
        knownUnreadable.stream().filter(known -> !scanned.contains(known.path())).forEach(skippedQueue::add);
        reportSkipped();
        Optional<SavedStep> stoppedAt = Optional.empty();
        try (BatchLoader loader = new BatchLoader(config.loaderThreads(), 2 * config.loaderThreads() + 1,
                        decoder, knownUnreadable.stream().map(SkippedImage::path).toList(), skippedQueue::add);
                AdamWParameterServer server = new AdamWParameterServer(optimizer, network.parameters())) {
            ParameterStore store = new ParameterStore(manager, false);
            store.setParameterServer(server, devices.toArray(Device[]::new));
            TrainStep step = new TrainStep(network.block(), store, devices, manager);
            Validation evaluator = new Validation(network.block(), store, manager);
            ProgressThrottle throttle = new ProgressThrottle(listeners);
            EpochProgress from = start.firstEpochProgress();
            for (int epoch = from.epoch(); epoch <= config.epochs() && !history.stoppedEarly(); epoch++) {
                EpochRun run = runEpoch(from, history, loader, step, evaluator, throttle);
                if (run.stopped().isPresent()) {
                    stoppedAt = run.stopped();
                    break;
                }
                EpochReport report = checkpointing.afterEpoch(run.metrics(), history, state(epoch));
                listeners.forEach(l -> l.onEpoch(report));
                if (report.checkpoint().isPresent()) {
                    lastSave = clock.instant();
                }
                from = EpochProgress.start(epoch + 1);
                if (stop.requested() && epoch < config.epochs() && report.stop().isEmpty()) {
                    // Asked during validation's last batch or the checkpoint: the next epoch need not wait.
                    stoppedAt = Optional.of(report.checkpoint().isPresent()
                            ? stopAtEpochCheckpoint(epoch, report.checkpoint().get())
                            : saveStep(history, state(epoch), from, SavedStep.Reason.STOP));
                    break;
                }
            }
            if (stoppedAt.isEmpty()) {
                // The last epoch trained, or the one a stop rule ended the run after.
                checkpointing.afterRun(history, state(history.last().epoch()));
            } else {
                checkpointing.stopped(stoppedAt.get().step());
            }
        }
        RunResult result = new RunResult(plan, history.reports(), List.copyOf(skipped),
                (System.nanoTime() - started) / 1e9, stoppedAt);
        if (stoppedAt.isEmpty()) {
            listeners.forEach(l -> l.onFinish(result));
        }
        return result;
    }

    /** An epoch's outcome: its metrics, or where the loop saved when it was asked to stop in the middle. */
    private record EpochRun(EpochMetrics metrics, Optional<SavedStep> stopped) {}

    /** The state after {@code epoch} finished epochs, with the schedule at the end of the last. */
    private LoopState state(int epoch) {
        return state(epoch, epoch * stepsPerEpoch);
    }

    private LoopState state(int finishedEpochs, long step) {
        return new LoopState(finishedEpochs, step, trainedBatches, optimizer);
    }

    private EpochRun runEpoch(EpochProgress from, RunHistory history, BatchLoader loader, TrainStep step,
            Validation evaluator, ProgressThrottle throttle) {
        int epoch = from.epoch();
        EpochProgress progress = from;
        int[] order = Seeds.epochOrder(data.train().samples().size(), config.seed(), epoch);
        Iterator<ImageBatch> batches = loader.trainingBatches(data.train().samples(), order, config.batchSize(),
                trainTransform, config.seed(), epoch, from.batches());
        RateMeter rate = new RateMeter(RATE_WINDOW_NANOS);
        rate.record(System.nanoTime(), 0);
        long seen = 0;
        for (long i = from.batches(); i < stepsPerEpoch; i++) {
            long stepStart = System.nanoTime();
            ImageBatch batch = batches.next();
            progress = progress.withSkipped(reportSkipped());
            long globalStep = (epoch - 1) * stepsPerEpoch + i;
            double loss = step.run(batch);
            if (!Double.isFinite(loss)) {
                // Before anything is saved: these weights took a step on a non-finite gradient.
                throw new TrainingDiverged(loss, globalStep + 1, epoch, i + 1, stepsPerEpoch);
            }
            trainedBatches++;
            long now = System.nanoTime();
            progress = progress.afterBatch(config.batchSize(), loss, (now - stepStart) / 1e9);
            checkpointing.reached(globalStep + 1);
            seen += config.batchSize();
            rate.record(now, seen);
            offerProgress(throttle, now, progress, globalStep + 1, rate.perSecond());
            if (stop.requested() || intervalPassed()) {
                SavedStep saved = saveStep(history, state(epoch - 1, globalStep + 1), progress,
                        stop.requested() ? SavedStep.Reason.STOP : SavedStep.Reason.INTERVAL);
                if (saved.reason() == SavedStep.Reason.STOP) {
                    return new EpochRun(null, Optional.of(saved));
                }
            }
        }
        long validationStart = System.nanoTime();
        Optional<Validation.Totals> validation = evaluator.run(loader.validationBatches(data.validation().samples(),
                config.validationBatchSize(), validationTransform), stop::requested);
        progress = progress.withSkipped(reportSkipped());
        if (validation.isEmpty()) {
            // Stopped in the middle of validation: training is done, so the next attempt only validates.
            return new EpochRun(null, Optional.of(saveStep(history, state(epoch - 1, epoch * stepsPerEpoch),
                    progress, SavedStep.Reason.STOP)));
        }
        Validation.Totals totals = validation.get();
        double seconds = progress.seconds() + (System.nanoTime() - validationStart) / 1e9;
        // the learning rate of the epoch's last step, also when this attempt only validated
        double learningRate = schedule.at(epoch * stepsPerEpoch - 1);
        return new EpochRun(new EpochMetrics(epoch, progress.lossSum() / Math.max(1, progress.stepsTrained()),
                totals.total() == 0 ? Double.NaN : totals.lossSum() / totals.total(), totals.correct(),
                totals.total(), learningRate, seconds, progress.samples() / progress.seconds(),
                progress.skippedImages(), progress.interruptions(), progress.stepsRedone()), Optional.empty());
    }

    private void offerProgress(ProgressThrottle throttle, long now, EpochProgress progress, long stepsDone,
            double perSecond) {
        long remainingImages = (totalSteps - stepsDone) * config.batchSize();
        double lr = schedule.at(stepsDone - 1);
        throttle.offer(now, () -> new ProgressUpdate(progress.epoch(), config.epochs(), stepsDone, totalSteps,
                progress.samples(), stepsPerEpoch * config.batchSize(), progress.meanLoss(),
                lr, perSecond, perSecond > 0 ? Math.round(remainingImages / perSecond) : -1));
    }

    private boolean intervalPassed() {
        Duration interval = config.checkpointInterval();
        return !interval.isZero() && Duration.between(lastSave, clock.instant()).compareTo(interval) >= 0;
    }

    private SavedStep saveStep(RunHistory history, LoopState state, EpochProgress progress, SavedStep.Reason reason) {
        SavedStep saved = checkpointing.saveStep(history, state, progress, reason);
        lastSave = clock.instant();
        listeners.forEach(l -> l.onStepCheckpoint(saved));
        return saved;
    }

    /** A stop asked for while the epoch checkpoint was being written: that checkpoint is where the run stands. */
    private SavedStep stopAtEpochCheckpoint(int epoch, String checkpoint) {
        return new SavedStep(checkpoint, epoch + 1, 0, epoch * stepsPerEpoch, SavedStep.Reason.STOP, 0);
    }

    /**
     * Hands images found unreadable (on the loader threads) to the listeners, on the training thread, and stops the
     * run when a folder has more unreadable images than a run accepts; returns how many images the run has left out.
     */
    private int reportSkipped() {
        for (SkippedImage image = skippedQueue.poll(); image != null; image = skippedQueue.poll()) {
            skipped.add(image);
            SkippedImage reported = image;
            listeners.forEach(l -> l.onSkippedImage(reported));
            trainShare.count(image);
            validationShare.count(image);
        }
        return skipped.size();
    }

    /**
     * A folder's unreadable images, the scan's, those found while training and those an earlier attempt listed in
     * {@code knownList} (which this attempt does not try), against its bound.
     */
    private static final class UnreadableShare {
        private final String field;
        private final Path root;
        private final int imageFiles;
        private final List<SkippedImage> unreadable = new ArrayList<>();
        private final Set<Path> known;
        private final Path knownList;

        UnreadableShare(String field, ImageFolderIndex folder, Set<Path> known, Path knownList) {
            this.field = field;
            this.root = folder.root();
            this.imageFiles = folder.samples().size() + folder.unreadable().size();
            this.known = known;
            this.knownList = knownList;
        }

        /** Counts an unreadable image if it is in this folder; throws when the folder is past its bound. */
        void count(SkippedImage image) {
            if (!image.path().startsWith(root)) {
                return;
            }
            unreadable.add(image);
            String tooMany = DataSets.tooManyUnreadable(field, root, unreadable, imageFiles - unreadable.size());
            if (tooMany == null) {
                return;
            }
            long listed = unreadable.stream().filter(skipped -> known.contains(skipped.path())).count();
            if (listed > 0) {
                // Mended files do not count while the run resumes from a checkpoint: it must form the batches the
                // attempt that found them unreadable formed.
                tooMany += "; " + listed + " of them are listed in " + knownList + " by an earlier attempt and not "
                        + "tried again, so that the resumed run forms the same batches. To train on mended files, "
                        + "start the run over: set spec.checkpoints.resume to false, or train into another output "
                        + "folder";
            }
            throw new InvalidInputException(tooMany);
        }
    }
}
