package dev.trainingrun.trainer.data;

import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.Node;

/**
 * Four-channel JPEGs as PIL reads them. PIL has libjpeg turn Adobe YCCK into CMYK and then, assuming Adobe's
 * convention that the stored values are inverted (255 is no ink), inverts every channel ({@code CMYK;I} in Pillow's
 * JpegImagePlugin). ImageIO's readers either convert through a colour profile or return the stored samples; this
 * starts from the stored samples ({@code ImageReader.readRaster}) and does what libjpeg and PIL do.
 */
final class JpegCmyk {
    /** The Adobe APP14 marker's transform for YCCK; 0 is plain (inverted) CMYK. */
    private static final int ADOBE_YCCK = 2;
    private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";
    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        // libjpeg's build_ycc_rgb_table (jdcolor.c), the same integer arithmetic.
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegCmyk() {}

    /** Reads the stored samples and turns them, in place, into CMYK as PIL has it (0 is no ink). */
    static WritableRaster read(ImageReader reader) throws IOException {
        boolean ycck = adobeTransform(reader.getImageMetadata(0)) == ADOBE_YCCK;
        WritableRaster raster = (WritableRaster) reader.readRaster(0, null);
        int[] pixel = new int[4];
        for (int y = raster.getMinY(); y < raster.getMinY() + raster.getHeight(); y++) {
            for (int x = raster.getMinX(); x < raster.getMinX() + raster.getWidth(); x++) {
                raster.getPixel(x, y, pixel);
                if (ycck) {
                    // libjpeg's ycck_cmyk_convert gives 255 - R, G, B of the YCC part; PIL's inversion undoes that.
                    int luma = pixel[0];
                    int cb = pixel[1];
                    int cr = pixel[2];
                    pixel[0] = clamp(luma + CR_R[cr]);
                    pixel[1] = clamp(luma + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
                    pixel[2] = clamp(luma + CB_B[cb]);
                } else {
                    pixel[0] = 255 - pixel[0];
                    pixel[1] = 255 - pixel[1];
                    pixel[2] = 255 - pixel[2];
                }
                pixel[3] = 255 - pixel[3];
                raster.setPixel(x, y, pixel);
            }
        }
        return raster;
    }

    private static int adobeTransform(IIOMetadata metadata) {
        if (metadata == null || !Arrays.asList(metadata.getMetadataFormatNames()).contains(JPEG_METADATA)) {
            return 0;
        }
        Node adobe = find(metadata.getAsTree(JPEG_METADATA), "app14Adobe");
        Node transform = adobe == null ? null : adobe.getAttributes().getNamedItem("transform");
        return transform == null ? 0 : Integer.parseInt(transform.getNodeValue());
    }

    private static Node find(Node node, String name) {
        if (name.equals(node.getNodeName())) {
            return node;
        }
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            Node found = find(child, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static int fix(double value) {
        return (int) (value * (1L << SCALE_BITS) + 0.5);
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
