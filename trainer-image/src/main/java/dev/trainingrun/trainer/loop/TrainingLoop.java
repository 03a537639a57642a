package dev.trainingrun.trainer.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.trainingrun.trainer.TrainingResult;
import dev.trainingrun.trainer.data.Batch;
import dev.trainingrun.trainer.data.BatchLoader;
import dev.trainingrun.trainer.data.DataSets;
import dev.trainingrun.trainer.data.ImageTransform;
import dev.trainingrun.trainer.data.Seeds;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.AdamW;
import dev.trainingrun.trainer.optim.AdamWParameterServer;
import dev.trainingrun.trainer.optim.WarmupCosineSchedule;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

/**
 * The seed's loop: per epoch, a shuffled pass over the training set (the last partial batch dropped, so every epoch
 * has {@code len(train) // batch_size} steps, the count the schedule is built on) at a per-step learning rate, then
 * a validation pass; progress and per-epoch metrics go to the listeners.
 */
public final class TrainingLoop {
    private static final long RATE_WINDOW_NANOS = 5_000_000_000L;

    private final Settings settings;
    private final DataSets data;
    private final Network network;
    private final List<Device> devices;
    private final List<TrainingListener> listeners;
    private final WarmupCosineSchedule schedule;
    private final long stepsPerEpoch;
    private final ConcurrentLinkedQueue<SkippedImage> skippedQueue = new ConcurrentLinkedQueue<>();
    private final List<SkippedImage> skipped = new ArrayList<>();
    private double learningRate;

    /** The numbers the loop needs from the configuration. */
    public record Settings(int epochs, int batchSize, int validationBatchSize, double learningRate, int warmupEpochs,
            double weightDecay, long seed, int loaderThreads, ImageTransform trainTransform,
            ImageTransform validationTransform) {}

    public TrainingLoop(Settings settings, DataSets data, Network network, List<Device> devices,
            List<TrainingListener> listeners) {
        this.settings = settings;
        this.data = data;
        this.network = network;
        this.devices = devices;
        this.listeners = listeners;
        this.stepsPerEpoch = data.train().samples().size() / settings.batchSize();
        this.schedule = new WarmupCosineSchedule(settings.learningRate(), settings.warmupEpochs() * stepsPerEpoch,
                settings.epochs() * stepsPerEpoch);
    }

    /** Trains every epoch; {@code manager} owns the optimiser state and every per-step scope. */
    public TrainingResult run(NDManager manager) {
        long started = System.nanoTime();
        RunPlan plan = new RunPlan(network.architecture(), data.train().classes(), data.train().samples().size(),
                data.validation().samples().size(), settings.epochs(), stepsPerEpoch, schedule.totalSteps(),
                settings.batchSize(), devices, network.trainableParameterCount());
        listeners.forEach(l -> l.onStart(plan));
        List<EpochMetrics> epochs = new ArrayList<>();
        try (NDManager optimiserScope = manager.newSubManager();
                BatchLoader loader = new BatchLoader(settings.loaderThreads(), 2 * settings.loaderThreads() + 1,
                        skippedQueue::add);
                AdamWParameterServer server = new AdamWParameterServer(
                        AdamW.withWeightDecay(settings.weightDecay(), optimiserScope), network.parameters(),
                        () -> learningRate)) {
            ParameterStore store = new ParameterStore(manager, false);
            store.setParameterServer(server, devices.toArray(Device[]::new));
            TrainStep step = new TrainStep(network.block(), store, devices, manager);
            Evaluator evaluator = new Evaluator(network.block(), store, manager);
            ProgressThrottle throttle = new ProgressThrottle(listeners);
            for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
                epochs.add(runEpoch(epoch, loader, step, evaluator, throttle));
                EpochMetrics metrics = epochs.get(epochs.size() - 1);
                listeners.forEach(l -> l.onEpoch(metrics));
            }
        }
        TrainingResult result = new TrainingResult(plan, List.copyOf(epochs), List.copyOf(skipped),
                (System.nanoTime() - started) / 1e9);
        listeners.forEach(l -> l.onFinish(result));
        return result;
    }

    private EpochMetrics runEpoch(int epoch, BatchLoader loader, TrainStep step, Evaluator evaluator,
            ProgressThrottle throttle) {
        long epochStart = System.nanoTime();
        int skippedBefore = skipped.size();
        int[] order = Seeds.epochOrder(data.train().samples().size(), settings.seed(), epoch);
        Iterator<Batch> batches = loader.batches(data.train().samples(), order, settings.batchSize(), true,
                settings.trainTransform(), settings.seed(), epoch);
        RateMeter rate = new RateMeter(RATE_WINDOW_NANOS);
        rate.record(epochStart, 0);
        double lossSum = 0;
        long samples = 0;
        long stepsTrained = 0;
        for (long i = 0; i < stepsPerEpoch; i++) {
            Batch batch = batches.next();
            reportSkipped();
            long globalStep = (epoch - 1) * stepsPerEpoch + i;
            learningRate = schedule.at(globalStep);
            samples += settings.batchSize();
            if (batch.size() > 0) {
                lossSum += step.run(batch);
                stepsTrained++;
            }
            long now = System.nanoTime();
            rate.record(now, samples);
            double meanLoss = stepsTrained == 0 ? Double.NaN : lossSum / stepsTrained;
            double perSecond = rate.perSecond();
            long remainingImages = (schedule.totalSteps() - globalStep - 1) * settings.batchSize();
            long seen = samples;
            double lr = learningRate;
            throttle.offer(now, () -> new ProgressUpdate(epoch, settings.epochs(), globalStep + 1,
                    schedule.totalSteps(), seen, stepsPerEpoch * settings.batchSize(), meanLoss, lr, perSecond,
                    perSecond > 0 ? Math.round(remainingImages / perSecond) : -1));
        }
        double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
        int[] identity = IntStream.range(0, data.validation().samples().size()).toArray();
        Evaluator.Totals validation = evaluator.run(loader.batches(data.validation().samples(), identity,
                settings.validationBatchSize(), false, settings.validationTransform(), settings.seed(), 0));
        reportSkipped();
        return new EpochMetrics(epoch, lossSum / Math.max(1, stepsTrained),
                validation.total() == 0 ? Double.NaN : validation.lossSum() / validation.total(),
                validation.correct(), validation.total(), learningRate, (System.nanoTime() - epochStart) / 1e9,
                samples / trainSeconds, skipped.size() - skippedBefore);
    }

    private void reportSkipped() {
        for (SkippedImage image = skippedQueue.poll(); image != null; image = skippedQueue.poll()) {
            skipped.add(image);
            SkippedImage reported = image;
            listeners.forEach(l -> l.onSkippedImage(reported));
        }
    }
}
