package dev.trainingrun.trainer.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.trainingrun.trainer.InvalidInputException;
import dev.trainingrun.trainer.TrainingResult;
import dev.trainingrun.trainer.data.Batch;
import dev.trainingrun.trainer.data.BatchLoader;
import dev.trainingrun.trainer.data.DataSets;
import dev.trainingrun.trainer.data.ImageDecoder;
import dev.trainingrun.trainer.data.ImageFolder;
import dev.trainingrun.trainer.data.ImageTransform;
import dev.trainingrun.trainer.data.Seeds;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.AdamW;
import dev.trainingrun.trainer.optim.AdamWParameterServer;
import dev.trainingrun.trainer.optim.WarmupCosineSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * The seed's loop: per epoch, a shuffled pass over the training set (the last partial batch dropped, so every epoch
 * has {@code len(train) // batch_size} steps, the count the schedule is built on) at a per-step learning rate, then
 * a validation pass, then the checkpoint; progress and per-epoch reports go to the listeners. A resumed run starts
 * at the epoch after its checkpoint: data order, augmentation and learning rate depend only on (seed, epoch,
 * position), so it continues as if never stopped.
 */
public final class TrainingLoop {
    private static final long RATE_WINDOW_NANOS = 5_000_000_000L;

    private final Settings settings;
    private final DataSets data;
    private final Network network;
    private final List<Device> devices;
    private final List<TrainingListener> listeners;
    private final Checkpointing checkpointing;
    private final AdamW optimizer;
    private final Resumption resumption;
    private final WarmupCosineSchedule schedule;
    private final long stepsPerEpoch;
    private final ImageDecoder decoder;
    private final List<SkippedImage> knownUnreadable;
    private final ConcurrentLinkedQueue<SkippedImage> skippedQueue = new ConcurrentLinkedQueue<>();
    /** Every image left out because it cannot be read: the scan's, an earlier attempt's, this attempt's. */
    private final List<SkippedImage> skipped = new ArrayList<>();
    private final UnreadableShare trainShare;
    private final UnreadableShare validationShare;
    private double learningRate;
    private long trainedBatches;

    /** What the loop needs from the configuration. */
    public record Settings(int epochs, int batchSize, int validationBatchSize, double learningRate, int warmupEpochs,
            long seed, int loaderThreads, ImageTransform trainTransform, ImageTransform validationTransform,
            Path runDirectory) {}

    /**
     * A loop over {@code network}, whose parameters, like {@code optimizer}'s state, are already where
     * {@code resumption} says the run stands. {@code knownUnreadable} are the images an earlier attempt of the run left
     * out as unreadable (its skipped-images.jsonl): they stay out, so that this attempt forms the same batches.
     */
    public TrainingLoop(Settings settings, DataSets data, Network network, List<Device> devices,
            List<TrainingListener> listeners, Checkpointing checkpointing, AdamW optimizer, Resumption resumption,
            ImageDecoder decoder, List<SkippedImage> knownUnreadable) {
        this.settings = settings;
        this.data = data;
        this.network = network;
        this.devices = devices;
        this.listeners = listeners;
        this.checkpointing = checkpointing;
        this.optimizer = optimizer;
        this.resumption = resumption;
        this.decoder = decoder;
        this.knownUnreadable = knownUnreadable;
        this.trainShare = new UnreadableShare("spec.data.trainDir", data.train());
        this.validationShare = new UnreadableShare("spec.data.valDir", data.validation());
        this.stepsPerEpoch = data.train().samples().size() / settings.batchSize();
        this.schedule = new WarmupCosineSchedule(settings.learningRate(), settings.warmupEpochs() * stepsPerEpoch,
                settings.epochs() * stepsPerEpoch);
    }

    /** Trains every epoch left; {@code manager} owns every per-step scope. Closes the optimiser at the end. */
    public TrainingResult run(NDManager manager) {
        long started = System.nanoTime();
        StartPoint start = resumption.start();
        RunPlan plan = new RunPlan(network.architecture(), data.train().classes(), data.train().samples().size(),
                data.validation().samples().size(), settings.epochs(), stepsPerEpoch, schedule.totalSteps(),
                settings.batchSize(), devices, network.trainableParameterCount(), settings.runDirectory(), start);
        RunHistory history = new RunHistory(start.finished());
        trainedBatches = resumption.trainedBatches();
        listeners.forEach(l -> l.onStart(plan));
        skippedQueue.addAll(data.unreadable());
        Set<Path> scanned = data.unreadable().stream().map(SkippedImage::path).collect(Collectors.toSet());
        knownUnreadable.stream().filter(known -> !scanned.contains(known.path())).forEach(skippedQueue::add);
        reportSkipped();
        try (BatchLoader loader = new BatchLoader(settings.loaderThreads(), 2 * settings.loaderThreads() + 1,
                        decoder, knownUnreadable.stream().map(SkippedImage::path).toList(), skippedQueue::add);
                AdamWParameterServer server = new AdamWParameterServer(optimizer, network.parameters(),
                        () -> learningRate)) {
            ParameterStore store = new ParameterStore(manager, false);
            store.setParameterServer(server, devices.toArray(Device[]::new));
            TrainStep step = new TrainStep(network.block(), store, devices, manager);
            Evaluator evaluator = new Evaluator(network.block(), store, manager);
            ProgressThrottle throttle = new ProgressThrottle(listeners);
            for (int epoch = start.firstEpoch(); epoch <= settings.epochs(); epoch++) {
                EpochMetrics metrics = runEpoch(epoch, loader, step, evaluator, throttle);
                EpochReport report = checkpointing.afterEpoch(metrics, history, state(epoch));
                listeners.forEach(l -> l.onEpoch(report));
            }
            checkpointing.afterRun(history, state(settings.epochs()));
        }
        TrainingResult result = new TrainingResult(plan, history.reports(), List.copyOf(skipped),
                (System.nanoTime() - started) / 1e9);
        listeners.forEach(l -> l.onFinish(result));
        return result;
    }

    private LoopState state(int epoch) {
        return new LoopState(epoch, epoch * stepsPerEpoch, trainedBatches, optimizer);
    }

    private EpochMetrics runEpoch(int epoch, BatchLoader loader, TrainStep step, Evaluator evaluator,
            ProgressThrottle throttle) {
        long epochStart = System.nanoTime();
        int[] order = Seeds.epochOrder(data.train().samples().size(), settings.seed(), epoch);
        Iterator<Batch> batches = loader.trainingBatches(data.train().samples(), order, settings.batchSize(),
                settings.trainTransform(), settings.seed(), epoch);
        RateMeter rate = new RateMeter(RATE_WINDOW_NANOS);
        rate.record(epochStart, 0);
        double lossSum = 0;
        long samples = 0;
        for (long i = 0; i < stepsPerEpoch; i++) {
            Batch batch = batches.next();
            reportSkipped();
            long globalStep = (epoch - 1) * stepsPerEpoch + i;
            learningRate = schedule.at(globalStep);
            samples += settings.batchSize();
            lossSum += step.run(batch);
            trainedBatches++;
            long now = System.nanoTime();
            rate.record(now, samples);
            double meanLoss = lossSum / (i + 1);
            double perSecond = rate.perSecond();
            long remainingImages = (schedule.totalSteps() - globalStep - 1) * settings.batchSize();
            long seen = samples;
            double lr = learningRate;
            throttle.offer(now, () -> new ProgressUpdate(epoch, settings.epochs(), globalStep + 1,
                    schedule.totalSteps(), seen, stepsPerEpoch * settings.batchSize(), meanLoss, lr, perSecond,
                    perSecond > 0 ? Math.round(remainingImages / perSecond) : -1));
        }
        double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
        Evaluator.Totals validation = evaluator.run(loader.validationBatches(data.validation().samples(),
                settings.validationBatchSize(), settings.validationTransform()));
        reportSkipped();
        return new EpochMetrics(epoch, lossSum / stepsPerEpoch,
                validation.total() == 0 ? Double.NaN : validation.lossSum() / validation.total(),
                validation.correct(), validation.total(), learningRate, (System.nanoTime() - epochStart) / 1e9,
                samples / trainSeconds, skipped.size());
    }

    /**
     * Hands images found unreadable (on the loader threads) to the listeners, on the training thread, and stops the
     * run when a folder has more unreadable images than a run accepts.
     */
    private void reportSkipped() {
        for (SkippedImage image = skippedQueue.poll(); image != null; image = skippedQueue.poll()) {
            skipped.add(image);
            SkippedImage reported = image;
            listeners.forEach(l -> l.onSkippedImage(reported));
            trainShare.count(image);
            validationShare.count(image);
        }
    }

    /** A folder's unreadable images, the scan's and those found while training, against its bound. */
    private static final class UnreadableShare {
        private final String field;
        private final Path root;
        private final int imageFiles;
        private final List<SkippedImage> unreadable = new ArrayList<>();

        UnreadableShare(String field, ImageFolder folder) {
            this.field = field;
            this.root = folder.root();
            this.imageFiles = folder.samples().size() + folder.unreadable().size();
        }

        /** Counts an unreadable image if it is in this folder; throws when the folder is past its bound. */
        void count(SkippedImage image) {
            if (!image.path().startsWith(root)) {
                return;
            }
            unreadable.add(image);
            String tooMany = DataSets.tooManyUnreadable(field, root, unreadable, imageFiles - unreadable.size());
            if (tooMany != null) {
                throw new InvalidInputException(tooMany);
            }
        }
    }
}
