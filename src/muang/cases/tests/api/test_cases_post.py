"""POST /cases/{code}/...: each transition through the API, answered with the case as it now is; refusals
are problem+json with the field or the conflict named."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from muang.cases.models import Case, Holiday
from muang.cases.services import case_change_status
from muang.cases.tests.api.conftest import jpeg
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.testing.images import assert_clean, jpeg_with_gps, pixel_flood_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(town):
    return submit_case(town.category)  # the API works on the wall clock: so do these cases


def post(client, actor, path: str, body: dict):
    client.force_login(actor.user)
    return client.post(f"/api/v1{path}", data=body, content_type="application/json")


def test_the_department_works_a_case_from_assignment_to_rating(client, town, case):
    code = case.tracking_code
    r = post(client, town.head, f"/cases/{code}/assign", {"assignee": town.officer.user.username})
    assert r.status_code == 200 and r.json()["assignee"] == town.officer.user.username
    assert r.json()["status"]["code"] == "assigned"
    r = post(client, town.officer, f"/cases/{code}/status", {"status": "in_progress", "message": "กำลังไป"})
    assert r.json()["status"]["code"] == "in_progress" and r.json()["events"][-1]["message"] == "กำลังไป"
    r = post(client, town.officer, f"/cases/{code}/notes", {"message": "รออะไหล่"})
    assert r.status_code == 201 and r.json()["kind"] == "note" and r.json()["case"] == code
    client.force_login(town.officer.user)
    r = client.post(
        f"/api/v1/cases/{code}/photos", data={"kind": "after", "public": "true", "files": [jpeg(), jpeg()]}
    )
    assert r.status_code == 201 and [a["kind"] for a in r.json()["attachments"]] == ["after", "after"]
    r = post(client, town.officer, f"/cases/{code}/status", {"status": "resolved", "message": "เรียบร้อย"})
    assert r.json()["status"]["kind"] == "closed" and r.json()["resolved_at"]
    r = post(client, town.officer, f"/cases/{code}/rating", {"stars": 5, "comment": "ขอบคุณ"})
    assert r.json()["rating"] == 5
    again = post(client, town.officer, f"/cases/{code}/rating", {"stars": 4})
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    r = post(client, town.officer, f"/cases/{code}/reopen", {"reason": "ดับอีก"})
    assert (
        r.json()["status"]["code"] == "in_progress"
        and r.json()["reopen_count"] == 1
        and r.json()["rating"] is None
    )


def test_refusals_are_problems_naming_what_is_wrong(client, town, case):
    code = case.tracking_code
    r = post(client, town.head, f"/cases/{code}/assign", {"assignee": town.other_officer.user.username})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "assignee"
    r = post(client, town.officer, f"/cases/{code}/status", {"status": "duplicate"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"
    r = post(client, town.officer, f"/cases/{code}/rating", {"stars": 9})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "stars"
    r = post(client, town.officer, f"/cases/{code}/reopen", {"reason": "x"})
    assert r.status_code == 409
    r = post(client, town.other_officer, f"/cases/{code}/notes", {"message": "x"})
    assert r.status_code == 403 and "another department" in r.json()["detail"]
    client.force_login(town.officer.user)
    r = client.post(f"/api/v1/cases/{code}/photos", data={"files": [jpeg(), jpeg()] * 3})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "files"  # the upload's own name
    bad = SimpleUploadedFile("bad.jpg", b"not an image", content_type="image/jpeg")
    r = client.post(f"/api/v1/cases/{code}/photos", data={"files": [bad]})
    assert r.status_code == 422 and "photo" in r.json()["detail"]


def test_a_pixel_flood_is_a_problem_naming_the_upload_field(client, town, case):
    client.force_login(town.officer.user)
    flood = SimpleUploadedFile("flood.png", pixel_flood_png(7000), content_type="image/png")
    r = client.post(f"/api/v1/cases/{case.tracking_code}/photos", data={"files": [flood]})
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == "files" and "too many pixels" in r.json()["errors"][0]["message"]
    assert not case.attachments.exclude(kind="before").exists()


def test_photo_urls_in_the_api_are_readable_with_the_token(client, town, case):
    from muang.core.access import SYSTEM
    from muang.core.services import api_token_create

    client.force_login(town.officer.user)
    photo = SimpleUploadedFile("IMG_gps.jpg", jpeg_with_gps(), content_type="image/jpeg")
    r = client.post(f"/api/v1/cases/{case.tracking_code}/photos", data={"files": [photo], "public": "false"})
    url = r.json()["attachments"][0]["url"]
    assert url.startswith(f"/files/cases/{town.org.pk}/") and "IMG_gps" not in url
    _, secret = api_token_create(actor=SYSTEM, organization=town.org, name="app", scopes=["cases:read"])
    anonymous = Client()
    assert anonymous.get(url).status_code == 403
    served = anonymous.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    assert_clean(b"".join(served.streaming_content))


def test_category_change(client, town, case):
    CaseCategoryFactory(organization=town.org, code="stray_animal", default_department=town.health)
    r = post(client, town.head, f"/cases/{case.tracking_code}/category", {"category": "stray_animal"})
    assert r.status_code == 200 and r.json()["department"] == town.health.code
    r = post(
        client,
        town.admin,
        f"/cases/{case.tracking_code}/category",
        {"category": "streetlight", "department": "nope"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "department"
    r = post(client, town.admin, f"/cases/{case.tracking_code}/category", {"category": "nope"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "category"


def test_duplicate(client, town, case):
    original = submit_case(town.category)
    r = post(
        client, town.officer, f"/cases/{case.tracking_code}/duplicate", {"original": original.tracking_code}
    )
    assert r.status_code == 200 and r.json()["duplicate_of"] == original.tracking_code
    assert r.json()["status"]["code"] == "duplicate"
    r = post(
        client, town.officer, f"/cases/{original.tracking_code}/duplicate", {"original": "0000-0000-0000"}
    )
    assert r.status_code == 404


def test_forward_and_loop(client, town, other_town, case):
    r = post(
        client,
        town.head,
        f"/cases/{case.tracking_code}/forward",
        {"organization": other_town.org.slug, "reason": "ของ อบจ."},
    )
    assert r.status_code == 201 and r.json()["status"]["code"] == "forwarded"
    new_code = r.json()["forwarded_to"]["tracking_code"]
    assert Case.objects.get(tracking_code=new_code).organization == other_town.org
    r = post(
        client, other_town.head, f"/cases/{new_code}/forward", {"organization": town.org.slug, "reason": "คืน"}
    )
    assert r.status_code == 409 and "loop" in r.json()["detail"]
    r = post(
        client, other_town.head, f"/cases/{new_code}/forward", {"organization": "nowhere", "reason": "x"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "organization"


def test_invitation(client, town, other_town, case):
    r = post(
        client,
        town.head,
        f"/cases/{case.tracking_code}/invitations",
        {"organization": other_town.org.slug, "message": "ช่วยด้วย"},
    )
    assert r.status_code == 201 and r.json()["organization"] == other_town.org.slug
    r = post(
        client,
        other_town.officer,
        f"/cases/{case.tracking_code}/notes",
        {"message": "รับทราบ", "public": True},
    )
    assert r.status_code == 201 and r.json()["organization"] == other_town.org.slug
    client.force_login(other_town.officer.user)
    assert client.get(f"/api/v1/cases/{case.tracking_code}").status_code == 200


def test_categories_and_statuses_lists(client, town):
    Holiday.objects.create(organization=town.org, date="2026-12-05", name_th="วันพ่อ")
    client.force_login(town.officer.user)
    categories = client.get(f"/api/v1/organizations/{town.org.slug}/case-categories").json()
    assert categories == [
        {
            "code": "streetlight",
            "name_th": town.category.name_th,
            "name_en": town.category.name_en,
            "department": "works",
            "sla_hours": 8,
            "is_sensitive": False,
            "allow_anonymous": True,
            "reopen_window_days": 7,
        }
    ]
    statuses = client.get(f"/api/v1/organizations/{town.org.slug}/case-statuses").json()
    assert [s["code"] for s in statuses][:3] == ["received", "assigned", "in_progress"]


def test_a_closed_case_cannot_be_assigned_through_the_api(client, town, case):
    case_change_status(actor=town.officer, case=case, status="resolved")
    r = post(client, town.head, f"/cases/{case.tracking_code}/assign", {"assignee": None})
    assert r.status_code == 409
