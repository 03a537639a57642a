package dev.trainingrun.trainer.data;

import dev.trainingrun.trainer.config.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * Decodes and transforms images on {@code threads} loader threads (the seed's DataLoader workers), keeping up to
 * {@code prefetch} batches in flight so training rarely waits. Batches come out in order, and each image's
 * augmentation is seeded from (seed, epoch, position), so the result does not depend on which thread ran first.
 *
 * <p>An image whose pixel data cannot be decoded (the folder scan already left out files whose header is bad) is
 * reported once to {@code onSkipped} (from a loader thread) and never tried again. In a training batch its place
 * goes to a replacement drawn from the training set by a generator seeded with (seed, epoch, position), the first
 * readable one: every training batch is full, so batch norm never sees a short or single-image batch, and which
 * image replaces which depends only on the files, so a resumed run forms the same batches. A validation batch
 * leaves the image out (batch norm runs in inference mode there).
 */
public final class BatchLoader implements AutoCloseable {
    /** Replacements tried for one place of a training batch before the run gives up on the folder. */
    static final int REPLACEMENT_TRIES = 100;

    private final ExecutorService pool;
    private final int prefetch;
    private final ImageDecoder decoder;
    private final Set<Path> unreadable = ConcurrentHashMap.newKeySet();
    private final Consumer<SkippedImage> onSkipped;

    /**
     * @param knownUnreadable images already known to be unreadable (found by an earlier attempt of the run): they
     *     are treated as unreadable without being tried, so that a restart forms the batches the first attempt did
     */
    public BatchLoader(int threads, int prefetch, ImageDecoder decoder, Collection<Path> knownUnreadable,
            Consumer<SkippedImage> onSkipped) {
        AtomicInteger counter = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "image-loader-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.prefetch = prefetch;
        this.decoder = decoder;
        this.unreadable.addAll(knownUnreadable);
        this.onSkipped = onSkipped;
    }

    /**
     * The training batches of one epoch from batch {@code firstBatch} on (an epoch resumed in the middle): of
     * {@code order.length / batchSize} full batches (the last partial one is dropped), position {@code p} holding
     * {@code samples[order[p]]} or, when that is unreadable, its replacement. An iterator abandoned early keeps its
     * prefetched batches until {@link #close()}.
     */
    public Iterator<ImageBatch> trainingBatches(List<Sample> samples, int[] order, int batchSize, ImageTransform transform,
            long seed, long epoch, long firstBatch) {
        return batches(firstBatch, order.length / batchSize, batch -> () -> {
            Filling out = new Filling(batchSize, transform.size());
            for (int position = batch * batchSize; position < (batch + 1) * batchSize; position++) {
                Sample sample = samples.get(order[position]);
                RgbImage image = tryDecode(sample);
                SplittableRandom replacements = null;
                for (int tries = 0; image == null; tries++) {
                    if (tries == REPLACEMENT_TRIES) {
                        throw new InvalidInputException("spec.data.trainDir: none of " + REPLACEMENT_TRIES
                                + " training images drawn at random could be decoded (the last: " + sample.path()
                                + "); the folder's images mostly cannot be read");
                    }
                    if (replacements == null) {
                        replacements = Seeds.random(seed, Seeds.Stream.REPLACEMENT, epoch, position);
                    }
                    sample = samples.get(replacements.nextInt(samples.size()));
                    image = tryDecode(sample);
                }
                out.add(image, sample.label(), transform, Seeds.random(seed, Seeds.Stream.AUGMENTATION, epoch,
                        position));
            }
            return out.batch();
        });
    }

    /** Every sample in order, in batches of up to {@code batchSize}; unreadable images are left out. */
    public Iterator<ImageBatch> validationBatches(List<Sample> samples, int batchSize, ImageTransform transform) {
        return batches(0, (samples.size() + batchSize - 1) / batchSize, batch -> () -> {
            int start = batch * batchSize;
            int end = Math.min(start + batchSize, samples.size());
            Filling out = new Filling(end - start, transform.size());
            for (int position = start; position < end; position++) {
                Sample sample = samples.get(position);
                RgbImage image = tryDecode(sample);
                if (image != null) {
                    out.add(image, sample.label(), transform, null);
                }
            }
            return out.batch();
        });
    }

    /** The image, or null when it cannot be decoded (reported the first time). */
    private RgbImage tryDecode(Sample sample) {
        if (unreadable.contains(sample.path())) {
            return null;
        }
        try {
            return decoder.decode(sample.path());
        } catch (ImageDecoder.UnreadableImageException e) {
            if (unreadable.add(sample.path())) {
                onSkipped.accept(new SkippedImage(sample.path(), e.getMessage()));
            }
            return null;
        }
    }

    /** Batches {@code first} to {@code count - 1}, each loaded by {@code load}'s task for its index. */
    private Iterator<ImageBatch> batches(long first, int count, IntFunction<Callable<ImageBatch>> load) {
        return new Iterator<>() {
            private final ArrayDeque<Future<ImageBatch>> inFlight = new ArrayDeque<>();
            private int submitted = (int) Math.min(first, count);

            {
                fill();
            }

            private void fill() {
                while (inFlight.size() < prefetch && submitted < count) {
                    inFlight.add(pool.submit(load.apply(submitted)));
                    submitted++;
                }
            }

            @Override
            public boolean hasNext() {
                return !inFlight.isEmpty();
            }

            @Override
            public ImageBatch next() {
                Future<ImageBatch> next = inFlight.poll();
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
                    if (e.getCause() instanceof InvalidInputException invalid) {
                        throw invalid;
                    }
                    throw new IllegalStateException("loading a batch failed: " + e.getCause(), e.getCause());
                }
            }
        };
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** A batch being filled, image by image. */
    private static final class Filling {
        private final float[] pixels;
        private final long[] labels;
        private final int side;
        private int size;

        Filling(int capacity, int side) {
            this.pixels = new float[capacity * 3 * side * side];
            this.labels = new long[capacity];
            this.side = side;
        }

        void add(RgbImage image, int label, ImageTransform transform, RandomGenerator random) {
            transform.apply(image, random, pixels, size * 3 * side * side);
            labels[size++] = label;
        }

        ImageBatch batch() {
            return new ImageBatch(pixels, labels, size, side);
        }
    }
}
