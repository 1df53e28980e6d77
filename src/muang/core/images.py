"""Every image a person uploads enters Muang through `clean_image`, whatever the channel (web form, LINE, API,
admin): the same limits, the same re-encoding, the same error messages naming the field.

1. At most `MUANG_IMAGE_MAX_BYTES` are read.
2. Only the header is parsed (Pillow's `open` is lazy): the format must be a photo format and width × height at
   most `MUANG_IMAGE_MAX_PIXELS`, checked BEFORE a single pixel is decoded. A 190 KB PNG can claim 7000 × 7000
   pixels (150 MB and seconds of CPU once decoded): it is refused from its header.
3. The pixels are decoded strictly (a truncated file is refused), a JPEG at a reduced scale when it is going to
   be scaled down anyway.
4. The EXIF orientation is applied, the colours converted to sRGB, the size fitted within `max_side`.
5. The pixels are encoded again (JPEG; PNG for a logo with transparency). Nothing else of the upload survives:
   no EXIF (GPS position, camera, owner), XMP, ICC profile, comments, or bytes appended after the image.
6. The result carries a random name: what the uploader called the file never reaches the disk.
"""

from __future__ import annotations

import contextlib
import io
import secrets
import threading
import warnings
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from muang.core.errors import InvalidInput

MAX_STORED_SIDE = 2560  # a photo larger than this is scaled down: plenty to read a sign or a crack in a road
LOGO_SIDE = 1024
# MPO is what some phones call a JPEG with a second (depth) picture; only the first is kept.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF"})
JPEG_QUALITY = 85


class CleanImage(ContentFile):
    """An image re-encoded by `clean_image`: the only kind of file an image field of Muang stores."""

    def __init__(self, content: bytes, *, name: str, width: int, height: int):
        super().__init__(content, name=name)
        self.width = width
        self.height = height


def max_bytes() -> int:
    return settings.MUANG_IMAGE_MAX_BYTES


def max_pixels() -> int:
    return settings.MUANG_IMAGE_MAX_PIXELS


def random_token() -> str:
    """128 bits, URL-safe: a stored file's name, never guessable from the row it belongs to."""
    return secrets.token_urlsafe(16)


_strict_lock = threading.Lock()


@contextmanager
def _strict_loading():
    """Refuse truncated files even if another library (WeasyPrint does, at import) let Pillow accept them
    process-wide; the flag is restored for that library afterwards."""
    with _strict_lock:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _megapixels(n: int) -> str:
    return f"{n / 1_000_000:.1f}".removesuffix(".0")


def _read(upload: File, field: str, limit: int) -> bytes:
    too_large = _("A photo may be at most %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"}
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise InvalidInput.for_field(field, too_large)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput.for_field(field, too_large)
    return data


def _open_header(data: bytes, field: str, pixel_limit: int) -> Image.Image:
    """The image with only its header parsed, after the format and pixel-count checks."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        # Pillow's own threshold is far above ours: such a header is refused for the same reason.
        raise InvalidInput.for_field(field, _too_many_pixels(None, pixel_limit)) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as e:
        raise InvalidInput.for_field(field, _("This file is not a photo we can read.")) from e
    if image.format not in ACCEPTED_FORMATS:
        raise InvalidInput.for_field(field, _("Send a photo (JPEG, PNG or WebP)."))
    width, height = image.size
    if width < 1 or height < 1:
        raise InvalidInput.for_field(field, _("This file is not a photo we can read."))
    if width * height > pixel_limit:
        raise InvalidInput.for_field(field, _too_many_pixels(width * height, pixel_limit))
    return image


def _too_many_pixels(pixels: int | None, limit: int) -> str:
    if pixels is None:
        return _("The photo has too many pixels (at most %(max)s megapixels): send a smaller one.") % {
            "max": _megapixels(limit)
        }
    return _("The photo has too many pixels (%(mp)s megapixels, at most %(max)s): send a smaller one.") % {
        "mp": _megapixels(pixels),
        "max": _megapixels(limit),
    }


def _decode(image: Image.Image, field: str, max_side: int, pixel_limit: int) -> Image.Image:
    if image.format in ("JPEG", "MPO"):
        # libjpeg scales by 1/2, 1/4 or 1/8 while decoding: a 12 MP phone photo costs a quarter of the memory.
        image.draft("RGB", (max_side, max_side))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _strict_loading():
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise InvalidInput.for_field(field, _too_many_pixels(None, pixel_limit)) from e
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise InvalidInput.for_field(field, _("This file is not a photo we can read.")) from e
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels in sRGB (a Display P3 photo from an iPhone keeps its colours once its profile is dropped)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: the pixels as they are
    return converted if converted is not None else image


def _flatten(image: Image.Image, keep_transparency: bool) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        image = image.convert("RGBA")
        if keep_transparency:
            return image
        background = Image.new("RGB", image.size, (255, 255, 255))  # transparent parts on white, not black
        background.paste(image, mask=image.getchannel("A"))
        return background
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image


def clean_image(
    upload: File,
    *,
    field: str,
    max_side: int = MAX_STORED_SIDE,
    keep_transparency: bool = False,
    pixel_limit: int | None = None,
) -> CleanImage:
    """A re-encoding of `upload`: upright, in sRGB, at most `max_side` px a side, without any metadata, under a
    random name. JPEG, or PNG when `keep_transparency` and the image has transparent parts (logos).

    Raises InvalidInput naming `field`: too large a file, not an image we accept, too many pixels (refused
    from the header, before decoding), or a damaged file. `pixel_limit` overrides the setting (only for files
    that are already stored, see `secure_uploads`).
    """
    if isinstance(upload, CleanImage):
        return upload  # already re-encoded on its way in (e.g. checked by the LINE bot before the service)
    pixel_limit = pixel_limit or max_pixels()
    data = _read(upload, field, max_bytes())
    image = _open_header(data, field, pixel_limit)
    image = _decode(image, field, max_side, pixel_limit)
    with contextlib.suppress(OSError, SyntaxError, ValueError, TypeError, KeyError):
        image = ImageOps.exif_transpose(image)  # an unreadable orientation tag: the picture as it was taken
    image = _to_srgb(image)
    image = _flatten(image, keep_transparency)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Pillow writes some of what it read back out unasked (a JPEG's comment, a PNG's ICC profile): forget it all.
    image.info = {}
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, format="PNG", optimize=True)
        suffix = "png"
    else:
        # No exif=, icc_profile= or comment= argument, nothing in `info`: only the pixels are written.
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        suffix = "jpg"
    return CleanImage(
        out.getvalue(), name=f"{random_token()}.{suffix}", width=image.width, height=image.height
    )
