package dev.trainingrun.trainer.data;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A GIF's first frame as PIL has it: on the file's logical screen, the frame at its position and the rest filled with
 * the frame's transparent index, or index 0 without one (Pillow's GifImageFile.load_prepare). ImageIO's GIF reader
 * returns the frame alone, which is smaller than the image PIL decodes when the frame does not cover the screen.
 */
final class GifScreen {
    private static final String STREAM = "javax_imageio_gif_stream_1.0";
    private static final String IMAGE = "javax_imageio_gif_image_1.0";

    private GifScreen() {}

    /** The logical screen's size: the image's size for PIL. */
    static Dimension size(ImageReader reader) throws IOException {
        Element screen = child(reader.getStreamMetadata(), STREAM, "LogicalScreenDescriptor");
        if (screen == null) {
            return new Dimension(reader.getWidth(0), reader.getHeight(0));
        }
        return new Dimension(Integer.parseInt(screen.getAttribute("logicalScreenWidth")),
                Integer.parseInt(screen.getAttribute("logicalScreenHeight")));
    }

    /** The first frame on the logical screen; the frame itself when it covers the screen. */
    static BufferedImage compose(ImageReader reader, BufferedImage frame) throws IOException {
        Dimension screen = size(reader);
        IIOMetadata metadata = reader.getImageMetadata(0);
        Element descriptor = child(metadata, IMAGE, "ImageDescriptor");
        int left = descriptor == null ? 0 : Integer.parseInt(descriptor.getAttribute("imageLeftPosition"));
        int top = descriptor == null ? 0 : Integer.parseInt(descriptor.getAttribute("imageTopPosition"));
        if (left == 0 && top == 0 && frame.getWidth() == screen.width && frame.getHeight() == screen.height) {
            return frame;
        }
        Element control = child(metadata, IMAGE, "GraphicControlExtension");
        int fill = control != null && "TRUE".equals(control.getAttribute("transparentColorFlag"))
                ? Integer.parseInt(control.getAttribute("transparentColorIndex")) : 0;
        WritableRaster canvas = frame.getColorModel().createCompatibleWritableRaster(screen.width, screen.height);
        int[] row = new int[screen.width];
        Arrays.fill(row, fill);
        for (int y = 0; y < screen.height; y++) {
            canvas.setSamples(0, y, screen.width, 1, 0, row);
        }
        int width = Math.min(frame.getWidth(), screen.width - left);
        int height = Math.min(frame.getHeight(), screen.height - top);
        if (width > 0 && height > 0) {
            canvas.setRect(left, top, frame.getRaster().createChild(0, 0, width, height, 0, 0, null));
        }
        return new BufferedImage(frame.getColorModel(), canvas, false, null);
    }

    private static Element child(IIOMetadata metadata, String format, String name) {
        if (metadata == null) {
            return null;
        }
        for (Node node = metadata.getAsTree(format).getFirstChild(); node != null; node = node.getNextSibling()) {
            if (name.equals(node.getNodeName())) {
                return (Element) node;
            }
        }
        return null;
    }
}
