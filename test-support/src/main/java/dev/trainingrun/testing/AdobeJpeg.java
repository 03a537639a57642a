package dev.trainingrun.testing;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Four-channel JPEGs with an Adobe APP14 marker, as Photoshop writes for print: plain CMYK (transform 0) or YCCK
 * (transform 2, which Pillow cannot write). The JDK's JPEG encoder (libjpeg) writes a four-band raster with such a
 * marker as it is, so the samples are the file's: C, M, Y, K or Y, Cb, Cr, K, stored as they are.
 */
public final class AdobeJpeg {
    private static final String FORMAT = "javax_imageio_jpeg_image_1.0";

    /** The APP14 marker's colour transform. */
    public enum Transform {
        CMYK(0),
        YCCK(2);

        private final int code;

        Transform(int code) {
            this.code = code;
        }
    }

    private AdobeJpeg() {}

    /** Writes a {@code width} x {@code height} image of smooth gradients and a textured fourth channel. */
    public static void write(Path file, int width, int height, Transform transform) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {40 + x * 150 / width, 90 + y * 80 / height, 170 - x * 60 / width,
                        (x * y * 7) % 256});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            IIOMetadata metadata = writer.getDefaultImageMetadata(
                    ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_3BYTE_BGR), param);
            metadata.setFromTree(FORMAT, fourComponents((IIOMetadataNode) metadata.getAsTree(FORMAT), transform));
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, metadata), param);
        } finally {
            writer.dispose();
        }
    }

    /** The default three-component metadata made four: no JFIF marker, an Adobe one, a fourth component (K). */
    private static IIOMetadataNode fourComponents(IIOMetadataNode root, Transform transform) {
        IIOMetadataNode variety = (IIOMetadataNode) root.getElementsByTagName("JPEGvariety").item(0);
        while (variety.hasChildNodes()) {
            variety.removeChild(variety.getFirstChild());
        }
        IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
        IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe");
        adobe.setAttribute("transform", Integer.toString(transform.code));
        markers.insertBefore(adobe, markers.getFirstChild());
        IIOMetadataNode frame = (IIOMetadataNode) root.getElementsByTagName("sof").item(0);
        frame.setAttribute("numFrameComponents", "4");
        frame.appendChild(node("componentSpec", "componentId", "4", "HsamplingFactor", "1", "VsamplingFactor", "1",
                "QtableSelector", "0"));
        IIOMetadataNode scan = (IIOMetadataNode) root.getElementsByTagName("sos").item(0);
        scan.setAttribute("numScanComponents", "4");
        scan.appendChild(node("scanComponentSpec", "componentSelector", "4", "dcHuffTable", "0", "acHuffTable", "0"));
        return root;
    }

    private static IIOMetadataNode node(String name, String... attributes) {
        IIOMetadataNode node = new IIOMetadataNode(name);
        for (int i = 0; i < attributes.length; i += 2) {
            node.setAttribute(attributes[i], attributes[i + 1]);
        }
        return node;
    }
}
