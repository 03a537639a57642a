package dev.trainingrun.trainer.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Small image files for data tests. */
public final class TestImages {
    private TestImages() {}

    /** Writes a solid-colour PNG (or other ImageIO format by extension), creating folders as needed. */
    public static Path write(Path file, int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf(".") + 1).toLowerCase(Locale.ROOT);
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
