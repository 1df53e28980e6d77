"""The saved Thai QR picture: the code as drawn for banking apps, and Thai words under it, shaped properly."""

import io
from decimal import Decimal

from PIL import Image, ImageChops

from muang.billing import qr_picture, thaiqr

PAYLOAD = thaiqr.build_bill_payment(
    biller_id="099400016550100", ref1="INV2569000123", ref2="2569", amount=Decimal("1234.50")
)


def _picture(lines) -> Image.Image:
    return Image.open(io.BytesIO(qr_picture.labelled_qr_png(PAYLOAD, lines=lines))).convert("RGB")


def test_a_thai_face_with_digits_is_found_and_laid_out_by_harfbuzz():
    from PIL import features

    assert features.check("raqm")  # vowels and tone marks placed, not stacked on each other
    path = qr_picture._font_file(False)
    assert path is not None and "loma" in path.lower()


def test_the_words_change_the_picture_and_long_names_wrap_to_fit():
    one = _picture([("เทศบาลตำบลโนนสะอาด", False), ("1,234.50 บาท", True)])
    other = _picture([("เทศบาลตำบลโนนสะอาด", False), ("1,234.60 บาท", True)])
    assert one.size == other.size and ImageChops.difference(one, other).getbbox() is not None
    long_name = "องค์การบริหารส่วนตำบลนาหนองทุ่ม อำเภอชุมแพ จังหวัดขอนแก่น " * 2
    wide = _picture([(long_name, False)])
    assert wide.width == qr_picture.MIN_WIDTH  # the words wrapped; the picture did not grow sideways
    assert wide.height > _picture([("เทศบาล", False)]).height + 50
    margin = wide.crop((0, 0, qr_picture.MARGIN // 2, wide.height)).convert("L")
    assert margin.getextrema()[0] == 255  # nothing cut off at the edge
