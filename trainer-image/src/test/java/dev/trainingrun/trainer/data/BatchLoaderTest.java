package dev.trainingrun.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.trainer.config.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLoaderTest {
    private static final ImageTransform SMALL = ImageTransform.validation(8, Normalizer.none());

    @TempDir
    Path root;

    private final ImageDecoder decoder = ImageDecoder.forThisProcess();

    private List<Sample> samples(int count) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(new Sample(TestImages.write(root.resolve("img-" + i + ".png"), 20 + i, 24, i * 0x030507),
                    i % 3));
        }
        return samples;
    }

    private BatchLoader loader(int threads, List<Path> known, List<SkippedImage> skipped) {
        return new BatchLoader(threads, 2 * threads + 1, decoder, known, skipped::add);
    }

    @Test
    void trainingBatchesFollowTheOrderAndAreAlwaysFull() {
        List<Sample> samples = samples(7);
        try (BatchLoader loader = loader(2, List.of(), new ArrayList<>())) {
            List<ImageBatch> batches = drain(loader.trainingBatches(samples, new int[] {6, 5, 4, 3, 2, 1, 0}, 3, SMALL, 0,
                    1, 0));
            assertEquals(2, batches.size(), "7 // 3 batches: the last partial one is dropped");
            assertArrayEquals(new long[] {0, 2, 1}, batches.get(0).labels());
            assertEquals(List.of(3, 3), batches.stream().map(ImageBatch::size).toList());
        }
    }

    @Test
    void validationBatchesHoldEveryImageInOrder() {
        List<Sample> samples = samples(7);
        try (BatchLoader loader = loader(2, List.of(), new ArrayList<>())) {
            List<ImageBatch> batches = drain(loader.validationBatches(samples, 3, SMALL));
            assertEquals(List.of(3, 3, 1), batches.stream().map(ImageBatch::size).toList());
            assertArrayEquals(new long[] {0, 1, 2}, batches.get(0).labels());
        }
    }

    @Test
    void augmentationDependsOnSeedEpochAndPositionNotOnThreads() {
        List<Sample> samples = samples(12);
        int[] order = Seeds.epochOrder(12, 7, 2);
        ImageTransform transform = ImageTransform.training(16, Normalizer.none());
        float[] one;
        float[] four;
        try (BatchLoader loader = loader(1, List.of(), new ArrayList<>())) {
            one = concat(drain(loader.trainingBatches(samples, order, 4, transform, 7, 2, 0)));
        }
        try (BatchLoader loader = loader(4, List.of(), new ArrayList<>())) {
            four = concat(drain(loader.trainingBatches(samples, order, 4, transform, 7, 2, 0)));
            float[] otherEpoch = concat(drain(loader.trainingBatches(samples, order, 4, transform, 7, 3, 0)));
            assertNotEquals(0, Arrays.compare(four, otherEpoch));
        }
        assertArrayEquals(one, four);
    }

    @Test
    void anEpochResumedAtABatchGivesTheSameBatchesAsTheRestOfAWholeEpoch() throws IOException {
        List<Sample> samples = new ArrayList<>(samples(12));
        samples.set(7, new Sample(Files.writeString(root.resolve("broken.png"), "not a PNG"), 1));
        int[] order = Seeds.epochOrder(12, 7, 2);
        ImageTransform transform = ImageTransform.training(16, Normalizer.none());
        List<SkippedImage> skipped = new ArrayList<>();
        try (BatchLoader loader = loader(2, List.of(), skipped)) {
            List<ImageBatch> whole = drain(loader.trainingBatches(samples, order, 3, transform, 7, 2, 0));
            List<ImageBatch> resumed = drain(loader.trainingBatches(samples, order, 3, transform, 7, 2, 2));
            assertEquals(2, resumed.size());
            assertArrayEquals(concat(whole.subList(2, 4)), concat(resumed), "replacements included");
            assertArrayEquals(whole.get(3).labels(), resumed.get(1).labels());
        }
    }

    @Test
    void anUnreadableTrainingImageIsReplacedTheSameWayWhateverTheThreadsAndReportedOnce() throws IOException {
        List<Sample> samples = new ArrayList<>(samples(9));
        Path broken = Files.writeString(root.resolve("broken.png"), "this is not a PNG");
        samples.set(1, new Sample(broken, 1));
        int[] order = IntStream.range(0, 9).toArray();
        ImageTransform transform = ImageTransform.training(8, Normalizer.none());
        List<SkippedImage> skipped = new CopyOnWriteArrayList<>();
        List<ImageBatch> first;
        try (BatchLoader loader = loader(3, List.of(), skipped)) {
            first = drain(loader.trainingBatches(samples, order, 3, transform, 5, 1, 0));
            drain(loader.trainingBatches(samples, order, 3, transform, 5, 2, 0));
        }
        assertEquals(List.of(3, 3, 3), first.stream().map(ImageBatch::size).toList(), "no short batch");
        assertEquals(1, skipped.size(), "named once, though the next epoch meets it again: " + skipped);
        assertEquals(broken, skipped.get(0).path());
        assertTrue(skipped.get(0).reason().startsWith("not an image"), skipped.get(0).reason());
        try (BatchLoader loader = loader(1, List.of(), new ArrayList<>())) {
            assertArrayEquals(concat(first),
                    concat(drain(loader.trainingBatches(samples, order, 3, transform, 5, 1, 0))));
        }
    }

    @Test
    void imagesAnEarlierAttemptFoundUnreadableAreNotTriedAgain() {
        List<Sample> samples = samples(6);
        int[] order = IntStream.range(0, 6).toArray();
        ImageTransform transform = ImageTransform.training(8, Normalizer.none());
        List<SkippedImage> skipped = new ArrayList<>();
        try (BatchLoader known = loader(2, List.of(samples.get(2).path()), skipped);
                BatchLoader fresh = loader(2, List.of(), skipped)) {
            float[] withKnown = concat(drain(known.trainingBatches(samples, order, 3, transform, 5, 1, 0)));
            float[] without = concat(drain(fresh.trainingBatches(samples, order, 3, transform, 5, 1, 0)));
            // The file itself reads fine: listed as unreadable, it is replaced all the same, without a report.
            assertNotEquals(0, Arrays.compare(withKnown, without));
        }
        assertEquals(List.of(), skipped);
    }

    @Test
    void anUnreadableValidationImageIsLeftOut() throws IOException {
        List<Sample> samples = new ArrayList<>(samples(4));
        Path broken = Files.writeString(root.resolve("broken.png"), "this is not a PNG");
        samples.add(1, new Sample(broken, 2));
        List<SkippedImage> skipped = new ArrayList<>();
        try (BatchLoader loader = loader(2, List.of(), skipped)) {
            List<ImageBatch> batches = drain(loader.validationBatches(samples, 5, SMALL));
            assertEquals(4, batches.get(0).size());
            assertArrayEquals(new long[] {0, 1, 2, 0}, Arrays.copyOf(batches.get(0).labels(), 4));
        }
        assertEquals(broken, skipped.get(0).path());
    }

    @Test
    void aTrainingSetOfUndecodableImagesStopsTheRunWithANamedError() throws IOException {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            samples.add(new Sample(Files.writeString(root.resolve("bad-" + i + ".jpg"), "no JPEG"), 0));
        }
        try (BatchLoader loader = loader(1, List.of(), new ArrayList<>())) {
            Iterator<ImageBatch> batches = loader.trainingBatches(samples, new int[] {0, 1, 2, 3}, 2, SMALL, 0, 1, 0);
            InvalidInputException e = assertThrows(InvalidInputException.class, batches::next);
            assertTrue(e.getMessage().startsWith("spec.data.trainDir: none of 100 training images"), e.getMessage());
        }
    }

    @Test
    void epochOrderIsAPermutationFixedBySeedAndEpoch() {
        int[] order = Seeds.epochOrder(100, 3, 1);
        assertArrayEquals(IntStream.range(0, 100).toArray(),
                Arrays.stream(order).sorted().toArray());
        assertArrayEquals(order, Seeds.epochOrder(100, 3, 1));
        assertNotEquals(0, Arrays.compare(order, Seeds.epochOrder(100, 3, 2)));
        assertNotEquals(0, Arrays.compare(order, Seeds.epochOrder(100, 4, 1)));
    }

    private static List<ImageBatch> drain(Iterator<ImageBatch> batches) {
        List<ImageBatch> list = new ArrayList<>();
        batches.forEachRemaining(list::add);
        return list;
    }

    private static float[] concat(List<ImageBatch> batches) {
        int length = batches.stream().mapToInt(b -> b.pixels().length).sum();
        float[] all = new float[length];
        int offset = 0;
        for (ImageBatch batch : batches) {
            System.arraycopy(batch.pixels(), 0, all, offset, batch.pixels().length);
            offset += batch.pixels().length;
        }
        return all;
    }
}
