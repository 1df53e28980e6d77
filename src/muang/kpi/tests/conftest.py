"""A town with cases to measure (the case engine's test town), and a district office over local governments."""

import datetime as dt
import io

import pytest
from PIL import Image

from muang.cases.tests.conftest import Town, make_town
from muang.core.thai_dates import BANGKOK

JAN = dt.date(2026, 1, 1)
# 5 February 2026, 09:00 in Bangkok: January is over, February is not.
FEB_5 = dt.datetime(2026, 2, 5, 9, tzinfo=BANGKOK)


@pytest.fixture
def town(areas) -> Town:
    return make_town()


def evidence_png(name: str = "evidence.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
