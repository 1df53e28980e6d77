"""A citizen files a report on the web with a real browser, staff resolve it, and the citizen rates it."""

import re

import pytest

from muang.cases.models import Case
from muang.cases.services import case_assign, case_change_status
from muang.cases.tests.conftest import make_town
from muang.conftest import load_area_slice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_reports_follows_and_rates_a_fix(live_server, in_chromium, tmp_path):
    in_chromium(lambda page: _walk(page, live_server.url, tmp_path))


def _walk(page, url: str, tmp_path) -> None:
    load_area_slice()
    town = make_town()
    town.org.settings = {"reports": {"notices": {town.category.code: "แจ้งเหตุไฟฟ้าช็อตโทร 199"}}}
    town.org.save()
    point = town.org.boundary.point_on_surface

    page.goto(f"{url}/r/")
    page.wait_for_selector("#pick-map[data-ready='1']")
    # The page's own API, as a tap on the map or the GPS button would call it.
    page.evaluate("([lat, lon]) => window.muangReport.setPoint(lat, lon)", [point.y, point.x])
    page.wait_for_selector("#receiver")
    assert town.org.name_th in page.locator("#receiver").inner_text()
    assert "แจ้งเหตุไฟฟ้าช็อตโทร 199" in page.locator(".categories").inner_text()

    page.check(f"input[name=category][value='{town.category.code}']")
    page.wait_for_selector("#no-nearby")  # nothing similar nearby yet
    page.fill("#id_description", "ไฟถนนดับทั้งซอย 5 ครับ")
    page.fill("#id_contact_phone", "0812345678")
    page.screenshot(path=tmp_path / "report.png", full_page=True)
    page.click("#submit")
    page.wait_for_url(re.compile(r"/r/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    code = page.locator("#tracking-code").inner_text()
    case = Case.objects.get(tracking_code=code)
    assert case.organization == town.org and case.description == "ไฟถนนดับทั้งซอย 5 ครับ"
    assert page.locator("#rate-form").count() == 0

    case = case_assign(actor=town.head, case=case, assignee=town.officer.user)
    case_change_status(actor=town.officer, case=case, status="resolved", message="เปลี่ยนหลอดไฟแล้ว")

    page.reload()
    assert "เปลี่ยนหลอดไฟแล้ว" in page.locator(".timeline").inner_text()
    page.check("#rate-form input[name=stars][value='4']")
    page.fill("#rate-form textarea[name=comment]", "รวดเร็วดีครับ")
    page.click("#rate-form button[type=submit]")
    page.wait_for_selector("#rating")
    assert "4/5" in page.locator("#rating").inner_text()
    assert Case.objects.get(pk=case.pk).rating == 4
    page.screenshot(path=tmp_path / "tracking.png", full_page=True)

    # The public map draws from the bounding-box endpoint (the resolved report has left the open map).
    page.goto(f"{url}/reports/map/?org={town.org.slug}")
    page.wait_for_selector("#reports-map[data-ready='1']")
    assert page.locator("#reports-map").get_attribute("data-features") == "0"
