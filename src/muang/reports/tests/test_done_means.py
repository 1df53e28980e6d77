"""Issue 3's "done means", end to end through the real entry points: a citizen files a report on the web,
another through a signed LINE webhook call, an Open311 client files a third; each lands in the right
organisation and department, staff work it to resolution on their pages, the citizens get the update (the
tracking page, a LINE push, Open311's GET) and rate it, and the public map and statistics show it."""

import pytest
from django.test import Client

from muang.cases.models import Case, Channel
from muang.cases.tests.factories import CaseCategoryFactory
from muang.core.models import LineChannel, Notification
from muang.reports.line.messages import parse_postback

from .test_line_support import SECRET, TOKEN, USER, body_of, deliver, location, postback, text
from .test_open311_support import BASE, english_client, open311_town, post_request

pytestmark = pytest.mark.django_db


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def work_to_resolution(case: Case, head, officer) -> None:
    code = case.tracking_code
    assert staff(head).post(f"/work/cases/{code}/assign", {"assignee": officer.username}).status_code == 302
    worker = staff(officer)
    assert worker.post(f"/work/cases/{code}/status", {"status": "in_progress"}).status_code == 302
    done = worker.post(f"/work/cases/{code}/status", {"status": "resolved", "message": "ซ่อมเสร็จแล้วครับ"})
    assert done.status_code == 302


def test_web_line_and_open311_reports_are_filed_worked_answered_rated_and_shown(areas, settings):
    world = open311_town()
    town = world.town
    CaseCategoryFactory(organization=town.org, code="road", name_th="ถนนชำรุด", default_department=town.health)
    LineChannel.objects.create(
        organization=town.org, channel_id="2000000001", channel_secret=SECRET, access_token=TOKEN
    )
    p = town.org.boundary.point_on_surface
    lat, lon = f"{p.y:.6f}", f"{p.x:.6f}"

    # 1. The web: the citizen's browser files a street-light report.
    citizen = Client()
    response = citizen.post(
        "/r/",
        {
            "lat": lat,
            "lon": lon,
            "category": "streetlight",
            "description": "ไฟถนนดับทั้งซอย",
            "idempotency_key": "w" * 32,
        },
    )
    assert response.status_code == 302
    web = Case.objects.get(channel=Channel.WEB)

    # 2. LINE: a signed webhook conversation files a road report.
    line = Client()
    for event in (
        text("สวัสดีครับ"),
        location(p.y, p.x),
        text("ถนนเป็นหลุมลึก รถล้ม"),
        postback("action=category&code=road"),
        postback("action=photos_done"),
        postback("action=confirm"),
    ):
        assert deliver(line, town.org.slug, body_of(event)).status_code == 200
    by_line = Case.objects.get(channel=Channel.LINE)

    # 3. Open311: a client app files a noise report with its api_key.
    app = english_client()
    answer = post_request(
        app,
        api_key=world.key,
        jurisdiction_id=town.org.slug,
        service_code="noise",
        lat=lat,
        long=lon,
        description="คาราโอเกะเสียงดังทุกคืน",
        **{"attribute[when]": "night"},
    )
    assert answer.status_code == 201, answer.content
    by_app = Case.objects.get(tracking_code=answer.json()[0]["service_request_id"])

    # Each in the right organisation and department.
    assert (web.organization, web.department) == (town.org, town.works)
    assert (by_line.organization, by_line.department) == (town.org, town.health)
    assert (by_app.organization, by_app.department) == (town.org, town.health)

    # Staff work each one to resolution on their pages.
    work_to_resolution(web, town.head.user, town.officer.user)
    work_to_resolution(by_line, town.other_head.user, town.other_officer.user)
    work_to_resolution(by_app, town.other_head.user, town.other_officer.user)

    # The citizens get the update ...
    page = citizen.get(f"/r/{web.tracking_code}").content.decode()
    assert "ซ่อมเสร็จแล้วครับ" in page and 'name="stars"' in page
    pushes = Notification.objects.filter(channel=Notification.Channel.LINE_PUSH, recipient=USER)
    assert pushes.count() == 3, "assigned → in progress → resolved: one push per public status change"
    last = pushes.order_by("-id").first()
    assert by_line.tracking_code in last.messages[0]["text"]
    status = app.get(f"{BASE}/requests/{by_app.tracking_code}.json", {"jurisdiction_id": town.org.slug})
    assert status.json()[0]["status"] == "closed" and status.json()[0]["status_notes"] == "ซ่อมเสร็จแล้วครับ"

    # ... and rate it: the web reporter on the tracking page, the LINE reporter with one tap on the push.
    assert citizen.post(f"/r/{web.tracking_code}/rate", {"stars": "4", "comment": "เร็วดี"}).status_code == 302
    stars = [i["action"] for i in last.messages[-1]["quickReply"]["items"]]
    five = next(a for a in stars if parse_postback(a["data"]).get("stars") == "5")
    assert deliver(line, town.org.slug, body_of(postback(five["data"]))).status_code == 200
    web.refresh_from_db()
    by_line.refresh_from_db()
    assert (web.rating, by_line.rating) == (4, 5)

    # The public map and the statistics show them.
    extent = town.org.boundary.extent
    features = citizen.get(
        "/reports/map.geojson",
        {"bbox": ",".join(f"{v:.6f}" for v in extent), "zoom": "17", "all": "1"},
    ).json()["features"]
    assert {web.tracking_code, by_line.tracking_code, by_app.tracking_code} <= {
        f["properties"]["code"] for f in features
    }
    stats = citizen.get("/reports/stats/", {"org": town.org.slug}).context["stats"]
    assert stats.total == 3 and stats.open == 0 and stats.rated == 2 and stats.average_rating == 4.5
