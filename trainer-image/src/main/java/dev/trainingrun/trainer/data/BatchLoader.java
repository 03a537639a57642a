package dev.trainingrun.trainer.data;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Decodes and transforms images on {@code threads} loader threads (the seed's DataLoader workers), keeping up to
 * {@code prefetch} batches in flight so training rarely waits. Batches come out in order, and each image's
 * augmentation is seeded from (seed, epoch, position), so the result does not depend on which thread ran first.
 * An unreadable image is left out of its batch and reported to {@code onSkipped} (from a loader thread).
 */
public final class BatchLoader implements AutoCloseable {
    private final ExecutorService pool;
    private final int prefetch;
    private final Consumer<SkippedImage> onSkipped;
    private final ImageDecoder decoder = ImageDecoder.forThisProcess();

    public BatchLoader(int threads, int prefetch, Consumer<SkippedImage> onSkipped) {
        AtomicInteger counter = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "image-loader-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.prefetch = prefetch;
        this.onSkipped = onSkipped;
    }

    /**
     * The batches of one pass over {@code samples} in {@code order}; with {@code dropLast} a final partial batch is
     * left out. An iterator abandoned early keeps its prefetched batches until {@link #close()}.
     */
    public Iterator<Batch> batches(List<Sample> samples, int[] order, int batchSize, boolean dropLast,
            ImageTransform transform, long seed, long epoch) {
        int batchCount = dropLast ? order.length / batchSize : (order.length + batchSize - 1) / batchSize;
        return new Iterator<>() {
            private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
            private int submitted;

            {
                fill();
            }

            private void fill() {
                while (inFlight.size() < prefetch && submitted < batchCount) {
                    int start = submitted * batchSize;
                    int end = Math.min(start + batchSize, order.length);
                    inFlight.add(pool.submit(() -> load(samples, order, start, end, transform, seed, epoch)));
                    submitted++;
                }
            }

            @Override
            public boolean hasNext() {
                return !inFlight.isEmpty();
            }

            @Override
            public Batch next() {
                Future<Batch> next = inFlight.poll();
                if (next == null) {
                    throw new NoSuchElementException();
                }
                fill();
                try {
                    return next.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batch", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("loading a batch failed: " + e.getCause(), e.getCause());
                }
            }
        };
    }

    private Batch load(List<Sample> samples, int[] order, int start, int end, ImageTransform transform, long seed,
            long epoch) {
        int side = transform.size();
        int imageValues = 3 * side * side;
        float[] pixels = new float[(end - start) * imageValues];
        long[] labels = new long[end - start];
        int size = 0;
        for (int position = start; position < end; position++) {
            Sample sample = samples.get(order[position]);
            RgbImage image;
            try {
                image = decoder.decode(sample.path());
            } catch (IOException e) {
                onSkipped.accept(new SkippedImage(sample.path(), e.getMessage()));
                continue;
            }
            transform.apply(image, Seeds.random(seed, Seeds.Stream.AUGMENTATION, epoch, position), pixels,
                    size * imageValues);
            labels[size++] = sample.label();
        }
        return new Batch(pixels, labels, size, side);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
