"""The tax map and field-survey pages: who gets what, tenant isolation, form errors, nothing half-written."""

import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from muang.billing.tests.factories import billing_organization, revenue_member
from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import UserFactory, member
from muang.property.models import Parcel, ParcelPhoto
from muang.property.tests.factories import OwnerFactory, ParcelFactory
from muang.property.tests.map_support import YEAR, own, pay, property_bill
from muang.testing.images import pixel_flood_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(areas):
    org, other = billing_organization(), billing_organization()
    parcel = ParcelFactory(organization=org, code="01A001", deed_number="777")
    owner = OwnerFactory(organization=org, name="บุญมี", last_name="มั่งคั่ง")
    own(owner, parcel)
    users = {
        "outsider": UserFactory(),
        "overseer": member(org, Role.OVERSEER),
        "officer": member(org, Role.OFFICER, duties=[Duty.TAX]),
        "head": member(org, Role.DEPARTMENT_HEAD, duties=[Duty.TAX]),
        "cashier": revenue_member(org),
        "other_org": member(other, Role.SYSTEM_ADMIN),
    }
    return SimpleNamespace(org=org, other=other, parcel=parcel, owner=owner, users=users)


def client_for(users, principal) -> Client:
    client = Client()
    if principal in users:
        client.force_login(users[principal])
    return client


def bbox_of(parcel, d=0.005):
    p = parcel.location
    return f"{p.x - d},{p.y - d},{p.x + d},{p.y + d}"


# principal -> (map page, card of our parcel, survey form of our parcel)
EXPECTED = {
    "anonymous": (302, 302, 302),
    "outsider": (403, 403, 403),
    "overseer": (403, 403, 403),  # roll-ups only: no parcels, no owners
    "officer": (200, 200, 403),  # may look, may not edit
    "head": (200, 200, 200),
    "other_org": (200, 404, 404),  # their own map; our parcel does not exist for them
}


@pytest.mark.parametrize("principal", list(EXPECTED))
def test_pages_by_principal(world, principal):
    parcel = world.parcel
    users = world.users
    client = client_for(users, principal)
    page, card, survey = EXPECTED[principal]
    assert client.get("/tax/map/").status_code == page
    assert client.get(f"/tax/map/parcels/{parcel.code}/?year={YEAR}").status_code == card
    assert client.get(f"/tax/map/survey/{parcel.code}/").status_code == survey
    assert client.get("/tax/map/survey/").status_code == page


@pytest.mark.parametrize("principal", ["officer", "other_org"])
def test_data_endpoints_never_cross_the_tenant_line(world, principal):
    parcel = world.parcel
    owner = world.owner
    users = world.users
    client = client_for(users, principal)
    visible = principal == "officer"
    data = client.get(f"/tax/map/parcels.geojson?bbox={bbox_of(parcel)}&year={YEAR}").json()
    assert (parcel.code in [f["properties"]["code"] for f in data["features"]]) is visible
    for q in (parcel.code, "777", "มั่งคั่ง", owner.national_id):
        html = client.get("/tax/map/search", {"q": q}).content.decode()
        assert (f'data-code="{parcel.code}"' in html) is visible, q
    nearby = client.get("/tax/map/survey/nearby", {"lat": parcel.location.y, "lon": parcel.location.x})
    assert (f'data-code="{parcel.code}"' in nearby.content.decode()) is visible
    response = client.post(
        f"/tax/map/survey/{parcel.code}/",
        {"use": "other", "survey_status": "verified", "reason": "ลองแก้ข้ามเขต"},
    )
    assert response.status_code in (403, 404)
    parcel.refresh_from_db()
    assert parcel.use == "residential"


def test_geojson_shows_the_status_and_refuses_bad_input(world):
    parcel = world.parcel
    owner = world.owner
    users = world.users
    client = client_for(users, "officer")
    bill = property_bill(owner, (parcel, "500.00"))

    def status():
        data = client.get(f"/tax/map/parcels.geojson?bbox={bbox_of(parcel)}&year={YEAR}").json()
        return {f["properties"]["code"]: f["properties"]["status"] for f in data["features"]}[parcel.code]

    assert status() == "unpaid"
    pay(bill)
    assert status() == "paid"
    zipped = client.get(
        f"/tax/map/parcels.geojson?bbox={bbox_of(parcel)}&year={YEAR}", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert zipped["Content-Encoding"] == "gzip" and zipped["Cache-Control"] == "private, no-store"
    response = client.get("/tax/map/parcels.geojson?bbox=1,2,3&year=2026")
    assert response.status_code == 400 and "bbox" in response.json()["errors"]
    response = client.get(f"/tax/map/parcels.geojson?bbox={bbox_of(parcel)}&year=2569")
    assert response.status_code == 400 and "year" in response.json()["errors"]
    assert client.get("/tax/map/parcels.geojson?bbox=100,13,102,15").status_code == 400  # too big a box
    clusters = client.get(f"/tax/map/clusters.geojson?bbox={bbox_of(parcel)}&zoom=14").json()
    assert [f["properties"]["count"] for f in clusters["features"]] == [1]
    assert client.get(f"/tax/map/clusters.geojson?bbox={bbox_of(parcel)}&zoom=x").status_code == 400
    other_admin = client_for(world.users, "other_org")
    assert (
        other_admin.get(f"/tax/map/clusters.geojson?bbox={bbox_of(parcel)}&zoom=14").json()["features"] == []
    )
    for layer in ("buildings", "signboards"):
        assert (
            client.get(f"/tax/map/{layer}.geojson?bbox={bbox_of(parcel)}").json()["type"]
            == "FeatureCollection"
        )


def test_the_card_shows_the_bills_to_the_cashier(world, django_assert_max_num_queries):
    parcel = world.parcel
    owner = world.owner
    users = world.users
    bill = property_bill(owner, (parcel, "500.00"))
    pay(bill, "200.00")
    html = client_for(users, "officer").get(f"/tax/map/parcels/{parcel.code}/?year={YEAR}").content.decode()
    assert 'data-status="partly_paid"' in html and bill.number not in html
    assert "1 rai 0 ngan 0 sq. wah" in html and owner.display_name in html
    client = client_for(users, "cashier")
    with django_assert_max_num_queries(22):
        html = client.get(f"/tax/map/parcels/{parcel.code}/?year={YEAR}").content.decode()
    assert bill.number in html and "Partly paid" in html


def test_the_map_page_offers_the_legend_and_years(world):
    users = world.users
    html = client_for(users, "officer").get("/tax/map/?year=2025").content.decode()
    for label in ("paid", "partly paid", "unpaid", "exempt", "vacant land", "not yet surveyed"):
        assert label in html
    config = json.loads(html.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["year"] == 2025 and config["colours"]["paid"]
    html = client_for(users, "officer").get("/tax/map/?year=abc").content.decode()
    assert "Give the tax year as a number" in html


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "green")
    exif = Image.Exif()
    exif[0x8825] = {2: (13.0, 45.0, 0.0)}  # GPSInfo
    exif[0x0110] = "SecretPhone 9"  # camera model
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_survey_saves_use_status_note_and_photo_with_its_reason(world, settings):
    parcel = world.parcel
    users = world.users
    client = client_for(users, "head")
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        f"/tax/map/survey/{parcel.code}/",
        {
            "use": "mixed",
            "share_residential": "60",
            "share_other": "40",
            "survey_status": "verified",
            "note": "ร้านขายของชำหน้าบ้าน",
            "reason": "สำรวจภาคสนาม",
            "photos": [photo],
            "lat": parcel.location.y,
            "lon": parcel.location.x,
            "accuracy": "6.4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    parcel.refresh_from_db()
    assert (parcel.use, parcel.share_residential, parcel.share_other) == ("mixed", 60, 40)
    assert parcel.survey_status == "verified" and parcel.note == "ร้านขายของชำหน้าบ้าน"
    entry = AuditEntry.objects.get(object_type="property.Parcel", object_id=str(parcel.pk), action="update")
    assert entry.reason == "สำรวจภาคสนาม" and "use" in entry.changes
    saved = ParcelPhoto.objects.get(parcel=parcel)
    assert saved.accuracy_m == 6 and saved.taken_at.equals_exact(
        Point(parcel.location.x, parcel.location.y), 1e-6
    )
    with Image.open(saved.file.path) as stored:
        assert not stored.getexif()  # no GPS, no device
    # Stored privately under a random name, readable through /files/ by the registry's staff only.
    assert saved.file.name.startswith(f"parcels/{parcel.organization_id}/")
    assert Path(saved.file.path).is_relative_to(settings.MUANG_PRIVATE_ROOT)
    assert client.get(saved.file.url).status_code == 200
    assert client_for(users, "other_org").get(saved.file.url).status_code == 403
    assert Client().get(saved.file.url).status_code == 403
    assert AuditEntry.objects.filter(object_type="property.ParcelPhoto", reason="สำรวจภาคสนาม").count() == 1
    # The photo is served to staff of the organisation only.
    assert client.get(f"/tax/map/photos/{saved.pk}").status_code == 200
    assert client_for(users, "other_org").get(f"/tax/map/photos/{saved.pk}").status_code == 404
    html = client.get(f"/tax/map/parcels/{parcel.code}/").content.decode()
    assert f"/tax/map/photos/{saved.pk}" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"use": "residential", "survey_status": "surveyed", "reason": ""},
            "reason",
            "This field is required.",
        ),
        (
            {
                "use": "mixed",
                "share_residential": "60",
                "share_other": "30",
                "survey_status": "surveyed",
                "reason": "x",
            },
            "use",
            "The shares add up to 90.00%, not 100%.",
        ),
        ({"use": "castle", "survey_status": "surveyed", "reason": "x"}, "use", "Select a valid choice."),
        (
            {"use": "other", "survey_status": "not_surveyed", "reason": "x"},
            "survey_status",
            "Select a valid choice.",
        ),
        (
            {"use": "other", "survey_status": "surveyed", "reason": "x", "share_other": "101"},
            "share_other",
            "less than or equal to 100",
        ),
    ],
)
def test_survey_form_errors_write_nothing(world, data, field, message):
    parcel = world.parcel
    users = world.users
    response = client_for(users, "head").post(f"/tax/map/survey/{parcel.code}/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert message.split("%")[0] in response.content.decode()
    parcel.refresh_from_db()
    assert parcel.use == "residential" and parcel.survey_status == Parcel.SurveyStatus.SURVEYED
    assert not AuditEntry.objects.filter(object_type="property.Parcel", action="update").exists()


def test_a_file_that_is_not_a_photo_is_refused(world):
    parcel = world.parcel
    users = world.users
    bad = SimpleUploadedFile("p.jpg", b"not an image at all", content_type="image/jpeg")
    response = client_for(users, "head").post(
        f"/tax/map/survey/{parcel.code}/",
        {"use": "other", "survey_status": "surveyed", "reason": "x", "photos": [bad]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["photos"]
    parcel.refresh_from_db()
    assert parcel.use == "residential" and not ParcelPhoto.objects.exists()


def test_a_pixel_flood_survey_photo_is_refused_naming_the_field(world):
    parcel = world.parcel
    flood = SimpleUploadedFile("flood.png", pixel_flood_png(7000), content_type="image/png")
    response = client_for(world.users, "head").post(
        f"/tax/map/survey/{parcel.code}/",
        {"use": "other", "survey_status": "surveyed", "reason": "x", "photos": [flood]},
    )
    assert response.status_code == 400
    assert "too many pixels" in response.context["form"].errors["photos"][0]
    parcel.refresh_from_db()
    assert parcel.use == "residential" and not ParcelPhoto.objects.exists()


def test_nearby_refuses_a_position_off_the_earth(world):
    users = world.users
    response = client_for(users, "officer").get("/tax/map/survey/nearby", {"lat": "91", "lon": "100"})
    assert response.status_code == 400 and "not on Earth" in response.content.decode()
