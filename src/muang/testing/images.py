"""Images for the upload tests of every app: a phone photo with GPS EXIF and bytes after its end, a pixel flood,
a decompression bomb, and checks on what was stored."""

import functools
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
MAKE = 0x010F
TRAILER = b"TRAILING-SECRET-BYTES"


def jpeg_with_gps(width: int = 64, height: int = 48, *, trailer: bytes = TRAILER) -> bytes:
    """A JPEG as a phone writes it: camera make and GPS position in its EXIF; `trailer` appended after the
    image's end (the bytes a polyglot file hides there)."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (16.0, 32.0, 40.0), 3: "E", 4: (102.0, 6.0, 1.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"uploader comment")
    return out.getvalue() + trailer


def upload(data: bytes, name: str = "IMG_20261204_GPS.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@functools.cache
def pixel_flood_png(side: int = 7000) -> bytes:
    """A few kilobytes claiming side × side pixels (49 MP at 7000): cheap to send, costly to decode."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side: int = 30_000) -> bytes:
    """A PNG header claiming side × side RGB pixels (900 MP at 30,000: past Pillow's own bomb threshold) with
    a token of data: Pillow's `open` itself refuses it (DecompressionBombError), which was a 500 before."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def assert_clean(data: bytes) -> Image.Image:
    """The stored bytes are a bare re-encoding: no EXIF, GPS, comment or ICC profile, nothing after the end."""
    assert TRAILER not in data and b"PhoneMaker" not in data and b"uploader comment" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format in ("JPEG", "PNG")
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert "comment" not in image.info
    if image.format == "JPEG":
        assert data.rstrip(b"\x00").endswith(b"\xff\xd9"), "nothing after the image's end marker"
    return image
