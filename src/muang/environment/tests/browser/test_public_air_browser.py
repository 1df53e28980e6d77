"""The public air and water page on a phone (390 × 844, Thai), as issue 10's "done means" walks it: PM2.5 crosses
37.5 µg/m³ and the station turns orange, on the list and on the map, the banner shows, and a tap draws the
station's last 24 hours and 30 days with uPlot."""

import datetime as dt

import pytest
from django.utils import timezone

from ..conftest import make_city, pm, water

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_station_turns_orange_the_banner_shows_and_the_chart_draws(
    live_server, in_chromium, hashed_static, settings, areas, tmp_path, committed_telemetry
):
    settings.LANGUAGE_CODE = "th"
    city = make_city()
    now = timezone.now().replace(microsecond=0)
    for m in range(30, 5, -5):
        pm(city, 30.0, now - dt.timedelta(minutes=m), pm10=45.0)
        water(city, 2.0 + m / 100, now - dt.timedelta(minutes=m))
    in_chromium(lambda page: _walk(page, live_server.url, city, now, tmp_path))


def _walk(page, url: str, city, now, tmp_path) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{url}/env/{city.org.slug}/")
    page.wait_for_selector("#env-map[data-ready='1']")
    station = page.locator(f"#station-{city.air.pk}")
    assert station.get_attribute("data-colour") == "yellow"
    assert page.locator("#env-banner").count() == 0
    assert "ปานกลาง" in station.inner_text()
    assert page.locator(".env-marker-yellow").count() == 1

    pm(city, 90.0, now - dt.timedelta(minutes=1), pm10=120.0)  # the hourly mean passes 37.5
    page.reload()
    page.wait_for_selector("#env-map[data-ready='1']")
    assert station.get_attribute("data-colour") == "orange"
    assert page.locator("#env-banner").is_visible()
    assert "สถานีอากาศ ตลาดสด" in page.locator("#env-banner").inner_text()
    assert "เริ่มมีผลกระทบต่อสุขภาพ" in station.inner_text()
    assert page.locator(".env-marker-orange").count() == 1
    page.screenshot(path=tmp_path / "env-orange.png", full_page=True)

    station.locator("button").click()
    page.wait_for_selector("#env-chart:not([data-drawn='0'])")
    assert int(page.locator("#env-chart").get_attribute("data-drawn")) >= 2
    assert page.locator("#env-chart canvas").count() == 1
    assert page.locator("#env-chart-title").inner_text() == "สถานีอากาศ ตลาดสด"
    page.locator(".env-range[data-range='30d']").click()
    page.wait_for_selector("#env-chart:not([data-drawn='0'])")
    assert page.locator("#env-chart canvas").count() == 1
    box = page.locator("#env-chart canvas").bounding_box()
    assert box and box["width"] <= 390  # fits the phone
    page.screenshot(path=tmp_path / "env-chart.png", full_page=True)

    # The river gauge: its level with its own alert and danger levels drawn beside it.
    page.locator(f"#station-{city.gauge.pk} button").click()
    page.wait_for_selector("#env-chart:not([data-drawn='0'])")
    legend = page.locator("#env-chart .u-legend").inner_text()
    assert "ระดับเฝ้าระวัง" in legend and "ระดับวิกฤต" in legend
    assert not problems, problems
