"""The public station chart in real headless Chromium at phone and desktop size (Thai): the 30 days drawn from
the hourly roll-ups (an hour whose raw rows are gone is still drawn, from its roll-up), the 24 hours from the
raw rows, the legend in Thai from the page's translated labels, no script error or failed request."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from muang.cases.tests.browser.test_queue_browser import DESK, PHONE
from muang.iot.services import rollup
from muang.iot.services.ingest import Message, ingest_batch

from ..conftest import make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
H = dt.timedelta(hours=1)


@pytest.fixture
def committed_rollups():
    """The roll-ups and the watermark this transactional test commits are not model tables: put them back."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM iot_telemetryhour; DELETE FROM iot_telemetryhourdirty; "
            "UPDATE iot_telemetryrollup SET done_until = NULL"
        )


def test_the_30_day_chart_draws_from_the_roll_ups_at_phone_and_desktop_size(
    live_server, in_chromium, hashed_static, settings, areas, committed_telemetry, committed_rollups, tmp_path
):
    settings.LANGUAGE_CODE = "th"
    city = make_city()
    now = timezone.now().replace(microsecond=0)
    first = rollup.floor_hour(now) - dt.timedelta(days=3)
    times = [first + dt.timedelta(minutes=10 * i) for i in range(3 * 144 + 6)]
    times = [t for t in times if t < now - dt.timedelta(minutes=2)]  # the server's clock runs on
    messages = [
        Message(city.air_device, {"ts": t.isoformat(), "values": {"pm2_5": 20.0 + i % 7, "pm10": 50.0}}, now)
        for i, t in enumerate(times)
    ]
    assert {o.status for o in ingest_batch(organization=city.org, messages=messages, now=now)} == {"stored"}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE iot_telemetryrollup SET done_until = %s WHERE id = 1", [first])
    assert rollup.telemetry_rollup(now=now)["hours"] >= 71
    gone = first + dt.timedelta(days=1, hours=5)  # a rolled-up hour two days back
    with connection.cursor() as cursor:  # its raw rows vanish: only its roll-up can draw it
        cursor.execute(
            "DELETE FROM iot_telemetry WHERE device_id = %s AND time >= %s AND time < %s",
            [city.air_device.pk, gone, gone + H],
        )
    hours = {rollup.floor_hour(t) for t in times}
    recent = {t.replace(minute=t.minute - t.minute % 15) for t in times if t > now - dt.timedelta(hours=24)}

    def steps(page) -> None:
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(f"{live_server.url}/env/{city.org.slug}/")
        page.wait_for_selector("#env-map[data-ready='1']")
        page.locator(f"#station-{city.air.pk} button").click()
        page.wait_for_selector("#env-chart:not([data-drawn='0'])")
        assert int(page.locator("#env-chart").get_attribute("data-drawn")) == len(
            recent
        )  # quarter-hours, raw
        with page.expect_response(re.compile(r"/history\?range=30d")) as answer:
            page.locator(".env-range[data-range='30d']").click()
        month = answer.value.json()
        page.wait_for_selector("#env-chart:not([data-drawn='0'])")
        assert int(gone.timestamp()) in month["t"]  # drawn from its roll-up
        assert month["t"] == sorted(int(h.timestamp()) for h in hours)
        assert int(page.locator("#env-chart").get_attribute("data-drawn")) == len(hours)
        assert page.locator("#env-chart canvas").count() == 1
        legend = page.locator("#env-chart .u-legend").inner_text()
        assert "เวลา" in legend and "เกณฑ์เตือน" in legend, legend
        assert not re.findall(r"\b(?!PM)[A-Za-z]{2,}\b", legend.replace("µg/m³", "")), legend
        box = page.locator("#env-chart canvas").bounding_box()
        assert box and box["width"] <= page.viewport_size["width"]
        width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert width <= 1, f"{width}px wider than the screen"
        page.screenshot(path=tmp_path / f"env-30d-{page.viewport_size['width']}.png", full_page=True)
        assert not problems, problems

    in_chromium(steps, viewport=PHONE)
    in_chromium(steps, viewport=DESK)
