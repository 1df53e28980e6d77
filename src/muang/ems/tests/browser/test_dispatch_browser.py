"""At 2 a.m. the call-taker opens a red incident on the map, the board ranks the units by road time, the nearest
available one is dispatched and the board shows it on its way (laptop and wall-screen sizes)."""

import pytest

from muang.cases.tests.browser.test_queue_browser import DESK, sign_in
from muang.conftest import load_area_slice
from muang.core.access import SYSTEM
from muang.core.models import Duty, Role
from muang.core.tests.factories import OrganizationFactory, member
from muang.ems import routing
from muang.ems.models import Incident, Step, Unit
from muang.ems.services.roads import road_grid_generate
from muang.ems.services.units import unit_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_call_taker_creates_a_red_incident_and_dispatches_the_nearest_unit(
    live_server, in_chromium, tmp_path, settings
):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    org = OrganizationFactory(boundary=None)
    user = member(org, Role.OFFICER, duties=[Duty.EMERGENCY_MEDICAL])
    road_grid_generate(actor=SYSTEM, organization=org, lat=16.54, lon=102.10, size=16)
    for sign, lat, lon in (
        ("กู้ชีพ 1", 16.546, 102.106),
        ("กู้ชีพ 2", 16.534, 102.093),
        ("กู้ชีพ 3", 16.541, 102.099),
    ):
        unit_create(actor=SYSTEM, organization=org, call_sign=sign, lat=lat, lon=lon)
    busy = Unit.objects.get(call_sign="กู้ชีพ 3")  # the closest, but out on another call
    Unit.objects.filter(pk=busy.pk).update(status=Unit.Status.ON_MISSION)

    def steps(page) -> None:
        sign_in(page, live_server.url, user, "/ems/")
        page.click("#new-call")
        page.wait_for_selector("#pin-map[data-ready='1']")
        page.fill("#id_caller_name", "ลูกสาวคุณยายบุญมี")
        page.fill("#id_caller_phone", "0812345678")
        page.select_option("#id_criterion", "6-red-1")
        page.fill("#id_address", "หมู่ 3 ตำบลชุมแพ")
        page.click("#create-incident")  # no pin yet: refused, naming the place
        page.wait_for_selector("#location-errors")
        assert "สถานที่" in page.locator("#location-errors").inner_text()
        page.wait_for_selector("#pin-map[data-ready='1']")
        box = page.locator("#pin-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert page.input_value("#id_lat")
        page.click("#create-incident")
        page.wait_for_selector("#ranking")
        assert page.locator("#dispatch-code").inner_text() == "6 แดง 1"
        incident = Incident.objects.get()
        expected = routing.rank_by_road(org, lon=incident.location.x, lat=incident.location.y)
        assert expected[0].by_road and busy.pk not in [r.unit.pk for r in expected]
        ranked = page.locator(".ems-ranking li")
        assert ranked.count() == 2
        assert ranked.nth(0).get_attribute("data-call-sign") == expected[0].unit.call_sign
        assert "ตามถนน" in ranked.nth(0).inner_text()
        page.screenshot(path=tmp_path / "ems-ranking.png", full_page=True)
        ranked.nth(0).locator("button.dispatch").click()
        page.wait_for_selector("#step-form")
        assert page.locator("#unit").inner_text() == expected[0].unit.call_sign
        incident.refresh_from_db()
        assert incident.step == Step.DISPATCHED and incident.unit == expected[0].unit
        page.goto(f"{live_server.url}/ems/?wall=1")
        page.wait_for_selector("#ems-map[data-ready='1']")
        assert page.locator("#ems-map").get_attribute("data-incidents") == "1"
        item = page.locator(".ems-incidents li.colour-red")
        assert expected[0].unit.call_sign in item.inner_text()
        page.screenshot(path=tmp_path / "ems-board.png", full_page=True)

    in_chromium(steps, viewport=DESK)
