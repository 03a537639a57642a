package dev.trainingrun.trainer.data;

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
 * An Adobe YCCK JPEG (APP14 transform 2), the kind Photoshop writes for CMYK, which Pillow cannot write: the JDK's
 * JPEG encoder (libjpeg) writes a four-band raster with such a marker as it is, so the raster holds Y, Cb, Cr, K.
 */
final class YcckJpeg {
    private static final String FORMAT = "javax_imageio_jpeg_image_1.0";

    private YcckJpeg() {}

    static void write(Path file, int width, int height) throws IOException {
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
            metadata.setFromTree(FORMAT, fourComponents((IIOMetadataNode) metadata.getAsTree(FORMAT)));
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, metadata), param);
        } finally {
            writer.dispose();
        }
    }

    /** The default three-component metadata made YCCK: no JFIF marker, an Adobe one, a fourth component (K). */
    private static IIOMetadataNode fourComponents(IIOMetadataNode root) {
        IIOMetadataNode variety = (IIOMetadataNode) root.getElementsByTagName("JPEGvariety").item(0);
        while (variety.hasChildNodes()) {
            variety.removeChild(variety.getFirstChild());
        }
        IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
        IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe");
        adobe.setAttribute("transform", "2");
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
