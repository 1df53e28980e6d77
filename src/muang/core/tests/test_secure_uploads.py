"""manage.py secure_uploads: images stored by an earlier version (public, guessable names, EXIF and trailing
bytes) are re-encoded under random names, private ones moved out of the public media, rows updated."""

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from muang.cases.models import Attachment
from muang.cases.services.setup import seed_statuses
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.core.models import Organization
from muang.core.tests.factories import OrganizationFactory
from muang.property.models import ParcelPhoto, Signboard
from muang.property.tests.factories import OwnerFactory, ParcelFactory, SignboardFactory
from muang.selfservice.models import UseChangeNotice
from muang.testing.images import TRAILER, assert_clean, jpeg_with_gps

pytestmark = pytest.mark.django_db

TOKEN = r"[A-Za-z0-9_-]{22}"


def put(media: Path, name: str, data: bytes) -> str:
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name


def png_logo_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "somchai@example.com")
    out = io.BytesIO()
    Image.new("RGBA", (1600, 800), (0, 128, 0, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture
def old_install(areas, settings):
    """Rows and files as the previous version left them, under the public MEDIA_ROOT."""
    media = Path(settings.MEDIA_ROOT)
    org, other = OrganizationFactory(), OrganizationFactory()
    for o in (org, other):
        seed_statuses(o)
    rows = {}

    shared = put(media, "cases/2026/05/3f2a.jpg", jpeg_with_gps(3000, 2000))
    here = submit_case(CaseCategoryFactory(organization=org))
    there = submit_case(CaseCategoryFactory(organization=other))  # forwarded: its row named the same file
    for case in (here, there):
        Attachment.objects.create(organization=case.organization, case=case, file=shared, width=1, height=1)
    rows["attachments"] = list(Attachment.objects.order_by("pk"))

    sign = SignboardFactory(organization=org, owner=OwnerFactory(organization=org))
    Signboard.objects.filter(pk=sign.pk).update(
        photo=put(media, f"signboards/2026/05/sign-{sign.pk}.jpg", jpeg_with_gps())
    )
    put(
        media, f"signboards/2026/04/sign-{sign.pk}.jpg", jpeg_with_gps()
    )  # its earlier photo: no row names it
    rows["signboard"] = sign

    broken = SignboardFactory(organization=org, owner=sign.owner)
    data = jpeg_with_gps(640, 480, trailer=b"")
    Signboard.objects.filter(pk=broken.pk).update(
        photo=put(media, "signboards/2026/05/broken.jpg", data[:500])
    )
    rows["broken"] = broken

    gone = SignboardFactory(organization=org, owner=sign.owner)
    Signboard.objects.filter(pk=gone.pk).update(photo="signboards/2026/05/gone.jpg")
    rows["gone"] = gone

    parcel = ParcelFactory(organization=org)
    survey = ParcelPhoto.objects.bulk_create(
        [ParcelPhoto(organization=org, parcel=parcel, taken_by_label="x", width=64, height=48)]
    )[0]
    ParcelPhoto.objects.filter(pk=survey.pk).update(file=put(media, "parcels/2026/05/a.jpg", jpeg_with_gps()))
    rows["survey"] = survey

    notice = UseChangeNotice.objects.create(
        organization=org,
        reference="UC-OLD1-0001",
        owner=sign.owner,
        parcel=parcel,
        property_label=parcel.code,
        previous_use="residential",
        use="other",
        share_other=Decimal(100),
        changed_on=dt.date(2026, 10, 1),
        filed_at=timezone.now(),
    )
    UseChangeNotice.objects.filter(pk=notice.pk).update(
        photo=put(media, "use-change/2026/05/IMG_บ้านสมหญิง.jpg", jpeg_with_gps())
    )
    rows["notice"] = notice

    Organization.objects.filter(pk=org.pk).update(
        logo=put(media, "logos/nonsaat logo.png", png_logo_with_text())
    )
    rows["org"] = org
    return rows


def test_old_uploads_are_re_encoded_renamed_and_moved_out_of_the_public_media(old_install, settings, capsys):
    media, private = Path(settings.MEDIA_ROOT), Path(settings.MUANG_PRIVATE_ROOT)
    call_command("secure_uploads")
    out = capsys.readouterr().out

    # Case photos: each row (the forwarded one too) its own clean copy under its organisation, dimensions updated.
    for attachment in old_install["attachments"]:
        attachment.refresh_from_db()
        assert re.fullmatch(rf"cases/{attachment.organization_id}/{TOKEN}\.jpg", attachment.file.name)
        assert (attachment.width, attachment.height) == (2560, 1707)
        assert_clean((private / attachment.file.name).read_bytes())
    a, b = old_install["attachments"]
    assert a.file.name != b.file.name

    sign = Signboard.objects.get(pk=old_install["signboard"].pk)
    assert re.fullmatch(rf"signboards/{sign.organization_id}/{TOKEN}\.jpg", sign.photo.name)
    assert TRAILER not in (private / sign.photo.name).read_bytes()
    survey = ParcelPhoto.objects.get(pk=old_install["survey"].pk)
    assert re.fullmatch(rf"parcels/{survey.organization_id}/{TOKEN}\.jpg", survey.file.name)
    notice = UseChangeNotice.objects.get(pk=old_install["notice"].pk)
    assert re.fullmatch(rf"use-change/{notice.organization_id}/{TOKEN}\.jpg", notice.photo.name)
    assert_clean((private / notice.photo.name).read_bytes())

    # The logo stays public (it is on every page) but loses its text chunk and its uploader's name.
    org = Organization.objects.get(pk=old_install["org"].pk)
    assert re.fullmatch(rf"logos/{TOKEN}\.png", org.logo.name)
    logo = (media / org.logo.name).read_bytes()
    assert b"somchai" not in logo and Image.open(io.BytesIO(logo)).size == (1024, 512)

    # A file that cannot be re-encoded is kept out of sight, its row without a photo; a missing one is reported.
    assert not Signboard.objects.get(pk=old_install["broken"].pk).photo
    assert (private / "legacy/signboards/2026/05/broken.jpg").exists()
    # The earlier signboard photo no row names: moved aside too. Nothing private is left under /media/.
    assert (private / f"legacy/signboards/2026/04/sign-{sign.pk}.jpg").exists()
    assert sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()) == [org.logo.name]
    assert "cases.Attachment.file: 2 moved" in out and "1 missing, 1 moved, 1 unreadable" in out
    assert "media: 1 swept" in out

    # Idempotent: a second run finds only the missing file again.
    call_command("secure_uploads")
    again = capsys.readouterr().out
    assert again.strip() == "uploads: property.Signboard.photo: 1 missing"
    assert Signboard.objects.get(pk=old_install["signboard"].pk).photo.name == sign.photo.name


def test_nothing_to_do_on_a_new_install(areas, capsys):
    call_command("secure_uploads")
    assert capsys.readouterr().out == ""
