package dev.trainingrun.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
    @TempDir
    Path root;

    private List<Sample> samples(int count) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(new Sample(TestImages.write(root.resolve("img-" + i + ".png"), 20 + i, 24, i * 0x030507),
                    i % 3));
        }
        return samples;
    }

    @Test
    void batchesFollowTheOrderAndDropTheLastPartialOneWhenAsked() {
        List<Sample> samples = samples(7);
        int[] order = {6, 5, 4, 3, 2, 1, 0};
        try (BatchLoader loader = new BatchLoader(2, 3, skipped -> {})) {
            List<Batch> kept = drain(loader.batches(samples, order, 3, true,
                    ImageTransform.validation(8, Normalizer.none()), 0, 1, 0));
            assertEquals(2, kept.size());
            assertArrayEquals(new long[] {0, 2, 1}, kept.get(0).labels());
            List<Batch> all = drain(loader.batches(samples, order, 3, false,
                    ImageTransform.validation(8, Normalizer.none()), 0, 1, 0));
            assertEquals(3, all.size());
            assertEquals(1, all.get(2).size());
        }
    }

    @Test
    void augmentationDependsOnSeedEpochAndPositionNotOnThreads() {
        List<Sample> samples = samples(12);
        int[] order = Seeds.epochOrder(12, 7, 2);
        ImageTransform transform = ImageTransform.training(16, Normalizer.none());
        float[] one;
        float[] four;
        try (BatchLoader loader = new BatchLoader(1, 1, skipped -> {})) {
            one = concat(drain(loader.batches(samples, order, 4, true, transform, 7, 2, 0)));
        }
        try (BatchLoader loader = new BatchLoader(4, 8, skipped -> {})) {
            four = concat(drain(loader.batches(samples, order, 4, true, transform, 7, 2, 0)));
            float[] otherEpoch = concat(drain(loader.batches(samples, order, 4, true, transform, 7, 3, 0)));
            assertNotEquals(0, Arrays.compare(four, otherEpoch));
        }
        assertArrayEquals(one, four);
    }

    @Test
    void aPassResumedAtABatchGivesTheSameBatchesAsTheRestOfAWholePass() {
        List<Sample> samples = samples(12);
        int[] order = Seeds.epochOrder(12, 7, 2);
        ImageTransform transform = ImageTransform.training(16, Normalizer.none());
        try (BatchLoader loader = new BatchLoader(2, 3, skipped -> {})) {
            List<Batch> whole = drain(loader.batches(samples, order, 3, true, transform, 7, 2, 0));
            List<Batch> resumed = drain(loader.batches(samples, order, 3, true, transform, 7, 2, 2));
            assertEquals(2, resumed.size());
            assertArrayEquals(concat(whole.subList(2, 4)), concat(resumed));
            assertArrayEquals(whole.get(3).labels(), resumed.get(1).labels());
        }
    }

    @Test
    void anUnreadableImageIsSkippedAndReported() throws IOException {
        List<Sample> samples = new ArrayList<>(samples(4));
        Path broken = Files.writeString(root.resolve("broken.png"), "this is not a PNG");
        samples.add(1, new Sample(broken, 2));
        List<SkippedImage> skipped = new CopyOnWriteArrayList<>();
        try (BatchLoader loader = new BatchLoader(2, 2, skipped::add)) {
            List<Batch> batches = drain(loader.batches(samples, new int[] {0, 1, 2, 3, 4}, 5, false,
                    ImageTransform.validation(8, Normalizer.none()), 0, 0, 0));
            assertEquals(4, batches.get(0).size());
        }
        assertEquals(1, skipped.size());
        assertEquals(broken, skipped.get(0).path());
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

    private static List<Batch> drain(Iterator<Batch> batches) {
        List<Batch> list = new ArrayList<>();
        batches.forEachRemaining(list::add);
        return list;
    }

    private static float[] concat(List<Batch> batches) {
        int length = batches.stream().mapToInt(b -> b.pixels().length).sum();
        float[] all = new float[length];
        int offset = 0;
        for (Batch batch : batches) {
            System.arraycopy(batch.pixels(), 0, all, offset, batch.pixels().length);
            offset += batch.pixels().length;
        }
        return all;
    }
}
