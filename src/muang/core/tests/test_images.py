"""The one image intake (muang.core.images): refused from the header before decoding when too large in bytes or
pixels, re-encoded without metadata or trailing bytes, upright, under a random name."""

import io

import pytest
from django.utils import translation
from PIL import Image, ImageFile

from muang.core.errors import InvalidInput
from muang.core.images import CleanImage, clean_image
from muang.testing.images import (
    TRAILER,
    assert_clean,
    bomb_png,
    jpeg_with_gps,
    pixel_flood_png,
    upload,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused(data: bytes, field: str = "photos", **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        clean_image(upload(data), field=field, **kwargs)
    assert list(caught.value.field_errors) == [field], "the error names the field"
    return caught.value


def test_gps_exif_comment_and_trailing_bytes_are_gone():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()[0x8825], "the test photo carries a GPS position"
    assert original.endswith(TRAILER)
    cleaned = clean_image(upload(original), field="photos")
    image = assert_clean(cleaned.read())
    assert image.format == "JPEG" and image.size == (64, 48) == (cleaned.width, cleaned.height)


def test_the_name_is_random_and_never_the_uploaders():
    names = {clean_image(upload(jpeg_with_gps(), name="somchai-home.jpg"), field="p").name for _ in range(3)}
    assert len(names) == 3
    for name in names:
        assert "somchai" not in name and name.endswith(".jpg") and len(name) >= 22 + 4


def test_exif_orientation_is_applied_before_it_is_dropped():
    image = Image.new("RGB", (40, 20), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    cleaned = Image.open(clean_image(upload(out.getvalue()), field="p"))
    assert cleaned.size == (20, 40) and not cleaned.getexif()


def test_an_icc_profile_is_converted_to_srgb_and_dropped():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for icc in (srgb, profile):  # a usable profile, and one that cannot convert RGB: the pixels as they are
        out = io.BytesIO()
        Image.new("RGB", (8, 8), (10, 200, 10)).save(out, format="JPEG", icc_profile=icc)
        stored = Image.open(clean_image(upload(out.getvalue()), field="p"))
        assert "icc_profile" not in stored.info
        r, g, b = stored.getpixel((4, 4))
        assert g > 150 and r < 60 and b < 60


def test_transparent_png_becomes_jpeg_on_white():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
    image = Image.open(clean_image(upload(out.getvalue(), "a.png"), field="p"))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert min(image.getpixel((5, 5))) > 240, "transparent parts are white, not black"


def test_a_logo_keeps_its_transparency_as_png():
    out = io.BytesIO()
    Image.new("RGBA", (2000, 1000), (0, 0, 0, 0)).save(out, format="PNG")
    cleaned = clean_image(
        upload(out.getvalue(), "logo.png"), field="logo", max_side=1024, keep_transparency=True
    )
    image = Image.open(cleaned)
    assert cleaned.name.endswith(".png") and image.mode == "RGBA" and image.size == (1024, 512)


def test_large_photos_are_scaled_down_and_jpegs_decoded_at_reduced_scale():
    out = io.BytesIO()
    Image.new("RGB", (6000, 1500)).save(out, format="JPEG")
    image = Image.open(clean_image(upload(out.getvalue()), field="p"))
    assert image.size == (2560, 640)


def test_not_an_image():
    assert "not a photo" in refused(b"%PDF-1.4 not an image").detail


def test_a_format_that_is_not_a_photo():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="TIFF")
    assert "JPEG, PNG or WebP" in refused(out.getvalue()).detail


def test_over_the_byte_limit(settings):
    settings.MUANG_IMAGE_MAX_BYTES = 1024 * 1024
    assert "at most 1 MB" in refused(b"\xff" * (1024 * 1024 + 1)).detail


def test_a_pixel_flood_is_refused_from_its_header_without_decoding(monkeypatch):
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self) or None)
    data = pixel_flood_png(7000)
    assert len(data) < 200_000  # the 190 KB PNG of 7000 × 7000
    error = refused(data, field="photo")
    assert "too many pixels (49 megapixels, at most 32)" in error.detail
    assert decoded == [], "refused before any pixel was decoded"


def test_the_pixel_limit_is_a_setting(settings):
    out = io.BytesIO()
    Image.new("RGB", (200, 200)).save(out, format="PNG")
    settings.MUANG_IMAGE_MAX_PIXELS = 100 * 100
    assert "too many pixels" in refused(out.getvalue()).detail
    settings.MUANG_IMAGE_MAX_PIXELS = 200 * 200
    assert isinstance(clean_image(upload(out.getvalue()), field="p"), CleanImage)


def test_a_decompression_bomb_is_refused_not_an_error():
    error = refused(bomb_png(), field="photo")
    assert "too many pixels" in error.detail


def test_truncated_image():
    data = jpeg_with_gps(640, 480, trailer=b"")
    assert "not a photo" in refused(data[: len(data) // 3]).detail


def test_truncated_image_is_refused_even_after_weasyprint_relaxed_pillow():
    import weasyprint  # noqa: F401  (sets ImageFile.LOAD_TRUNCATED_IMAGES = True at import)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    data = jpeg_with_gps(640, 480, trailer=b"")
    assert "not a photo" in refused(data[: len(data) // 3]).detail
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint keeps its setting


def test_thai_messages_by_default():
    with translation.override("th"), pytest.raises(InvalidInput) as caught:
        clean_image(upload(pixel_flood_png(7000)), field="photos")
    assert "พิกเซล" in caught.value.detail
