package dev.trainingrun.trainer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trainingrun.trainer.data.DataSets;
import dev.trainingrun.trainer.data.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesDataSetTest {
    @TempDir
    Path dir;

    @Test
    void writesAnImageFolderDataSetTheTrainerAccepts() {
        ShapesDataSet.Spec spec = new ShapesDataSet.Spec(3, 4, 2, 32, 0);
        ShapesDataSet.write(dir, spec);
        DataSets data = DataSets.open(dir.resolve("train"), dir.resolve("val"), 3, 4, ImageDecoder.forThisProcess(), 2);
        assertEquals(List.of("circle", "square", "triangle"), data.train().classes());
        assertEquals(12, data.train().samples().size());
        assertEquals(6, data.validation().samples().size());
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedOtherImages() throws IOException {
        ShapesDataSet.write(dir.resolve("a"), new ShapesDataSet.Spec(2, 2, 1, 24, 5));
        ShapesDataSet.write(dir.resolve("b"), new ShapesDataSet.Spec(2, 2, 1, 24, 5));
        ShapesDataSet.write(dir.resolve("c"), new ShapesDataSet.Spec(2, 2, 1, 24, 6));
        Path image = Path.of("train", "square", "square-0001.png");
        assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(image)),
                Files.readAllBytes(dir.resolve("b").resolve(image)));
        assertFalse(Arrays.equals(Files.readAllBytes(dir.resolve("a").resolve(image)),
                Files.readAllBytes(dir.resolve("c").resolve(image))));
    }
}
