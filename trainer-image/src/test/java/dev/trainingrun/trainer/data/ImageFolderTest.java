package dev.trainingrun.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.trainer.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path root;

    @Test
    void classesAreTheSortedSubFolderNamesAndImagesComeInSortedOrder() throws IOException {
        TestImages.write(root.resolve("train/dog/b.png"), 4, 4, 0);
        TestImages.write(root.resolve("train/dog/a.JPG"), 4, 4, 0);
        TestImages.write(root.resolve("train/Cat/x.bmp"), 4, 4, 0);
        TestImages.write(root.resolve("train/ant/nested/z.png"), 4, 4, 0);
        TestImages.write(root.resolve("train/ant/y.png"), 4, 4, 0);
        Files.writeString(root.resolve("train/dog/notes.txt"), "not an image");
        Files.createDirectories(root.resolve("train/.cache"));

        ImageFolder folder = ImageFolder.scan(root.resolve("train"), "spec.data.trainDir");

        // Python's sorted(): upper case before lower case.
        assertEquals(List.of("Cat", "ant", "dog"), folder.classes());
        assertEquals(List.of("Cat/x.bmp", "ant/y.png", "ant/nested/z.png", "dog/a.JPG", "dog/b.png"),
                folder.samples().stream().map(s -> root.resolve("train").relativize(s.path()).toString()).toList());
        assertEquals(List.of(0, 1, 1, 2, 2), folder.samples().stream().map(Sample::label).toList());
    }

    @Test
    void aMissingFolderIsNamedWithItsField() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFolder.scan(root.resolve("nope"), "spec.data.valDir"));
        assertEquals("spec.data.valDir: folder " + root.resolve("nope") + " does not exist", e.getMessage());
    }

    @Test
    void aFileInsteadOfAFolderIsAnError() throws IOException {
        Files.writeString(root.resolve("train"), "x");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFolder.scan(root.resolve("train"), "spec.data.trainDir"));
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
    }

    @Test
    void aFolderWithoutClassFoldersIsAnError() {
        TestImages.write(root.resolve("train/loose.png"), 4, 4, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFolder.scan(root.resolve("train"), "spec.data.trainDir"));
        assertTrue(e.getMessage().startsWith("spec.data.trainDir: folder " + root.resolve("train")
                + " has no class sub-folders"), e.getMessage());
    }

    @Test
    void everyEmptyClassIsNamed() throws IOException {
        TestImages.write(root.resolve("train/a/1.png"), 4, 4, 0);
        Files.createDirectories(root.resolve("train/b"));
        Files.createDirectories(root.resolve("train/c"));
        Files.writeString(root.resolve("train/c/readme.txt"), "x");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageFolder.scan(root.resolve("train"), "spec.data.trainDir"));
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
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DataSets.open(root.resolve("train"), root.resolve("val"), 2, 1));
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
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DataSets.open(root.resolve("train"), root.resolve("val"), 5, 1));
        assertEquals("spec.model.numClasses: is 5 but spec.data.trainDir " + root.resolve("train")
                + " has 2 class folders [a, b]", e.getMessage());
    }

    @Test
    void oneFullBatchMustFitTheTrainingSet() {
        TestImages.write(root.resolve("train/a/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("train/b/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("val/a/1.png"), 4, 4, 0);
        TestImages.write(root.resolve("val/b/1.png"), 4, 4, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DataSets.open(root.resolve("train"), root.resolve("val"), 2, 4));
        assertTrue(e.getMessage().startsWith("spec.training.batchSize: is 4"), e.getMessage());
    }

    @Test
    void problemsOfBothFoldersAreReportedTogether() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DataSets.open(root.resolve("train"), root.resolve("val"), 2, 1));
        assertEquals(2, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("spec.data.trainDir"));
        assertTrue(e.problems().get(1).startsWith("spec.data.valDir"));
    }
}
