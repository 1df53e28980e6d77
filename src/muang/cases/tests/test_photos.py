"""Photo intake: real images only, bounded in size and pixels, re-encoded without metadata."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from muang.cases import photos
from muang.cases.photos import clean_photo
from muang.core.errors import InvalidInput


def jpeg_with_gps(width: int = 64, height: int = 48) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (16.0, 32.0, 40.0)}  # GPS IFD: latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name: str = "p.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_photo_is_reencoded_without_exif():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()
    cleaned = clean_photo(upload(original))
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif()
    assert cleaned.name.endswith(".jpg")


def test_png_with_transparency_becomes_jpeg():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
    image = Image.open(io.BytesIO(clean_photo(upload(out.getvalue(), "a.png")).read()))
    assert image.format == "JPEG" and image.mode == "RGB"


def test_large_photos_are_scaled_down():
    out = io.BytesIO()
    Image.new("RGB", (4000, 1000)).save(out, format="JPEG")
    image = Image.open(io.BytesIO(clean_photo(upload(out.getvalue())).read()))
    assert image.size == (2560, 640)


def test_not_an_image():
    with pytest.raises(InvalidInput, match="not a photo"):
        clean_photo(upload(b"%PDF-1.4 not an image", "x.jpg"))


def test_over_ten_megabytes():
    with pytest.raises(InvalidInput, match="10 MB"):
        clean_photo(upload(b"\xff" * (photos.MAX_PHOTO_BYTES + 1)))


def test_decompression_bomb(monkeypatch):
    monkeypatch.setattr(photos, "MAX_PHOTO_PIXELS", 100 * 100)
    out = io.BytesIO()
    Image.new("L", (200, 200)).save(out, format="PNG")  # tiny file, more pixels than allowed
    with pytest.raises(InvalidInput, match="too many pixels"):
        clean_photo(upload(out.getvalue(), "bomb.png"))


def test_truncated_image():
    data = jpeg_with_gps(640, 480)
    with pytest.raises(InvalidInput, match="not a photo"):
        clean_photo(upload(data[: len(data) // 3]))


def test_truncated_image_is_refused_even_after_weasyprint_relaxed_pillow():
    import weasyprint  # noqa: F401  (sets ImageFile.LOAD_TRUNCATED_IMAGES = True at import)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    data = jpeg_with_gps(640, 480)
    with pytest.raises(InvalidInput, match="not a photo"):
        clean_photo(upload(data[: len(data) // 3]))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint keeps its setting
