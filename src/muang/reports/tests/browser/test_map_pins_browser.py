"""Map pins are real images on every citizen map, with the static files named as a deployment names them.

Leaflet guesses where its marker images live from leaflet.css; a content hash in the file names defeated the
guess and every pin was a broken image asking for /r/marker-icon-2x.png (issue 8, item 9).
"""

import pytest

from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import submit_case
from muang.conftest import load_area_slice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKERS_LOADED = """() => Array.from(document.querySelectorAll("img.leaflet-marker-icon")).map(
    (img) => ({src: img.getAttribute("src"), complete: img.complete, width: img.naturalWidth}))"""


def test_every_pin_is_an_image_that_loaded(live_server, in_chromium, hashed_static, tmp_path):
    in_chromium(lambda page: _walk(page, live_server.url, tmp_path))


def _pins(page) -> list[dict]:
    page.wait_for_selector("img.leaflet-marker-icon")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('img.leaflet-marker-icon')).every((i) => i.complete)"
    )
    pins = page.evaluate(MARKERS_LOADED)
    assert pins
    for pin in pins:
        assert pin["width"] > 0, pin  # a broken image has no natural width
        assert "/static/vendor/leaflet/images/marker-icon" in pin["src"], pin
    return pins


def _walk(page, url: str, tmp_path) -> None:
    load_area_slice()
    town = make_town()
    point = town.org.boundary.point_on_surface
    case = submit_case(town.category, location=point)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    # The tracking page's small map.
    page.goto(f"{url}/r/{case.tracking_code}")
    page.wait_for_selector("#case-map[data-ready='1']")
    _pins(page)

    # The public map, zoomed in to single reports (the view is in the address, as the map keeps it).
    page.goto(f"{url}/reports/map/?org={town.org.slug}#17/{point.y:.5f}/{point.x:.5f}")
    page.wait_for_selector("#reports-map[data-ready='1']")
    assert page.locator("#reports-map").get_attribute("data-features") == "1"
    _pins(page)
    page.screenshot(path=tmp_path / "map-pin.png")

    # The report form, once a place is chosen.
    page.goto(f"{url}/r/")
    page.wait_for_selector("#pick-map[data-ready='1']")
    page.evaluate("([lat, lon]) => window.muangReport.setPoint(lat, lon)", [point.y, point.x])
    page.wait_for_selector("#receiver")
    _pins(page)
    page.screenshot(path=tmp_path / "report-pin.png")

    assert not failed, failed


def test_the_map_buttons_are_named_in_the_page_language(live_server, in_chromium, hashed_static, settings):
    """Leaflet names its zoom buttons "Zoom in" / "Zoom out" (title and aria-label) unless told otherwise."""
    settings.LANGUAGE_CODE = "th"
    load_area_slice()
    town = make_town()
    case = submit_case(town.category, location=town.org.boundary.point_on_surface)

    def steps(page) -> None:
        page.goto(f"{live_server.url}/r/{case.tracking_code}")
        button = page.locator(".leaflet-control-zoom-in")
        button.wait_for()
        assert (button.get_attribute("title"), button.get_attribute("aria-label")) == ("ขยาย", "ขยาย")
        assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == "ย่อ"

    in_chromium(steps)
