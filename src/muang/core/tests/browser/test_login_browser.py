"""A staff member signs in with a real browser and sees their home page, map included."""

import pytest

from muang.conftest import load_area_slice
from muang.core.models import Role
from muang.core.tests.factories import PASSWORD, OrganizationFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_and_sees_the_home_page(live_server, page, tmp_path):
    load_area_slice()
    org = OrganizationFactory(name_th="เทศบาลตำบลโนนสะอาด")
    user = member(org, Role.OFFICER)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"

    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().startswith("สวัสดี")
    assert "เทศบาลตำบลโนนสะอาด" in page.content()
    # Leaflet (from the npm package, via staticfiles) drew the organisation's boundary.
    page.wait_for_selector("#map[data-ready='1'] path.leaflet-interactive", timeout=10_000)
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    page.click("text=English")
    assert page.locator("h1").inner_text().startswith("Hello")
