"""Writes image files of every (format, mode) torchvision's default loader reads, and what that loader decodes them to.

    python3 image_corpus.py DIR

Makes the corpus in DIR with Pillow (and, for modes Pillow does not write, with a few lines of byte packing here),
then decodes every file in DIR, the caller's own files included, as torchvision's ImageFolder does:
PIL.Image.open(f).convert("RGB"), no EXIF rotation. Writes DIR/reference.json, a list of

    {"file", "format", "mode", "width", "height", "lossy", "rgb": "FILE.rgb"}    decoded: 8-bit RGB rows in FILE.rgb
    {"file", "error"}                                                           PIL cannot decode the file

One rule differs from PIL on purpose: 16-bit grey (PIL's modes I and I;16) becomes 8 bits the way PIL reads the same
format's 16-bit colour images (the high byte for PNG and TIFF, value * 255 / 65535 rounded for PPM/PGM), where PIL's
convert("RGB") clips every value above 255 to white (pytorch/vision#2218). Such entries carry "rule".
"""

import io
import json
import os
import struct
import sys
import zlib

from PIL import Image, ImageCms, ImageDraw

WIDTH, HEIGHT = 37, 29  # odd sides: chroma subsampling and sub-byte rows end mid-block


def pattern(width=WIDTH, height=HEIGHT):
    """An RGB image with gradients, edges and noise, so that every channel takes many values."""
    image = Image.new("RGB", (width, height))
    seed = 12345
    pixels = []
    for y in range(height):
        for x in range(width):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            noise = seed >> 24
            pixels.append(((x * 255 // (width - 1)) ^ (noise & 0x0F),
                           (y * 255 // (height - 1)),
                           (x * y * 3 + noise) & 0xFF))
    image.putdata(pixels)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 12, 12), fill=(255, 255, 255))
    draw.rectangle((20, 14, 30, 24), fill=(0, 0, 0))
    return image


def grey16(width=WIDTH, height=HEIGHT):
    """16-bit grey values over the whole range, low bytes included."""
    return [(x * 65535 // (width - 1) + y * 977) % 65536 for y in range(height) for x in range(width)]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(width, height, bit_depth, colour_type, rows, extra=()):
    """A PNG from rows of samples (one list per row, samples interleaved), packed at bit_depth."""
    raw = bytearray()
    for row in rows:
        raw.append(0)
        if bit_depth == 16:
            for sample in row:
                raw += struct.pack(">H", sample)
        elif bit_depth == 8:
            raw += bytes(row)
        else:
            per_byte = 8 // bit_depth
            for i in range(0, len(row), per_byte):
                byte = 0
                for j, sample in enumerate(row[i:i + per_byte]):
                    byte |= sample << (8 - bit_depth * (j + 1))
                raw.append(byte)
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    chunks = [png_chunk(b"IHDR", header), *[png_chunk(kind, data) for kind, data in extra],
              png_chunk(b"IDAT", zlib.compress(bytes(raw))), png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def rows_of(values, width, bands):
    return [values[y * width * bands:(y + 1) * width * bands] for y in range(len(values) // (width * bands))]


def bmp_bytes(width, height, bits, rows_bottom_up, compression=0, palette=b"", masks=b"", top_down=False,
              pixel_data=None):
    """A BITMAPINFOHEADER BMP; rows are byte strings, padded here to 4 bytes."""
    if pixel_data is None:
        pixel_data = b"".join(row + b"\0" * (-len(row) % 4) for row in rows_bottom_up)
    info = struct.pack("<IiiHHIIiiII", 40, width, -height if top_down else height, 1, bits, compression,
                       len(pixel_data), 2835, 2835, len(palette) // 4, 0)
    offset = 14 + len(info) + len(masks) + len(palette)
    header = b"BM" + struct.pack("<IHHI", offset + len(pixel_data), 0, 0, offset)
    return header + info + masks + palette + pixel_data


def gif_bytes(screen, frame_box, palette, indices, transparency=None):
    """A GIF whose one frame covers frame_box (left, top, width, height) of the logical screen. Every pixel code
    follows a clear code, so codes keep their first width (a valid, if large, LZW stream)."""
    colours = len(palette) // 3
    depth = max(2, (colours - 1).bit_length())
    table = palette + bytes(3 * ((1 << depth) - colours))
    header = b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80 | (depth - 1), 0, 0) + table
    control = b""
    if transparency is not None:
        control = b"\x21\xf9\x04" + struct.pack("<BHB", 1, 0, transparency) + b"\x00"
    clear, end, width = 1 << depth, (1 << depth) + 1, depth + 1
    bits, count, data = 0, 0, bytearray()
    for code in [c for index in indices for c in (clear, index)] + [end]:
        bits |= code << count
        count += width
        while count >= 8:
            data.append(bits & 0xFF)
            bits >>= 8
            count -= 8
    if count:
        data.append(bits & 0xFF)
    blocks = b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255))
    image = b"\x2c" + struct.pack("<HHHHB", *frame_box, 0) + bytes([depth]) + blocks + b"\x00"
    return header + control + image + b"\x3b"


def write_corpus(out):
    files = {}

    def save(name, image, **options):
        image.save(os.path.join(out, name), **options)
        files[name] = image

    def raw(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    rgb = pattern()
    rgba = rgb.copy()
    rgba.putalpha(Image.linear_gradient("L").resize(rgb.size))
    grey = rgb.convert("L")
    grey_alpha = grey.copy()
    grey_alpha.putalpha(Image.linear_gradient("L").rotate(90).resize(rgb.size))
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=200)
    bilevel = grey.convert("1")
    wide_grey = Image.new("I;16", rgb.size)
    wide_grey.putdata(grey16())

    # The three rows of issue 18, with their right values asserted by the Java test.
    Image.new("RGB", (64, 64), (40, 160, 60)).convert("CMYK").save(os.path.join(out, "issue-cmyk.jpg"), quality=95)
    issue_grey16 = Image.new("I;16", (2, 1))
    issue_grey16.putdata([16384, 49152])
    issue_grey16.save(os.path.join(out, "issue-grey16.png"))
    issue_la = Image.new("LA", (3, 1))
    issue_la.putdata([(64, 255), (128, 100), (192, 0)])
    issue_la.save(os.path.join(out, "issue-la.png"))

    # PNG: every bit depth and colour type.
    save("png-1.png", bilevel)
    save("png-L.png", grey)
    save("png-LA.png", grey_alpha)
    save("png-I16.png", wide_grey)
    save("png-P.png", palette)
    for bits in (1, 2, 4):
        small = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=2 ** bits)
        save(f"png-P-{bits}bit.png", small, bits=bits)
    save("png-P-transparency.png", palette, transparency=7)
    save("png-L-transparency.png", grey, transparency=100)
    save("png-RGB.png", rgb)
    save("png-RGB-transparency.png", rgb, transparency=(255, 255, 255))
    save("png-RGBA.png", rgba)
    grey_values = list(grey.getdata())
    for bits in (2, 4):
        raw(f"png-L-{bits}bit.png", png_bytes(WIDTH, HEIGHT, bits, 0,
                                              rows_of([v >> (8 - bits) for v in grey_values], WIDTH, 1)))
    wide = grey16()
    wide_rgb = [v for i, v in enumerate(wide) for v in (v, (v * 7) % 65536, 65535 - v)]
    raw("png-RGB-16bit.png", png_bytes(WIDTH, HEIGHT, 16, 2, rows_of(wide_rgb, WIDTH, 3)))
    wide_rgba = [s for i in range(len(wide)) for s in (*wide_rgb[3 * i:3 * i + 3], (i * 4099) % 65536)]
    raw("png-RGBA-16bit.png", png_bytes(WIDTH, HEIGHT, 16, 6, rows_of(wide_rgba, WIDTH, 4)))
    wide_la = [s for i, v in enumerate(wide) for s in (v, (i * 4099) % 65536)]
    raw("png-LA-16bit.png", png_bytes(WIDTH, HEIGHT, 16, 4, rows_of(wide_la, WIDTH, 2)))
    raw("png-I16-transparency.png", png_bytes(WIDTH, HEIGHT, 16, 0, rows_of(wide, WIDTH, 1),
                                              extra=[(b"tRNS", struct.pack(">H", wide[5]))]))

    # JPEG: grey, the chroma subsamplings, progressive, CMYK, an ICC profile and an EXIF rotation (not applied).
    save("jpeg-L.jpg", grey, quality=90)
    for name, subsampling in (("444", 0), ("422", 1), ("420", 2)):
        save(f"jpeg-RGB-{name}.jpg", rgb, quality=90, subsampling=subsampling)
    save("jpeg-RGB-progressive.jpg", rgb, quality=85, progressive=True)
    save("jpeg-RGB-optimized-q50.jpg", rgb, quality=50, optimize=True)
    save("jpeg-L-progressive.jpg", grey, quality=85, progressive=True)
    save("jpeg-CMYK.jpg", rgb.convert("CMYK"), quality=90)
    save("jpeg-CMYK-progressive.jpg", rgb.convert("CMYK"), quality=90, progressive=True)
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    save("jpeg-RGB-foreign-icc.jpg", rgb, quality=90, icc_profile=lab)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    save("jpeg-RGB-srgb-icc.jpg", rgb, quality=90, icc_profile=srgb)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees; PIL's loader ignores it, and so must we
    save("jpeg-RGB-exif-rotated.jpg", rgb, quality=90, exif=exif)

    # BMP: 1, 8-bit grey and palette, 24 and 32 bits; by hand: 16-bit 5-6-5 and 5-5-5, top-down, RLE8.
    save("bmp-1.bmp", bilevel)
    save("bmp-L.bmp", grey)
    save("bmp-P.bmp", palette)
    save("bmp-RGB.bmp", rgb)
    save("bmp-RGBA.bmp", rgba)
    pixels = list(rgb.getdata())
    rows565 = [b"".join(struct.pack("<H", (r >> 3) << 11 | (g >> 2) << 5 | b >> 3) for r, g, b in
                        pixels[y * WIDTH:(y + 1) * WIDTH]) for y in reversed(range(HEIGHT))]
    raw("bmp-RGB565.bmp", bmp_bytes(WIDTH, HEIGHT, 16, rows565, compression=3,
                                    masks=struct.pack("<III", 0xF800, 0x07E0, 0x001F)))
    rows555 = [b"".join(struct.pack("<H", (r >> 3) << 10 | (g >> 3) << 5 | b >> 3) for r, g, b in
                        pixels[y * WIDTH:(y + 1) * WIDTH]) for y in reversed(range(HEIGHT))]
    raw("bmp-RGB555.bmp", bmp_bytes(WIDTH, HEIGHT, 16, rows555))
    rows_bgr = [b"".join(bytes((b, g, r)) for r, g, b in pixels[y * WIDTH:(y + 1) * WIDTH]) for y in range(HEIGHT)]
    raw("bmp-RGB-top-down.bmp", bmp_bytes(WIDTH, HEIGHT, 24, rows_bgr, top_down=True))
    indices = list(palette.getdata())
    colours = palette.getpalette()[:256 * 3]
    bmp_palette = b"".join(bytes((colours[3 * i + 2], colours[3 * i + 1], colours[3 * i], 0))
                           for i in range(len(colours) // 3))
    rle = bytearray()
    for y in reversed(range(HEIGHT)):
        row = indices[y * WIDTH:(y + 1) * WIDTH]
        x = 0
        while x < WIDTH:
            run = 1
            while x + run < WIDTH and run < 255 and row[x + run] == row[x]:
                run += 1
            rle += bytes((run, row[x]))
            x += run
        rle += b"\x00\x00"
    rle += b"\x00\x01"
    raw("bmp-P-rle8.bmp", bmp_bytes(WIDTH, HEIGHT, 8, None, compression=1, palette=bmp_palette,
                                    pixel_data=bytes(rle)))

    # GIF: palette, grey, transparency, and the first frame of an animation.
    save("gif-P.gif", palette)
    save("gif-L.gif", grey)
    save("gif-P-transparency.gif", palette, transparency=3)
    second = rgb.transpose(Image.Transpose.ROTATE_180).convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    save("gif-animated.gif", palette, save_all=True, append_images=[second], duration=100, loop=0)
    # A first frame smaller than the logical screen: PIL's image is the screen, the rest index 0 or transparent.
    small = rgb.resize((20, 15)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    small_palette = bytes(small.getpalette()[:48])
    raw("gif-small-frame.gif", gif_bytes((WIDTH, HEIGHT), (7, 5, 20, 15), small_palette, list(small.getdata())))
    raw("gif-small-frame-transparency.gif", gif_bytes((WIDTH, HEIGHT), (7, 5, 20, 15), small_palette,
                                                      list(small.getdata()), transparency=9))

    # TIFF: every mode Pillow writes, and the common compressions.
    for mode, image in (("1", bilevel), ("L", grey), ("LA", grey_alpha), ("P", palette), ("RGB", rgb),
                        ("RGBA", rgba), ("CMYK", rgb.convert("CMYK")), ("I16", wide_grey)):
        save(f"tiff-{mode}.tif", image)
    for compression in ("tiff_lzw", "tiff_deflate", "packbits"):
        save(f"tiff-RGB-{compression}.tiff", rgb, compression=compression)
    save("tiff-L-tiff_lzw.tif", grey, compression="tiff_lzw")
    save("tiff-RGB-jpeg.tif", rgb, compression="jpeg", quality=90)
    save("tiff-two-pages.tif", rgb, save_all=True, append_images=[grey.convert("RGB")])

    # WebP: lossy and lossless, with and without alpha, and an animation's first frame.
    save("webp-RGB-lossy.webp", rgb, quality=80)
    save("webp-RGB-lossless.webp", rgb, lossless=True)
    save("webp-RGBA-lossy.webp", rgba, quality=80)
    save("webp-RGBA-lossless.webp", rgba, lossless=True)
    save("webp-animated-lossless.webp", rgb, save_all=True, append_images=[rgb.transpose(Image.Transpose.ROTATE_180)],
         lossless=True, duration=100)

    # PPM/PGM/PBM: binary by Pillow, plain (ASCII) and 16-bit colour by hand.
    save("ppm-RGB.ppm", rgb)
    save("pgm-L.pgm", grey)
    save("pbm-1.pbm", bilevel)
    save("pgm-I16.pgm", wide_grey.convert("I"))
    raw("ppm-RGB-16bit.ppm", b"P6\n%d %d\n65535\n" % rgb.size + b"".join(struct.pack(">H", v) for v in wide_rgb))
    raw("ppm-RGB-plain.ppm", b"P3\n# a comment\n%d %d\n255\n" % rgb.size
        + b"\n".join(b" ".join(b"%d" % c for p in pixels[y * WIDTH:(y + 1) * WIDTH] for c in p) for y in range(HEIGHT)))
    raw("pgm-L-plain.pgm", b"P2\n%d %d\n255\n" % rgb.size + b" ".join(b"%d" % v for v in grey_values))
    # A maximum value other than 255 or 65535: PIL scales it, the trainer refuses it (docs/trainer.md).
    raw("pgm-L-maxval-1000.pgm", b"P5\n%d %d\n1000\n" % rgb.size
        + b"".join(struct.pack(">H", v * 1000 // 255) for v in grey_values))

    # Truncated copies: pixel data missing at the end. PIL refuses them; so must the trainer.
    for name in ("jpeg-RGB-420.jpg", "jpeg-RGB-progressive.jpg", "jpeg-CMYK.jpg", "png-RGB.png", "png-P.png",
                 "gif-P.gif", "bmp-RGB.bmp", "tiff-RGB.tif", "tiff-RGB-tiff_lzw.tiff", "webp-RGB-lossy.webp",
                 "webp-RGB-lossless.webp", "ppm-RGB.ppm", "pgm-L.pgm"):
        with open(os.path.join(out, name), "rb") as f:
            data = f.read()
        raw("truncated-" + name, data[:len(data) * 6 // 10])
    raw("not-an-image.jpg", b"these are not the pixels you are looking for\n" * 20)
    raw("empty.png", b"")


def decode(path):
    """torchvision's default loader, except for 16-bit grey (see the module's description)."""
    with open(path, "rb") as f:
        image = Image.open(f)
        image.load()
        entry = {"format": image.format, "mode": image.mode, "width": image.width, "height": image.height}
        if image.mode in ("I", "I;16", "I;16B", "I;16L"):
            values = list(image.getdata())
            if image.format == "PPM":
                grey = bytes(round(v * 255 / 65535) for v in values)
            else:
                grey = bytes(v >> 8 for v in values)
            entry["rule"] = "16-bit grey as the format's 16-bit colour: PIL's convert('RGB') clips it to 255"
            return entry, bytes(c for v in grey for c in (v, v, v))
        return entry, image.convert("RGB").tobytes()


def lossy(name, entry):
    if entry["format"] == "JPEG":
        return True
    if entry["format"] == "WEBP":
        return "lossless" not in name
    return entry["format"] == "TIFF" and "jpeg" in name


def main(out):
    write_corpus(out)
    reference = []
    for name in sorted(os.listdir(out)):
        if name.endswith(".rgb") or name == "reference.json":
            continue
        try:
            entry, pixels = decode(os.path.join(out, name))
        except Exception as e:  # what PIL says about a file it cannot decode
            reference.append({"file": name, "error": f"{type(e).__name__}: {e}"})
            continue
        with open(os.path.join(out, name + ".rgb"), "wb") as f:
            f.write(pixels)
        reference.append({"file": name, **entry, "lossy": lossy(name, entry), "rgb": name + ".rgb"})
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
    print(f"{len(reference)} files, Pillow {Image.__version__}")


if __name__ == "__main__":
    main(sys.argv[1])
