"""Issue 13's night, walked in Chromium on a frozen clock: at 02:00 a wristband reports a fall over OsmAnd; the
care centre's board rings; nobody takes it in 60 s, so the worker's timer escalates it to the next person on call
and the daughter gets a LINE message (the fake LINE server); the operator opens the alert (photo, medical
summary, contacts), turns it into a red incident; the board ranks the ambulances by road time and the nearest is
dispatched; its tracker's OsmAnd positions move it; each step is stamped; it is at the scene at 02:07 and the
month's "red within 8 minutes" moves."""

import datetime as dt
import urllib.request
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from muang.cases.tests.browser.test_queue_browser import DESK, sign_in
from muang.conftest import load_area_slice
from muang.core import outbox
from muang.core.access import SYSTEM
from muang.core.models import Duty, LineChannel, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.ems import clock, kpis, routing
from muang.ems.models import Alert, AlertStatus, Incident, OnCall, Step, Unit
from muang.ems.services.roads import road_grid_generate
from muang.ems.services.units import unit_create
from muang.ems.services.wristbands import tracker_profile_for
from muang.ems.tasks import run_alert_timers
from muang.ems.tests.conftest import DAUGHTER_LINE, make_band
from muang.iot.services.devices import device_create
from muang.testing.line_server import start_fake_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TWO_AM = dt.datetime(2026, 3, 2, 19, 0, tzinfo=dt.UTC)  # 02:00 in Chumphae
HOME = (16.5412, 102.1013)


class Clock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def to(self, minutes: float) -> dt.datetime:
        self.at = TWO_AM + dt.timedelta(minutes=minutes)
        return self.at


def osmand(base: str, org, **params) -> int:
    with urllib.request.urlopen(f"{base}/osmand/{org.slug}?{urlencode(params)}") as r:  # noqa: S310 (the live server)
        return r.status


@pytest.fixture
def line(settings):
    state, server = start_fake_line()
    settings.MUANG_LINE_API_BASE = state.url
    yield state
    server.shutdown()


def test_the_night_of_a_fall(live_server, in_chromium, tmp_path, settings, monkeypatch, line):
    settings.LANGUAGE_CODE = "th"
    now = Clock(TWO_AM)
    monkeypatch.setattr(clock, "now", now)
    load_area_slice()
    org = OrganizationFactory(boundary=None)
    LineChannel.objects.create(
        organization=org, channel_id="2000000001", channel_secret="s" * 32, access_token="t"
    )
    operator = member(org, Role.OFFICER, duties=[Duty.CARE, Duty.EMERGENCY_MEDICAL])
    operator.first_name, operator.last_name = "วิไล", "ใจดี"
    operator.save()
    OnCall.objects.create(organization=org, position=1, name="หัวหน้าเวร ประเสริฐ", phone="0811111111")
    make_band(org, heart_rate_min=45, heart_rate_max=120)
    road_grid_generate(actor=SYSTEM, organization=org, lat=16.54, lon=102.10, size=16)
    trackers = {}
    for sign, serial, lat, lon in (
        ("กู้ชีพ 1", "AMB1", 16.546, 102.106),
        ("กู้ชีพ 2", "AMB2", 16.534, 102.093),
        ("กู้ชีพ 3", "AMB3", 16.5325, 102.1085),
    ):
        device, _secret = device_create(
            actor=SYSTEM, organization=org, profile=tracker_profile_for(org), name=sign, serial=serial
        )
        trackers[sign] = serial
        unit_create(actor=SYSTEM, organization=org, call_sign=sign, lat=lat, lon=lon, device=device)
    base = live_server.url
    ts = lambda: int(now().timestamp())  # noqa: E731
    month = dict(organization=org, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert kpis.red_within_8_minutes(**month) is None  # no red incident this month yet

    def steps(page) -> None:
        sign_in(page, base, operator, "/ems/care/")
        page.click("#sound-on")
        assert page.locator(".care-alerts.waiting li.alert").count() == 0
        # 02:00: the band reports a fall over OsmAnd (Traccar's parameter form).
        assert (
            osmand(
                base, org, id="IMEI0001", lat=HOME[0], lon=HOME[1], timestamp=ts(), alarm="fallDown", batt=71
            )
            == 200
        )
        item = page.wait_for_selector(".care-alerts.waiting li.alert.kind-fall", timeout=6000)
        assert "หกล้ม" in item.inner_text() and "นางบัวผัน ศรีสุข1" in item.inner_text()
        page.wait_for_function("document.body.dataset.rang >= '1'")  # it rang
        page.wait_for_selector("#care-map[data-alerts='1']")
        page.screenshot(path=tmp_path / "care-board.png", full_page=True)
        # 60 s pass, nobody takes it: the worker's periodic task runs the due timer.
        now.to(1.02)
        assert run_alert_timers.call()["escalations"] == 1
        # The outbox delivers after the commit (the task backend may already have run it): the daughter's push.
        outbox.deliver_due(now=timezone.now() + dt.timedelta(seconds=1), sms_adapter_for=lambda: None)
        pushed = line.requests[-1]
        assert pushed.path == "/v2/bot/message/push" and pushed.body["to"] == DAUGHTER_LINE
        assert "นางบัวผัน ศรีสุข1" in pushed.body["messages"][0]["text"]
        page.wait_for_selector(".care-alerts.waiting .escalated", timeout=6000)
        # The operator opens it: medical summary, contacts to call, the place.
        now.to(1.5)
        page.click(".care-alerts.waiting li.alert a")
        page.wait_for_selector("#alert-map[data-ready='1']")
        assert "แพ้ยาเพนิซิลลิน" in page.inner_text("#medical-summary")
        assert page.locator("#contacts a[href='tel:0899999999']").count() == 1
        assert "หัวหน้าเวร ประเสริฐ" in page.inner_text("#alert-events")
        page.select_option("#criterion", "24-red-1")
        page.screenshot(path=tmp_path / "care-alert.png", full_page=True)
        page.click("#to-incident")
        page.wait_for_selector("#ranking")
        assert page.inner_text("#dispatch-code") == "24 แดง 1"
        incident = Incident.objects.get()
        assert incident.call_received_at == TWO_AM and incident.source_ref.startswith("ems.alert:")
        expected = routing.rank_by_road(org, lon=incident.location.x, lat=incident.location.y)
        assert expected[0].by_road
        ranked = page.locator(".ems-ranking li")
        assert ranked.nth(0).get_attribute("data-call-sign") == expected[0].unit.call_sign
        now.to(2)
        ranked.nth(0).locator("button.dispatch").click()
        page.wait_for_selector("#step-form")
        nearest = expected[0].unit
        page.select_option("#id_step", Step.ROLLING)
        page.click("#step-form button[type=submit]")
        page.wait_for_selector("#step-form")
        # Its tracker moves it towards the elder's home, minute by minute.
        start = (nearest.base.y, nearest.base.x)
        for minute in range(3, 8):
            f = (minute - 2) / 5
            now.to(minute)
            lat = start[0] + (HOME[0] - start[0]) * f
            lon = start[1] + (HOME[1] - start[1]) * f
            assert (
                osmand(base, org, id=trackers[nearest.call_sign], lat=lat, lon=lon, timestamp=ts(), speed=30)
                == 200
            )
        moved = Unit.objects.get(pk=nearest.pk)
        assert abs(moved.location.y - HOME[0]) < 1e-4 and moved.position_at == now()
        # 02:07: at the scene.
        page.select_option("#id_step", Step.AT_SCENE)
        page.click("#step-form button[type=submit]")
        page.wait_for_selector("#timeline")
        incident.refresh_from_db()
        assert (
            incident.step == Step.AT_SCENE
            and incident.at_scene_at - incident.call_received_at == dt.timedelta(minutes=7)
        )
        assert incident.dispatched_at == TWO_AM + dt.timedelta(minutes=2)
        page.goto(f"{base}/ems/?wall=1")
        page.wait_for_selector("#ems-map[data-ready='1']")
        assert nearest.call_sign in page.locator(".ems-incidents li.colour-red").inner_text()
        page.screenshot(path=tmp_path / "ems-board.png", full_page=True)

    in_chromium(steps, viewport=DESK)
    alert = Alert.objects.get()
    assert alert.status == AlertStatus.INCIDENT and alert.escalation == 1
    assert kpis.red_within_8_minutes(**month) == 100  # the month's share moved
