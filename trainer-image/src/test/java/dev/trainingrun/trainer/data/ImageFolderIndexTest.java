package dev.trainingrun.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.trainer.config.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderIndexTest {
    @TempDir
    Path root;

    private static ImageFolderIndex scan(Path folder) {
        return ImageFolderIndex.scan(folder, "spec.data.trainDir", ImageDecoder.forThisProcess(), 2);
    }

    private static DataSets open(Path root, int numClasses, int batchSize) {
        return DataSets.open(root.resolve("train"), root.resolve("val"), numClasses, batchSize,
                ImageDecoder.forThisProcess(), 2);
    }

    private List<String> relative(Path folder, List<Sample> samples) {
        return samples.stream().map(s -> folder.relativize(s.path()).toString()).toList();
    }

    /**
     * A name whose bytes the process's character set cannot decode (Latin-1 "é" here, under UTF-8 or the C locale)
     * names no file once Java has decoded it: a clear input problem naming the folder, not a file "not found".
     * Made by the shell, since Java cannot write such a name either.
     */
    @Test
    void aNameJavaCannotDecodeIsAnInputProblemNamingIt() throws Exception {
        TestImages.write(root.resolve("train/dog/a.png"), 4, 4, 0);
        TestImages.write(root.resolve("train/cat/a.png"), 4, 4, 0);
        Process latin1 = new ProcessBuilder("sh", "-c", "mv train/cat/a.png \"train/cat/$(printf 'caf\\351').png\"")
                .directory(root.toFile()).inheritIO().start();
        assertEquals(0, latin1.waitFor());
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> scan(root.resolve("train")));
        assertTrue(refused.getMessage().startsWith("spec.data.trainDir: the name of " + root.resolve("train/cat/caf"))
                && refused.getMessage().contains("cannot be decoded in this process's character set"),
                refused.getMessage());
    }

    @Test
    void classesAreTheSortedSubFolderNamesAndImagesComeInSortedOrder() throws IOException {
        TestImages.write(root.resolve("train/dog/b.png"), 4, 4, 0);
        TestImages.write(root.resolve("train/dog/a.JPG"), 4, 4, 0);
        TestImages.write(root.resolve("train/Cat/x.bmp"), 4, 4, 0);
        TestImages.write(root.resolve("train/ant/nested/z.png"), 4, 4, 0);
        TestImages.write(root.resolve("train/ant/y.png"), 4, 4, 0);
        Files.writeString(root.resolve("train/dog/notes.txt"), "not an image");

        ImageFolderIndex folder = scan(root.resolve("train"));

        // Python's sorted(): upper case before lower case.
        assertEquals(List.of("Cat", "ant", "dog"), folder.classes());
        assertEquals(List.of("Cat/x.bmp", "ant/y.png", "ant/nested/z.png", "dog/a.JPG", "dog/b.png"),
                relative(root.resolve("train"), folder.samples()));
        assertEquals(List.of(0, 1, 1, 2, 2), folder.samples().stream().map(Sample::label).toList());
    }

    @Test
    void classOrderIsByCodePointAsPythonSortsNotByUtf16Unit() {
        // U+FF21 (fullwidth A) is one UTF-16 unit above the surrogates that encode U+1F600: Java's String order puts
        // the emoji first, Python's sorted() puts it last.
        List<String> names = List.of("\uD83D\uDE00", "\uFF21", "a", "Z", "\uD800\uDC00", "\uE000");
        for (String name : names) {
            TestImages.write(root.resolve("train").resolve(name).resolve("1.png"), 4, 4, 0);
        }
        assertEquals(List.of("Z", "a", "\uE000", "\uFF21", "\uD800\uDC00", "\uD83D\uDE00"),
                scan(root.resolve("train")).classes());
    }

    @Test
    void whatSystemsAndEditorsLeaveBehindIsNeitherAClassNorAnImage() throws IOException {
        Path train = root.resolve("train");
        TestImages.write(train.resolve("cat/1.jpg"), 8, 8, 0x336699);
        TestImages.write(train.resolve("dog/1.png"), 8, 8, 0x996633);
        for (String junk : List.of("cat/.DS_Store", "cat/._1.jpg", "cat/Thumbs.db", "cat/desktop.ini",
                "cat/1.jpg~", "cat/#1.jpg#", "cat/1.jpg.bak", "cat/.1.jpg.swp", "dog/Icon\r", ".DS_Store",
                "notes.txt")) {
            Files.writeString(train.resolve(junk), "junk");
        }
        // Real images inside hidden and system folders: thumbnails, trash, checkpoints of notebooks.
        for (String folder : List.of("cat/.ipynb_checkpoints", "cat/@eaDir/1.jpg", "dog/.Trashes", "__MACOSX/cat",
                "lost+found", "$RECYCLE.BIN", "System Volume Information", ".hidden-class")) {
            TestImages.write(train.resolve(folder).resolve("thumb.jpg"), 8, 8, 0);
        }

        ImageFolderIndex folder = scan(train);

        assertEquals(List.of("cat", "dog"), folder.classes());
        assertEquals(List.of("cat/1.jpg", "dog/1.png"), relative(train, folder.samples()));
        assertEquals(List.of(), folder.unreadable());
    }

    @Test
    void unreadableImageFilesAreLeftOutWithTheirReasonsBeforeAnyBatch() throws Exception {
        Path train = root.resolve("train");
        for (int i = 0; i < 3; i++) {
            TestImages.write(train.resolve("cat/" + i + ".png"), 8, 8, 0x336699);
        }
        byte[] png = Files.readAllBytes(train.resolve("cat/0.png"));
        Files.write(train.resolve("cat/cut.png"), Arrays.copyOf(png, 20));
        Files.writeString(train.resolve("cat/text.jpg"), "a text file with an image's name");
        Files.write(train.resolve("cat/empty.webp"), new byte[0]);
        Files.createSymbolicLink(train.resolve("cat/gone.jpg"), train.resolve("cat/nowhere.jpg"));
        Process fifo = new ProcessBuilder("mkfifo", train.resolve("cat/pipe.png").toString()).start();
        assertEquals(0, fifo.waitFor());

        ImageFolderIndex folder = scan(train);

        assertEquals(List.of("cat/0.png", "cat/1.png", "cat/2.png"), relative(train, folder.samples()));
        assertEquals(List.of("cat/cut.png", "cat/empty.webp", "cat/gone.jpg", "cat/pipe.png", "cat/text.jpg"),
                folder.unreadable().stream().map(s -> train.relativize(s.path()).toString()).toList());
        List<String> reasons = List.of("truncated", "not an image", "a link to " + train.resolve("cat/nowhere.jpg"),
                "not a regular file", "not an image");
        for (int i = 0; i < reasons.size(); i++) {
            assertTrue(folder.unreadable().get(i).reason().startsWith(reasons.get(i)), folder.unreadable().toString());
        }
    }

    @Test
    void anImageLargerThanPilOpensIsRefusedFromItsHeader() throws IOException {
        // A 20000 x 20000 PNG header in front of almost no data: PIL's decompression-bomb guard refuses it.
        Path train = root.resolve("train");
        TestImages.write(train.resolve("cat/fine.png"), 8, 8, 0);
        byte[] png = Files.readAllBytes(train.resolve("cat/fine.png"));
        byte[] bomb = png.clone();
        java.nio.ByteBuffer.wrap(bomb, 16, 8).putInt(20000).putInt(20000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bomb, 12, 17);
        java.nio.ByteBuffer.wrap(bomb, 29, 4).putInt((int) crc.getValue());
        Files.write(train.resolve("cat/bomb.png"), bomb);

        ImageFolderIndex folder = scan(train);

        assertEquals(1, folder.unreadable().size());
        assertEquals("20000 x 20000 = 400,000,000 pixels, more than the 178,956,970 PIL opens (its decompression-bomb"
                + " limit, twice Image.MAX_IMAGE_PIXELS)", folder.unreadable().get(0).reason());
    }

    @Test
    void anImageNeedingMoreMemoryThanTheDecoderHasIsRefusedNamingTheMemory() {
        Path image = TestImages.write(root.resolve("big.png"), 1000, 1000, 0);
        ImageDecoder.UnreadableImageException e = assertThrows(ImageDecoder.UnreadableImageException.class,
                () -> new ImageDecoder(4L << 20).probe(image));
        assertEquals("1000 x 1000 pixels take about 9 MiB to decode, more than the 4 MiB the trainer sets aside for"
                + " decoding (half its Java heap); give the trainer more memory", e.getMessage());
    }

    @Test
    void aClassWithoutAReadableImageIsNamed() throws IOException {
        TestImages.write(root.resolve("train/cat/1.png"), 4, 4, 0);
        Files.createDirectories(root.resolve("train/dog"));
        Files.writeString(root.resolve("train/dog/1.jpg"), "RIFF....WEBP? no.");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> scan(root.resolve("train")));
        assertEquals("spec.data.trainDir: class folder " + root.resolve("train/dog") + " has no readable image: none"
                + " of its 1 image files can be decoded (1.jpg: not an image in a format the trainer reads (JPEG, PNG,"
                + " GIF, BMP, TIFF, WebP, PPM/PGM/PBM))", e.getMessage());
    }

    @Test
    void moreThanATenthOfAFolderUnreadableStopsTheRunWithTheCount() throws IOException {
        for (int i = 0; i < 8; i++) {
            TestImages.write(root.resolve("train/" + (char) ('a' + i % 2) + "/" + i + ".png"), 4, 4, 0);
        }
        Files.writeString(root.resolve("train/a/x.png"), "x");
        Files.writeString(root.resolve("train/b/y.png"), "y");
        TestImages.write(root.resolve("val/a/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("val/b/1.png"), 4, 4, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> open(root, 2, 2));
        assertEquals("spec.data.trainDir: 2 of the 10 image files in " + root.resolve("train") + " cannot be read"
                + " (20 %, more than the 10 % a run accepts; the folder is likely not what the run expects), e.g."
                + " a/x.png: not an image in a format the trainer reads (JPEG, PNG, GIF, BMP, TIFF, WebP, PPM/PGM/PBM)",
                e.getMessage());
    }

    @Test
    void aLinkBackIntoItsOwnFolderIsNamed() throws IOException {
        TestImages.write(root.resolve("train/cat/1.png"), 4, 4, 0);
        Files.createSymbolicLink(root.resolve("train/cat/again"), root.resolve("train/cat"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> scan(root.resolve("train")));
        assertTrue(e.getMessage().startsWith("spec.data.trainDir: " + root.resolve("train/cat/again")
                + " is a link back to " + root.resolve("train/cat").toRealPath() + ", a folder it is in"),
                e.getMessage());
    }

    @Test
    void linkedFoldersAndFilesAreFollowed() throws IOException {
        TestImages.write(root.resolve("elsewhere/cats/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("elsewhere/2.png"), 4, 4, 0);
        Files.createDirectories(root.resolve("train/dog"));
        Files.createSymbolicLink(root.resolve("train/cat"), root.resolve("elsewhere/cats"));
        Files.createSymbolicLink(root.resolve("train/dog/2.png"), root.resolve("elsewhere/2.png"));
        ImageFolderIndex folder = scan(root.resolve("train"));
        assertEquals(List.of("cat", "dog"), folder.classes());
        assertEquals(List.of("cat/1.png", "dog/2.png"), relative(root.resolve("train"), folder.samples()));
    }

    @Test
    void aMissingFolderIsNamedWithItsField() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFolderIndex.scan(root.resolve("nope"), "spec.data.valDir", ImageDecoder.forThisProcess(), 1));
        assertEquals("spec.data.valDir: folder " + root.resolve("nope") + " does not exist", e.getMessage());
    }

    @Test
    void aFileInsteadOfAFolderIsAnError() throws IOException {
        Files.writeString(root.resolve("train"), "x");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> scan(root.resolve("train")));
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
    }

    @Test
    void aFolderWithoutClassFoldersIsAnError() {
        TestImages.write(root.resolve("train/loose.png"), 4, 4, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> scan(root.resolve("train")));
        assertTrue(e.getMessage().startsWith("spec.data.trainDir: folder " + root.resolve("train")
                + " has no class sub-folders"), e.getMessage());
    }

    @Test
    void everyEmptyClassIsNamed() throws IOException {
        TestImages.write(root.resolve("train/a/1.png"), 4, 4, 0);
        Files.createDirectories(root.resolve("train/b"));
        Files.createDirectories(root.resolve("train/c"));
        Files.writeString(root.resolve("train/c/readme.txt"), "x");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> scan(root.resolve("train")));
        assertEquals(2, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("spec.data.trainDir: class folder " + root.resolve("train/b")
                + " has no images"), e.problems().get(0));
        assertTrue(e.problems().get(1).contains(root.resolve("train/c").toString()));
    }

    @Test
    void trainAndValidationMustHaveTheSameClasses() {
        TestImages.write(root.resolve("train/a/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("train/b/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("val/a/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("val/c/1.png"), 4, 4, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> open(root, 2, 1));
        assertEquals(1, e.problems().size());
        assertTrue(e.getMessage().startsWith("spec.data.valDir: class folders of"), e.getMessage());
        assertTrue(e.getMessage().endsWith("only in training [b], only in validation [c]"), e.getMessage());
    }

    @Test
    void theClassCountMustMatchNumClasses() {
        TestImages.write(root.resolve("train/a/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("train/b/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("val/a/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("val/b/1.png"), 4, 4, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> open(root, 5, 1));
        assertEquals("spec.model.numClasses: is 5 but spec.data.trainDir " + root.resolve("train")
                + " has 2 class folders [a, b]", e.getMessage());
    }

    @Test
    void oneFullBatchOfReadableImagesMustFitTheTrainingSet() throws IOException {
        TestImages.write(root.resolve("train/a/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("train/b/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("val/a/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("val/b/1.png"), 4, 4, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> open(root, 2, 4));
        assertTrue(e.getMessage().startsWith("spec.training.batchSize: is 4 but spec.data.trainDir "
                + root.resolve("train") + " has only 2 readable images"), e.getMessage());
    }

    @Test
    void problemsOfBothFoldersAreReportedTogether() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> open(root, 2, 1));
        assertEquals(2, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("spec.data.trainDir"));
        assertTrue(e.problems().get(1).startsWith("spec.data.valDir"));
    }
}
