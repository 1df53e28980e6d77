"""An administrator's long menu on a phone: grouped headings in one sideways line, a heading opens its links
below it (not clipped by the scrolling line), a click outside closes it, and a link leads to its page."""

import pytest

from muang.conftest import load_area_slice
from muang.core.models import Role
from muang.core.tests.factories import OrganizationFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_opens_a_menu_group_on_a_phone(live_server, page, client, tmp_path):
    load_area_slice()
    org = OrganizationFactory(name_th="เทศบาลตำบลโนนสะอาด")
    admin = member(org, Role.SYSTEM_ADMIN)
    client.force_login(admin)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")
    groups = page.locator("nav.main details.menu-group")
    assert groups.count() >= 5
    assert page.locator("nav.main > a").first.inner_text() == "หน้าหลัก"
    revenue = page.locator("nav.main details.menu-group", has_text="รายได้และภาษี")
    tax_map = revenue.locator("a", has_text="แผนที่ภาษี")
    assert not tax_map.is_visible()
    revenue.locator("summary").click()
    assert tax_map.is_visible()
    box, viewport = tax_map.bounding_box(), page.viewport_size
    assert box["y"] > page.locator("nav.main").bounding_box()["y"]  # below the line, inside the screen
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    page.screenshot(path=tmp_path / "menu-open.png")
    # Opening another heading closes the first; a click elsewhere closes it too.
    page.locator("nav.main details.menu-group", has_text="ระบบของเมือง").locator("summary").click()
    assert not tax_map.is_visible()
    page.mouse.click(200, 820)  # below the open panel
    assert page.locator("nav.main details.menu-group[open]").count() == 0
    revenue.locator("summary").click()
    tax_map.click()
    page.wait_for_url(f"{live_server.url}/tax/map/", wait_until="domcontentloaded")
    assert page.locator("nav.main a[aria-current=page]").get_attribute("href") == "/tax/map/"
