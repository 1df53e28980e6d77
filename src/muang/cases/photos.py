"""Photo intake: accept only real images of sane size, and re-encode them so no EXIF (GPS, device) survives."""

import io
import threading
import uuid
import warnings
from contextlib import contextmanager

from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from muang.core.errors import InvalidInput

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000  # a 10 MB file claiming more pixels than this is a decompression bomb
MAX_STORED_SIDE = 2560
MAX_PHOTOS_PER_EVENT = 5
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "HEIF", "MPO"})


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


def clean_photo(upload: File, *, field: str = "photos") -> ContentFile:
    """A JPEG re-encoding of `upload`: rotated upright, at most 2560 px a side, without metadata.

    Raises InvalidInput naming what is wrong: not an image, too large a file, or too many pixels.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise InvalidInput.for_field(field, _("A photo may be at most 10 MB."))
    upload.seek(0)
    data = upload.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput.for_field(field, _("A photo may be at most 10 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise InvalidInput.for_field(field, _("Send a photo (JPEG, PNG or WebP)."))
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise InvalidInput.for_field(field, _("The photo has too many pixels."))
            with _strict_loading():
                image.load()
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise InvalidInput.for_field(field, _("The photo has too many pixels.")) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise InvalidInput.for_field(field, _("This file is not a photo we can read.")) from e
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: metadata is dropped
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
