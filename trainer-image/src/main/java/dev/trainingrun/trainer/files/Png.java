package dev.trainingrun.trainer.files;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** PNG encoding in memory, so that writing the file is one step of its own that can fail whole. */
public final class Png {
    private Png() {}

    /**
     * The image as a PNG file's bytes. Encoded through a memory cache: ImageIO's default stream caches in a temporary
     * file, and a pod's root file system is read-only.
     */
    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(png)) {
            ImageIO.write(image, "png", stream);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed in memory", e);
        }
        return png.toByteArray();
    }
}
