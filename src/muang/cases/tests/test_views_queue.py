"""Staff work pages: queue per department with filters and overdue rows, its map, the case page, bulk actions."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from muang.cases.models import Case, CaseEvent
from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import CaseCategoryFactory, bkk, submit_case
from muang.core.models import Role
from muang.core.tests.factories import member
from muang.testing.images import assert_clean, jpeg_with_gps, pixel_flood_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(areas):
    return make_town()


def signed_in(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_anonymous_people_are_sent_to_sign_in(client, town):
    case = submit_case(town.category)
    for url in ("/work/cases/", "/work/cases/map.geojson", f"/work/cases/{case.tracking_code}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"/work/cases/{case.tracking_code}/status", {"status": "resolved"}).status_code == 302


def test_staff_of_another_organisation_and_citizens_cannot_see_the_case(town, areas):
    other = make_town()
    case = submit_case(town.category)
    outsider = signed_in(other.officer)
    assert case.tracking_code not in outsider.get("/work/cases/").content.decode()
    assert outsider.get(f"/work/cases/{case.tracking_code}/").status_code in (403, 404)
    response = outsider.post(f"/work/cases/{case.tracking_code}/status", {"status": "in_progress"})
    assert response.status_code in (403, 404)
    assert Case.objects.get(pk=case.pk).status.code == "received"
    overseer_less = Client()
    overseer_less.force_login(member(other.org, Role.OVERSEER))
    assert overseer_less.get("/work/cases/").status_code == 403


def test_officers_see_their_department_and_overdue_cases_stand_out(town):
    mine = submit_case(town.category, now=bkk(2026, 1, 5, 9))  # long overdue
    fresh = submit_case(town.category)
    health_category = CaseCategoryFactory(organization=town.org, default_department=town.health)
    theirs = submit_case(health_category)
    html = signed_in(town.officer).get("/work/cases/").content.decode()
    assert mine.tracking_code in html and fresh.tracking_code in html
    assert theirs.tracking_code not in html
    assert f'class="overdue" data-code="{mine.tracking_code}"' in html
    assert f'class="" data-code="{fresh.tracking_code}"' in html
    # The case rules let an officer read every case of the organisation, but work only their department's.
    officer = signed_in(town.officer)
    assert officer.get(f"/work/cases/{theirs.tracking_code}/").status_code == 200
    refused = officer.post(f"/work/cases/{theirs.tracking_code}/status", {"status": "in_progress"})
    assert refused.status_code == 422 and "another department" in str(refused.context["status_form"].errors)
    assert Case.objects.get(pk=theirs.pk).status.code == "received"
    # The executive sees every department, and may filter by one.
    executive = signed_in(town.executive)
    html = executive.get("/work/cases/", {"department": "health"}).content.decode()
    assert theirs.tracking_code in html and mine.tracking_code not in html


def test_filters_by_status_category_overdue_date_and_area(town):
    p = town.org.boundary.point_on_surface
    old = submit_case(town.category, now=bkk(2026, 1, 5, 9), location=p)
    new = submit_case(town.category, location=p)
    client = signed_in(town.head)

    def codes(**params):
        return {c.tracking_code for c in client.get("/work/cases/", params).context["page"].object_list}

    assert codes(overdue="on") == {old.tracking_code}
    assert codes(created_from="2026-01-01", created_to="2026-01-31") == {old.tracking_code}
    assert codes(status=["received"]) == {old.tracking_code, new.tracking_code}
    assert codes(status=["resolved"]) == set()
    assert codes(category=town.category.code) == {old.tracking_code, new.tracking_code}
    assert codes(bbox=f"{p.x - 0.01},{p.y - 0.01},{p.x + 0.01},{p.y + 0.01}") == {
        old.tracking_code,
        new.tracking_code,
    }
    assert codes(bbox="100,13,100.1,13.1") == set()
    bad = client.get("/work/cases/", {"bbox": "1,2"})
    assert "bbox" in bad.context["form"].errors


def test_the_queue_and_its_map_cost_the_same_queries_for_5_or_25_cases(town):
    client = signed_in(town.head)

    def count(url):
        client.get(url)  # warms the per-process caches (the signed-in user, their memberships): counted warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _i in range(5):
        submit_case(town.category)
    small = (count("/work/cases/"), count("/work/cases/map.geojson"))
    for _i in range(20):
        submit_case(town.category)
    assert (count("/work/cases/"), count("/work/cases/map.geojson")) == small
    assert small[0] <= 16 and small[1] <= 8, small


def test_the_staff_map_has_the_filtered_queue_with_overdue_flags(town):
    late = submit_case(town.category, now=bkk(2026, 1, 5, 9))
    submit_case(town.category)
    data = signed_in(town.head).get("/work/cases/map.geojson", {"overdue": "on"}).json()
    assert [f["properties"]["code"] for f in data["features"]] == [late.tracking_code]
    assert data["features"][0]["properties"]["overdue"] is True


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 200, 0)).save(out, format="JPEG")
    return out.getvalue()


def test_a_head_assigns_and_the_officer_resolves_with_a_canned_response_and_after_photos(town):
    case = submit_case(town.category)
    town.org.settings = {"cases": {"canned_responses": {"resolved": ["ซ่อมไฟเรียบร้อย"]}}}
    town.org.save()
    head = signed_in(town.head)
    page = head.get(f"/work/cases/{case.tracking_code}/")
    assert page.context["canned"] == {"resolved": ["ซ่อมไฟเรียบร้อย"]}  # the page's script offers them
    assert 'id="canned-responses"' in page.content.decode()

    response = head.post(f"/work/cases/{case.tracking_code}/assign", {"assignee": town.officer.user.username})
    assert response.status_code == 302
    bad = head.post(
        f"/work/cases/{case.tracking_code}/assign", {"assignee": town.other_officer.user.username}
    )
    assert bad.status_code == 422 and bad.context["assign_form"].errors

    officer = signed_in(town.officer)
    response = officer.post(
        f"/work/cases/{case.tracking_code}/status",
        {
            "status": "resolved",
            "message": "ซ่อมไฟเรียบร้อย",
            "photos": [SimpleUploadedFile("after.jpg", jpeg(), content_type="image/jpeg")],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status.code == "resolved" and case.assignee == town.officer.user
    assert case.attachments.get().kind == "after"
    again = officer.post(f"/work/cases/{case.tracking_code}/status", {"status": "resolved"})
    assert again.status_code == 422 and again.context["status_form"].non_field_errors()

    public = Client().get(f"/r/{case.tracking_code}").content.decode()
    assert ("ซ่อมไฟเรียบร้อย" in public and "after.jpg" not in public) or "/media/" in public


def test_a_note_with_before_photos_and_a_refused_photo(town):
    case = submit_case(town.category)
    officer = signed_in(town.officer)
    response = officer.post(
        f"/work/cases/{case.tracking_code}/note",
        {
            "message": "ไปดูแล้ว",
            "public": "on",
            "photo_kind": "before",
            "photos": [SimpleUploadedFile("b.jpg", jpeg(), content_type="image/jpeg")],
        },
    )
    assert response.status_code == 302
    assert case.attachments.get().kind == "before"
    bad = officer.post(
        f"/work/cases/{case.tracking_code}/note",
        {"message": "x", "photo_kind": "other", "photos": [SimpleUploadedFile("b.jpg", b"GIF89a nope")]},
    )
    assert bad.status_code == 422 and bad.context["note_form"].errors["photos"]


def test_staff_photos_are_refused_over_the_pixel_limit_naming_the_field(town):
    case = submit_case(town.category)
    officer = signed_in(town.officer)

    def flood() -> dict:
        return {"photos": [SimpleUploadedFile("flood.png", pixel_flood_png(7000), content_type="image/png")]}

    note = officer.post(
        f"/work/cases/{case.tracking_code}/note", {"message": "x", "photo_kind": "other", **flood()}
    )
    assert note.status_code == 422 and "too many pixels" in note.context["note_form"].errors["photos"][0]
    status = officer.post(f"/work/cases/{case.tracking_code}/status", {"status": "in_progress", **flood()})
    assert (
        status.status_code == 422 and "too many pixels" in status.context["status_form"].errors["photos"][0]
    )
    filed = officer.post(
        "/work/cases/new",
        {
            "channel": "phone",
            "category": town.category.code,
            "description": "โทรแจ้งไฟดับ",
            "address": "หน้าวัดกลาง",
            "idempotency_key": "s" * 32,
            **flood(),
        },
    )
    assert filed.status_code == 422 and "too many pixels" in filed.context["form"].errors["photos"][0]
    case.refresh_from_db()
    assert case.status.code == "received" and not case.attachments.exists() and Case.objects.count() == 1


def test_internal_photos_are_for_staff_who_may_see_the_case(town):
    other_town = make_town()
    case = submit_case(town.category)
    officer = signed_in(town.officer)
    photo = SimpleUploadedFile("inside-the-house.jpg", jpeg_with_gps(), content_type="image/jpeg")
    officer.post(f"/work/cases/{case.tracking_code}/note", {"message": "ภายในบ้าน", "photos": [photo]})
    attachment = case.attachments.get()
    assert not attachment.is_public
    url = f"/files/{attachment.file.name}"
    assert url in officer.get(f"/work/cases/{case.tracking_code}/").content.decode()
    served = officer.get(url)
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert_clean(b"".join(served.streaming_content))
    assert url not in Client().get(f"/r/{case.tracking_code}").content.decode()
    assert Client().get(url).status_code == 403
    assert signed_in(other_town.admin).get(url).status_code == 403


def test_bulk_assign_and_status_go_through_the_services_case_by_case(town):
    a, b = submit_case(town.category), submit_case(town.category)
    health_category = CaseCategoryFactory(organization=town.org, default_department=town.health)
    theirs = submit_case(health_category)
    head = signed_in(town.head)
    response = head.post(
        "/work/cases/bulk",
        {
            "codes": [a.tracking_code, b.tracking_code, theirs.tracking_code],
            "assignee": town.officer.user.username,
            "status": "in_progress",
            "message": "กำลังดำเนินการ",
            "next": "/work/cases/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/work/cases/"
    for case in (a, b):
        case.refresh_from_db()
        assert case.assignee == town.officer.user and case.status.code == "in_progress"
    # The other department's case is refused by the service; the refusal names it and stops only it.
    theirs.refresh_from_db()
    assert theirs.assignee is None and theirs.status.code == "received"
    messages = [str(m) for m in head.get("/work/cases/").context["messages"]]
    assert any(m.startswith(f"{theirs.tracking_code}: ") and "another department" in m for m in messages)
    assert any(a.tracking_code in m and b.tracking_code in m for m in messages)
    assert CaseEvent.objects.filter(case=a, kind="status_changed", message="กำลังดำเนินการ").exists()


def test_the_assign_form_is_hidden_from_officers_and_refused(town):
    case = submit_case(town.category)
    officer = signed_in(town.officer)
    assert 'id="assign-form"' not in officer.get(f"/work/cases/{case.tracking_code}/").content.decode()
    response = officer.post(
        f"/work/cases/{case.tracking_code}/assign", {"assignee": town.officer.user.username}
    )
    assert response.status_code in (403, 422)
    assert Case.objects.get(pk=case.pk).assignee is None


def test_the_assign_list_offers_the_departments_officers_and_head_only(town):
    """Issue 8 item 12: no mayor, no IT administrator, no officer of another department in the list."""
    case = submit_case(town.category)
    for who in ("head", "executive", "admin"):
        page = signed_in(getattr(town, who)).get(f"/work/cases/{case.tracking_code}/")
        offered = {value for value, _label in page.context["assign_form"].fields["assignee"].choices}
        assert offered == {"", town.officer.user.username, town.head.user.username}, who
    # Assigning to the mayor anyway is refused by the service, with the reason on the form.
    refused = signed_in(town.executive).post(
        f"/work/cases/{case.tracking_code}/assign", {"assignee": town.executive.user.username}
    )
    assert refused.status_code == 422 and refused.context["assign_form"].errors["assignee"]
    assert Case.objects.get(pk=case.pk).assignee is None


def test_the_status_select_starts_on_the_current_status_and_a_message_alone_moves_nothing(town):
    """Issue 8 item 10: the officer who only writes a public message leaves an in-progress case in progress."""
    case = submit_case(town.category)
    head = signed_in(town.head)
    head.post(f"/work/cases/{case.tracking_code}/assign", {"assignee": town.officer.user.username})
    officer = signed_in(town.officer)
    officer.post(f"/work/cases/{case.tracking_code}/status", {"status": "in_progress"})
    page = officer.get(f"/work/cases/{case.tracking_code}/")
    form = page.context["status_form"]
    assert form["status"].value() == "in_progress"
    assert '<option value="in_progress" selected>' in page.content.decode()
    # What the browser sends when the officer only types a message: the select's current value.
    response = officer.post(
        f"/work/cases/{case.tracking_code}/status",
        {"status": form["status"].value(), "message": "รออะไหล่จากกองคลัง"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status.code == "in_progress"
    public = Client().get(f"/r/{case.tracking_code}").content.decode()
    assert "รออะไหล่จากกองคลัง" in public


def test_every_control_of_the_queue_and_the_case_page_is_labelled_once(town):
    """Issue 8 item 16: no unlabelled control, no id used twice (the filter and export forms shared ids)."""
    from muang.testing.html_checks import duplicate_ids, unlabelled_controls

    case = submit_case(
        town.category,
        location=town.org.boundary.point_on_surface,
        photos=[SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg")],
    )
    other = make_town()  # an organisation to forward to
    CaseCategoryFactory(organization=other.org)
    for who in ("officer", "head", "executive", "admin"):
        client = signed_in(getattr(town, who))
        for url in (
            "/work/cases/",
            "/work/cases/?q=x&status=received&created_from=1/1/2569",
            f"/work/cases/{case.tracking_code}/",
        ):
            html = client.get(url).content.decode()
            assert unlabelled_controls(html) == [], (who, url)
            assert duplicate_ids(html) == [], (who, url)


def test_the_timeline_names_statuses_people_and_categories(town, settings):
    """Issue 8 item 13: no `received → assigned`, no `→ mayor.nonsaat` on the case page."""
    from muang.cases.services import case_assign, case_change_category, case_escalate_overdue

    settings.LANGUAGE_CODE = "th"
    town.officer.user.first_name, town.officer.user.last_name = "สมปอง", "ขยันดี"
    town.officer.user.save()
    town.head.user.first_name, town.head.user.last_name = "สมศักดิ์", "หัวหน้า"
    town.head.user.save()
    case = submit_case(town.category, now=bkk(2026, 1, 5, 9))  # long overdue
    case_assign(actor=town.head, case=case, assignee=town.officer.user)
    case_escalate_overdue(organization=town.org)
    road = CaseCategoryFactory(organization=town.org, default_department=town.works, name_th="ถนนชำรุด")
    case_change_category(actor=town.head, case=case, category=road)

    html = signed_in(town.head).get(f"/work/cases/{case.tracking_code}/").content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert "รับเรื่องแล้ว → มอบหมายผู้รับผิดชอบแล้ว" in timeline
    assert "ให้ สมปอง ขยันดี" in timeline
    assert "แจ้งให้ สมศักดิ์ หัวหน้า ทราบ" in timeline
    assert f"{town.category.name_th} ({town.works.name_th}) → ถนนชำรุด ({town.works.name_th})" in timeline
    for raw in (
        "received →",
        "→ assigned",
        town.officer.user.username,
        town.head.user.username,
        "streetlight",
    ):
        assert raw not in timeline, raw


def test_the_case_page_opens_with_the_place_on_a_map_and_the_citizens_photo(town):
    """Issue 8 item 17: the case page had no map and the citizen's photo sat at the very bottom."""
    case = submit_case(
        town.category,
        location=town.org.boundary.point_on_surface,
        photos=[SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg")],
    )
    html = signed_in(town.officer).get(f"/work/cases/{case.tracking_code}/").content.decode()
    photo = case.attachments.get().file.url
    facts = html[html.index('id="case-facts"') : html.index('id="status-form"')]
    assert 'id="case-map"' in facts and f'data-lat="{case.location.y:.6f}"' in facts
    assert f'<img src="{photo}"' in facts  # beside the description, before any form
    assert "cases/case_map.js" in html
