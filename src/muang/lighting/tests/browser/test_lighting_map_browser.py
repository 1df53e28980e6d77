"""A field engineer on a phone walks the lighting map: the faulty pole is red, its popup and its card link the
repair case; the lit one is yellow."""

import pytest

from muang.cases.tests.browser.test_queue_browser import PHONE, sign_in
from muang.conftest import load_area_slice
from muang.lighting.tests.helpers import NIGHT, lit, lit_town, pole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_faulty_pole_shows_red_and_its_card_links_the_case(live_server, in_chromium, tmp_path, settings):
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    lt = lit_town()
    bad, good = pole(lt, 1), pole(lt, 2)
    lit(good, NIGHT)
    lit(bad, NIGHT, power_w=1.5, lamp_failure=True)
    case = bad.faults.get().case
    assert case is not None

    def steps(page) -> None:
        sign_in(page, live_server.url, lt.town.officer.user, "/lighting/")
        page.wait_for_selector("#lighting-map[data-ready='1']")
        red = page.locator("path.pole-faulty")
        assert red.count() == 1 and red.get_attribute("fill") == "#d7191c"
        assert page.locator("path.pole-lit").get_attribute("fill") == "#f5c400"
        assert "ชำรุด" in page.locator(".lc-faulty").inner_text()
        page.screenshot(path=tmp_path / "lighting-map.png", full_page=True)
        # Zoomed out to the town, poles are dots (a network of rings would smear into grey); the faulty stay larger.
        close = page.locator("path.pole-lit").bounding_box()["width"]
        for _ in range(3):
            page.click(".leaflet-control-zoom-out")
            page.wait_for_timeout(400)  # Leaflet's zoom animation
        far = page.locator("path.pole-lit").bounding_box()["width"]
        assert far < close and red.bounding_box()["width"] > far, (close, far)
        for _ in range(3):
            page.click(".leaflet-control-zoom-in")
            page.wait_for_timeout(400)
        red.click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert bad.code in popup.inner_text() and case.tracking_code in popup.inner_text()
        popup.locator("a.pole-link").click()
        page.wait_for_selector("#pole-card")
        assert "ชำรุด" in page.locator("#pole-state").inner_text()
        assert "หลอดไฟดับ" in page.locator("#pole-card").inner_text()
        link = page.locator("#pole-case")
        assert link.get_attribute("href") == f"/work/cases/{case.tracking_code}/"
        page.screenshot(path=tmp_path / "pole-card.png", full_page=True)
        link.click()
        page.wait_for_url(f"**/work/cases/{case.tracking_code}/")
        assert bad.code in page.locator("#panel-lighting-fault").inner_text()  # the pole, on the case page

    in_chromium(steps, viewport=PHONE)
