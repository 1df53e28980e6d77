"""The public map and statistics on a phone, first visit, nothing chosen (issue 8, item 11).

The map used to open on all of Thailand, the server refused that box with a 400 and the page stayed empty;
the statistics asked for an organisation first.
"""

import pytest
from django.contrib.gis.geos import Point

from muang.cases.tests.conftest import make_town
from muang.cases.tests.factories import submit_case
from muang.conftest import load_area_slice
from muang.reports.selectors import map_grid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _live_grid(settings):
    settings.MUANG_MAP_GRID_SECONDS = 0
    map_grid.clear()
    yield
    map_grid.clear()


def test_the_first_visit_shows_the_reports_clustered_then_single(
    live_server, in_chromium, hashed_static, tmp_path
):
    in_chromium(lambda page: _walk(page, live_server.url, tmp_path))


def _walk(page, url: str, tmp_path) -> None:
    load_area_slice()
    town, other = make_town(), make_town()
    p, q = town.org.boundary.point_on_surface, other.org.boundary.point_on_surface
    for i in range(12):
        submit_case(town.category, location=Point(p.x + (i % 4) * 0.0004, p.y + (i // 4) * 0.0004, srid=4326))
    for _i in range(3):
        submit_case(other.category, location=q)
    refused: list[str] = []
    page.on("response", lambda r: refused.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{url}/reports/map/")
    page.wait_for_selector("#reports-map[data-ready='1']")
    counts = [int(t.replace(",", "")) for t in page.locator(".cluster-count").all_inner_texts()]
    assert sum(counts) == 15, counts  # every open report, counted per cell
    assert page.locator(".cluster-count").first.is_visible()
    assert "#" in page.url  # the view is in the address, to share or come back to
    page.screenshot(path=tmp_path / "map-first-visit.png")

    # A tap on a count zooms in there, until the single reports show as pins.
    for _step in range(8):
        if page.locator("img.leaflet-marker-icon, .marker-cluster").count():
            break
        page.evaluate("() => document.getElementById('reports-map').dataset.ready = '0'")
        biggest = max(
            page.locator(".cluster-count").all(), key=lambda c: int(c.inner_text().replace(",", ""))
        )
        biggest.click()
        page.wait_for_selector("#reports-map[data-ready='1']")
    assert page.locator("img.leaflet-marker-icon, .marker-cluster").count()
    page.screenshot(path=tmp_path / "map-zoomed-in.png")

    page.goto(f"{url}/reports/stats/")
    assert page.locator("#total").inner_text() == "15"
    assert page.locator("#by-organization a").count() == 2
    page.screenshot(path=tmp_path / "stats.png", full_page=True)
    assert not refused, refused
