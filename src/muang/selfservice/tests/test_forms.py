"""The forms a taxpayer files online: ภ.ด.ส.5 change of use and ภ.ด.ส.10 objection."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from muang.billing.models import Objection, ObjectionStatus
from muang.billing.tests.factories import revenue_member
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import member
from muang.selfservice.models import UseChangeNotice, UseChangeStatus
from muang.selfservice.tests.factories import build_town, signed_in_client
from muang.testing.images import assert_clean, jpeg_with_gps, pixel_flood_png

pytestmark = pytest.mark.django_db


def png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 3), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def town(areas):
    return build_town()


@pytest.fixture
def client(town):
    return signed_in_client(town.owner)


def url(town, name, *args):
    return reverse(f"selfservice:{name}", args=[town.org.slug, *args])


def use_change(client, town, **data):
    today = timezone.localdate()
    body = {
        "property": f"parcel:{town.parcel.pk}",
        "use": "residential",
        "changed_on": today - dt.timedelta(days=10),
    }
    body.update(data)
    return client.post(url(town, "use-change-new"), body)


def test_a_change_of_use_is_filed_with_a_photo_and_confirmed_with_a_reference(town, client):
    photo = SimpleUploadedFile("shop.png", png(), content_type="image/png")
    response = use_change(client, town, note="เปิดเป็นบ้านพักแล้ว", photo=photo)
    assert response.status_code == 302
    notice = UseChangeNotice.objects.get()
    assert notice.organization == town.org and notice.owner == town.owner and notice.parcel == town.parcel
    assert (notice.previous_use, notice.use, notice.share_residential) == ("other", "residential", 100)
    assert notice.status == UseChangeStatus.RECEIVED and notice.photo.name.startswith("use-change/")
    page = client.get(response.url)
    assert notice.reference in page.content.decode() and notice.reference.startswith("UC-")
    assert AuditEntry.objects.get(object_type="selfservice.UseChangeNotice").actor_label == (
        f"taxpayer:owner:{town.owner.pk}"
    )


def test_the_photo_loses_its_gps_and_name_and_only_its_taxpayer_and_tax_staff_see_it(town, client, settings):
    photo = SimpleUploadedFile("IMG_20261120_บ้านสมหญิง.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = use_change(client, town, photo=photo)
    assert response.status_code == 302
    stored = UseChangeNotice.objects.get().photo
    # Not use-change/YYYY/MM/<the uploader's name> under the public media: random, private, re-encoded.
    assert re.fullmatch(rf"use-change/{town.org.pk}/[A-Za-z0-9_-]{{22}}\.jpg", stored.name)
    assert Path(stored.path).is_relative_to(settings.MUANG_PRIVATE_ROOT)
    assert_clean(stored.read())
    assert Client().get(f"/media/{stored.name}").status_code == 404

    page = client.get(response.url).content.decode()
    assert f'src="/files/{stored.name}"' in page  # the taxpayer sees their photo on the confirmation
    own = client.get(f"/files/{stored.name}")
    assert own.status_code == 200 and own["Cache-Control"] == "private, no-store"
    assert own["Content-Type"] == "image/jpeg" and own["X-Content-Type-Options"] == "nosniff"
    assert signed_in_client(town.neighbour).get(f"/files/{stored.name}").status_code == 403
    assert signed_in_client(town.twin).get(f"/files/{stored.name}").status_code == 403
    assert Client().get(f"/files/{stored.name}").status_code == 403
    staff = Client()
    staff.force_login(revenue_member(town.org))  # tax staff: the registry's readers (property.view)
    assert staff.get(f"/files/{stored.name}").status_code == 200
    outsider = Client()
    outsider.force_login(member(town.other_org, Role.SYSTEM_ADMIN))
    assert outsider.get(f"/files/{stored.name}").status_code == 403


def test_a_pixel_flood_photo_is_refused_naming_the_field(town, client):
    flood = SimpleUploadedFile("flood.png", pixel_flood_png(7000), content_type="image/png")
    response = use_change(client, town, photo=flood)
    assert response.status_code == 422
    assert "too many pixels" in response.context["form"].errors["photo"][0]
    assert 'data-field="photo"' in response.content.decode()
    assert not UseChangeNotice.objects.exists()


def test_a_mixed_use_needs_shares_that_add_up_to_100(town, client):
    response = use_change(client, town, use="mixed", share_residential="60", share_other="30")
    assert response.status_code == 422
    assert "add up to 100%; they add up to 90" in response.content.decode()
    response = use_change(client, town, use="mixed", share_residential="60", share_other="40")
    assert response.status_code == 302
    notice = UseChangeNotice.objects.get()
    assert notice.use_shares == {"residential": Decimal("60.00"), "other": Decimal("40.00")}


def test_the_change_must_have_happened(town, client):
    response = use_change(client, town, changed_on=timezone.localdate() + dt.timedelta(days=1))
    assert response.status_code == 422 and "a date up to today" in response.content.decode()
    assert not UseChangeNotice.objects.exists()


def test_the_same_use_is_not_a_change(town, client):
    response = use_change(client, town, use="other")
    assert response.status_code == 422 and "already the recorded use" in response.content.decode()


def test_someone_elses_property_cannot_be_named(town, client):
    neighbours = town.neighbour.ownerships.get().parcel
    response = use_change(client, town, property=f"parcel:{neighbours.pk}")
    assert response.status_code == 422 and not UseChangeNotice.objects.exists()


def test_a_late_notice_is_accepted_and_flagged(town, client):
    response = use_change(client, town, changed_on=timezone.localdate() - dt.timedelta(days=90))
    page = client.get(response.url)
    assert "more than 60 days after the change" in page.content.decode()


def test_a_file_that_is_not_an_image_is_refused(town, client):
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = use_change(client, town, photo=fake)
    assert response.status_code == 422 and not UseChangeNotice.objects.exists()


def test_an_objection_is_filed_through_billing_and_confirmed(town, client):
    response = client.post(
        url(town, "objection-new", town.bill.number), {"reason": "ที่ดินแปลงนี้ใช้ทำนา ไม่ใช่พาณิชย์"}
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.bill == town.bill and objection.filed_on == timezone.localdate()
    assert objection.status == ObjectionStatus.PENDING and objection.recorded_by is None
    page = client.get(response.url)
    assert f"{town.bill.number}-{objection.pk}" in page.content.decode()
    assert AuditEntry.objects.get(object_type="billing.Objection").actor_label.startswith("taxpayer:")


def test_one_pending_objection_per_bill(town, client):
    reason = {"reason": "พื้นที่อาคารไม่ถูกต้อง วัดใหม่แล้ว"}
    client.post(url(town, "objection-new", town.bill.number), reason)
    response = client.post(url(town, "objection-new", town.bill.number), reason)
    assert response.status_code == 422 and "already have an objection" in response.content.decode()
    assert Objection.objects.count() == 1


def test_an_objection_after_thirty_days_is_refused_with_the_last_day(town, client):
    response = client.post(
        url(town, "objection-new", town.late_bill.number), {"reason": "ราคาประเมินสูงเกินไปมาก"}
    )
    assert response.status_code == 422
    assert "within 30 days of receiving the notice; the last day was" in response.content.decode()
    assert not Objection.objects.exists()


def test_an_objection_needs_reasons(town, client):
    response = client.post(url(town, "objection-new", town.bill.number), {"reason": "ผิด"})
    assert response.status_code == 422 and "Explain in a few sentences" in response.content.decode()
