"""The citizen's web report: place, categories, nearby reports, submit (once), tracking, rating and reopen."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from muang.cases.models import Case, CaseEvent
from muang.cases.services import case_assign, case_change_status
from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.core.models import Citizen
from muang.reports.models import CategoryQuestion
from muang.testing.images import assert_clean, jpeg_with_gps, pixel_flood_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return make_town()


def inside(town) -> Point:
    return town.org.boundary.point_on_surface


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def form_data(town, **overrides) -> dict:
    p = inside(town)
    data = {
        "lat": f"{p.y:.6f}",
        "lon": f"{p.x:.6f}",
        "category": town.category.code,
        "description": "ไฟถนนดับทั้งซอยครับ",
        "contact_name": "สมศรี",
        "contact_phone": "0812345678",
        "contact_email": "",
        "idempotency_key": "k" * 32,
    }
    data.update(overrides)
    return data


def test_the_form_carries_a_fresh_idempotency_key_each_time(client):
    keys = [
        re.search(r'name="idempotency_key" value="([0-9a-f]+)"', client.get("/r/").content.decode()).group(1)
        for _ in range(2)
    ]
    assert keys[0] != keys[1] and len(keys[0]) == 32


def test_the_place_names_the_receiving_organisation_and_its_categories(client, town):
    p = inside(town)
    town.org.settings = {"reports": {"notices": {town.category.code: "ไฟดับทั้งถนนโทร 1234"}}}
    town.org.save()
    response = client.get("/r/place/", {"lat": p.y, "lon": p.x})
    html = response.content.decode()
    assert town.org.name_th in html
    assert f'value="{town.category.code}"' in html
    assert "ไฟดับทั้งถนนโทร 1234" in html


def test_a_place_outside_every_organisation_names_the_nearest(client, town):
    html = client.get("/r/place/", {"lat": "13.75", "lon": "100.5"}).content.decode()
    assert 'id="place-error"' in html and town.org.name_th in html

    response = client.post("/r/", form_data(town, lat="13.75", lon="100.5"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert town.org.name_th in errors["lat"][0]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [("95", "100", "lat"), ("16.5", "200", "lon"), ("abc", "100", "lat"), ("35.6", "139.7", "lat")],
)
def test_bad_coordinates_are_refused_naming_the_field(client, town, lat, lon, field):
    response = client.post("/r/", form_data(town, lat=lat, lon=lon))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_report_is_filed_and_the_browser_lands_on_its_tracking_page(client, town):
    response = client.post(
        "/r/",
        {**form_data(town), "photos": [SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")]},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/r/{case.tracking_code}"
    assert case.organization == town.org and case.department == town.works and case.channel == "web"
    assert case.contact_phone == "0812345678" and case.reporter_id is not None
    assert case.attachments.get().kind == "before"

    page = client.get(response["Location"]).content.decode()
    assert case.tracking_code in page and "ไฟถนนดับทั้งซอยครับ" in page
    # The contact is for staff only.
    assert "0812345678" not in page and "สมศรี" not in page


def test_a_double_tapped_submit_files_one_report(client, town):
    first = client.post("/r/", form_data(town))
    second = client.post("/r/", form_data(town))
    assert Case.objects.count() == 1
    assert Citizen.objects.count() == 1, "the repeat left no reporter row behind"
    assert first["Location"] == second["Location"]


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_written(client, town):
    bad = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post("/r/", {**form_data(town), "photos": [bad]})
    assert response.status_code == 422
    assert response.context["form"].errors["photos"]
    assert not Case.objects.exists()


def test_a_pixel_flood_is_refused_naming_the_field_and_nothing_is_written(client, town):
    # The 7000 × 7000 PNG: a few kilobytes that would take seconds and 150 MB to decode.
    flood = SimpleUploadedFile("flood.png", pixel_flood_png(7000), content_type="image/png")
    response = client.post("/r/", {**form_data(town), "photos": [flood]})
    assert response.status_code == 422
    assert "too many pixels" in response.context["form"].errors["photos"][0]
    assert not Case.objects.exists()


def test_a_photo_is_stored_privately_without_its_gps_under_a_random_name(client, town, settings):
    photo = SimpleUploadedFile("IMG_somchai_home.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post("/r/", {**form_data(town), "photos": [photo]})
    stored = Case.objects.get().attachments.get().file
    assert re.fullmatch(rf"cases/{town.org.pk}/[A-Za-z0-9_-]{{22}}\.jpg", stored.name)
    assert Path(stored.path).is_relative_to(settings.MUANG_PRIVATE_ROOT)
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.jpg"))
    assert_clean(Path(stored.path).read_bytes())
    # The tracking page shows it through the access-checked view: a public photo of a public report.
    page = client.get(response["Location"]).content.decode()
    assert f'src="/files/{stored.name}"' in page
    served = Client().get(f"/files/{stored.name}")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert_clean(b"".join(served.streaming_content))
    assert Client().get(f"/media/{stored.name}").status_code == 404


def test_a_sensitive_categorys_photos_are_never_public(client, town):
    town.category.is_sensitive = True
    town.category.save(update_fields=["is_sensitive"])
    photo = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post("/r/", {**form_data(town), "photos": [photo]})
    case = Case.objects.get()
    name = case.attachments.get().file.name
    assert name not in client.get(response["Location"]).content.decode()
    assert Client().get(f"/files/{name}").status_code == 403
    staff = Client()
    staff.force_login(town.officer.user)
    assert staff.get(f"/files/{name}")["Cache-Control"] == "private, no-store"
    assert name in staff.get(f"/work/cases/{case.tracking_code}/").content.decode()


def test_more_than_five_photos_are_refused(client, town):
    files = [SimpleUploadedFile(f"{i}.jpg", jpeg(), content_type="image/jpeg") for i in range(6)]
    response = client.post("/r/", {**form_data(town), "photos": files})
    assert response.status_code == 422 and response.context["form"].errors["photos"]


def test_a_category_without_anonymous_reports_needs_a_contact(client, town):
    strict = CaseCategoryFactory(organization=town.org, default_department=town.works, allow_anonymous=False)
    response = client.post("/r/", form_data(town, category=strict.code, contact_phone="", contact_name=""))
    assert response.status_code == 422
    assert "contact_phone" in response.context["form"].errors
    assert not Case.objects.exists()


def test_an_unknown_category_and_an_empty_description_are_named(client, town):
    response = client.post("/r/", form_data(town, category="nope", description=""))
    errors = response.context["form"].errors
    assert "description" in errors
    response = client.post("/r/", form_data(town, category="nope"))
    assert "category" in response.context["form"].errors


def test_open_reports_of_the_same_category_nearby_are_offered_to_follow(client, town):
    p = inside(town)
    near = submit_case(town.category, location=Point(p.x + 0.001, p.y, srid=4326))  # ~100 m
    far = submit_case(town.category, location=Point(p.x + 0.01, p.y, srid=4326))  # ~1 km
    other = CaseCategoryFactory(organization=town.org, default_department=town.works)
    other_kind = submit_case(other, location=p)
    html = client.get("/r/nearby/", {"lat": p.y, "lon": p.x, "category": town.category.code}).content.decode()
    assert f"/r/{near.tracking_code}" in html
    assert far.tracking_code not in html and other_kind.tracking_code not in html
    assert near.contact_phone not in html or not near.contact_phone


def _resolve(town, code: str) -> Case:
    case = Case.objects.get(tracking_code=code)
    case = case_assign(actor=town.head, case=case, assignee=town.officer.user)
    return case_change_status(actor=town.officer, case=case, status="resolved", message="ซ่อมแล้วครับ")


def test_the_reporter_rates_a_resolved_report_and_nobody_else_can(client, town):
    code = client.post("/r/", form_data(town))["Location"].rsplit("/", 1)[1]
    _resolve(town, code)
    page = client.get(f"/r/{code}").content.decode()
    assert 'id="rate-form"' in page and "ซ่อมแล้วครับ" in page

    stranger = Client()
    assert 'id="rate-form"' not in stranger.get(f"/r/{code}").content.decode()
    refused = stranger.post(f"/r/{code}/rate", {"stars": "1"})
    assert refused.status_code == 422
    assert Case.objects.get(tracking_code=code).rating is None

    assert client.post(f"/r/{code}/rate", {"stars": "6"}).status_code == 422
    response = client.post(f"/r/{code}/rate", {"stars": "4", "comment": "เร็วดี"})
    assert response.status_code == 302
    case = Case.objects.get(tracking_code=code)
    assert case.rating == 4 and case.rating_comment == "เร็วดี"
    assert CaseEvent.objects.filter(case=case, kind="rated", actor_citizen_id=case.reporter_id).exists()
    assert 'id="rate-form"' not in client.get(f"/r/{code}").content.decode()


def test_the_reporter_reopens_within_the_window(client, town):
    code = client.post("/r/", form_data(town))["Location"].rsplit("/", 1)[1]
    _resolve(town, code)
    assert client.post(f"/r/{code}/reopen", {"reason": ""}).status_code == 422
    response = client.post(f"/r/{code}/reopen", {"reason": "ไฟดับอีกแล้ว"})
    assert response.status_code == 302
    assert Case.objects.get(tracking_code=code).is_open
    assert Client().post(f"/r/{code}/reopen", {"reason": "x"}).status_code == 422


def test_an_unknown_tracking_code_is_404(client, town):
    assert client.get("/r/0000-0000-0000").status_code == 404
    assert client.get("/r/not-a-code").status_code == 404


@pytest.fixture
def questions(town):
    when = CategoryQuestion.objects.create(
        organization=town.org,
        category=town.category,
        code="when",
        description="ดับตั้งแต่เมื่อไร",
        datatype="singlevaluelist",
        required=True,
        values=[{"key": "today", "name": "วันนี้"}, {"key": "week", "name": "เกินหนึ่งสัปดาห์"}],
        order=1,
    )
    pole = CategoryQuestion.objects.create(
        organization=town.org,
        category=town.category,
        code="pole",
        description="หมายเลขเสาไฟ",
        datatype="number",
        datatype_description="ตัวเลขบนเสา",
        order=2,
    )
    return when, pole


def test_choosing_a_category_shows_its_notice_and_questions(client, town, questions):
    town.org.settings = {"reports": {"notices": {town.category.code: "ไฟดับทั้งหมู่บ้าน โทร 1129"}}}
    town.org.save()
    p = inside(town)
    html = client.get("/r/nearby/", {"lat": p.y, "lon": p.x, "category": town.category.code}).content.decode()
    assert "ไฟดับทั้งหมู่บ้าน โทร 1129" in html
    assert 'name="attribute[when]"' in html and "เกินหนึ่งสัปดาห์" in html
    assert 'name="attribute[pole]" type="number"' in html and "ตัวเลขบนเสา" in html
    assert html.index("ดับตั้งแต่เมื่อไร") < html.index("หมายเลขเสาไฟ"), "in the configured order"


def test_answers_are_kept_on_the_case_and_shown_to_staff(client, town, questions):
    response = client.post("/r/", form_data(town, **{"attribute[when]": "week", "attribute[pole]": "1234"}))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.attributes == {"when": "week", "pole": "1234"}
    staff = Client()
    staff.force_login(town.officer.user)
    page = staff.get(f"/work/cases/{case.tracking_code}/").content.decode()
    assert "ดับตั้งแต่เมื่อไร" in page and "เกินหนึ่งสัปดาห์" in page and "1234" in page


@pytest.mark.parametrize(
    ("answers", "code", "message"),
    [
        ({}, "when", "Please answer this question."),
        ({"attribute[when]": "yesterday"}, "when", "Choose one of the answers listed."),
        ({"attribute[when]": "today", "attribute[pole]": "สิบ"}, "pole", "Enter a number."),
        ({"attribute[when]": "today", "attribute[pole]": "NaN"}, "pole", "Enter a number."),
    ],
)
def test_a_wrong_answer_is_named_beside_its_question_and_nothing_is_filed(
    client, town, questions, answers, code, message
):
    response = client.post("/r/", form_data(town, **answers))
    assert response.status_code == 422
    assert not Case.objects.exists()
    html = response.content.decode()
    assert f'data-field="attribute[{code}]">{message}</p>' in html
    # What the citizen typed or chose stays in the form.
    if "attribute[pole]" in answers:
        assert f'value="{answers["attribute[pole]"]}"' in html
        assert 'value="today" checked' in html
    assert "Some answers about the problem need attention." in html


def test_an_over_long_answer_is_refused(client, town):
    CategoryQuestion.objects.create(
        organization=town.org, category=town.category, code="where", description="จุดสังเกต", datatype="string"
    )
    response = client.post("/r/", form_data(town, **{"attribute[where]": "ก" * 301}))
    assert response.status_code == 422 and not Case.objects.exists()
    assert "At most 300 characters." in response.content.decode()


def test_another_categorys_questions_are_not_asked(client, town, questions):
    other = CaseCategoryFactory(organization=town.org, default_department=town.works)
    response = client.post("/r/", form_data(town, category=other.code))
    assert response.status_code == 302
    assert Case.objects.get().attributes == {}
