package dev.trainingrun.trainer.bench;

import dev.trainingrun.trainer.data.BatchLoader;
import dev.trainingrun.trainer.data.ImageBatch;
import dev.trainingrun.trainer.data.ImageDecoder;
import dev.trainingrun.trainer.data.ImageFolderIndex;
import dev.trainingrun.trainer.data.ImageTransform;
import dev.trainingrun.trainer.data.Normalizer;
import dev.trainingrun.trainer.data.Seeds;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The data pipeline's throughput: PNG decode, random resized crop, flip, normalise and batching on loader threads. */
public final class PipelineBenchmark {
    private PipelineBenchmark() {}

    /**
     * Images per second delivered from the ImageFolderIndex at {@code folder} at {@code side} px, over whole epochs.
     *
     * @throws MeasurementStopped when {@code stopRequested} turns true, checked between batches
     */
    public static Measurement measure(Path folder, int side, int batchSize, int threads, double minSeconds,
            BooleanSupplier stopRequested) {
        ImageDecoder decoder = ImageDecoder.forThisProcess();
        ImageFolderIndex images = ImageFolderIndex.scan(folder, "benchmark data", decoder, threads);
        ImageTransform transform = ImageTransform.training(side, Normalizer.none());
        int[] order = Seeds.epochOrder(images.samples().size(), 0, 1);
        try (BatchLoader loader = new BatchLoader(threads, 2 * threads + 1, decoder, List.of(), skipped -> {})) {
            // A first pass warms the JIT and the file cache, as a training run's later epochs are.
            drain(loader.trainingBatches(images.samples(), order, batchSize, transform, 0, 0, 0), stopRequested);
            long start = System.nanoTime();
            long delivered = 0;
            for (int epoch = 1; delivered == 0 || (System.nanoTime() - start) / 1e9 < minSeconds; epoch++) {
                delivered += drain(loader.trainingBatches(images.samples(), order, batchSize, transform, 0, epoch, 0),
                        stopRequested);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measurement("data", "-", side, batchSize, Math.toIntExact(delivered / batchSize), seconds,
                    delivered / seconds, Map.of(), null);
        }
    }

    private static int drain(Iterator<ImageBatch> batches, BooleanSupplier stopRequested) {
        int images = 0;
        while (batches.hasNext()) {
            MeasurementStopped.ifRequested(stopRequested);
            images += batches.next().size();
        }
        return images;
    }
}
