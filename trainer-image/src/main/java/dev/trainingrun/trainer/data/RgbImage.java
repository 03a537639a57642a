package dev.trainingrun.trainer.data;

/** A decoded image as 8-bit RGB triples, row by row: what every transform starts from. */
public record RgbImage(int width, int height, byte[] rgb) {

    /** The 0-255 value of channel {@code c} (0 red, 1 green, 2 blue) at (x, y). */
    public int value(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }
}
