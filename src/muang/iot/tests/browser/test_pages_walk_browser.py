"""A walk of every staff page of the IoT core, street lighting and air and water, plus the public air page, in real
headless Chromium at desktop and phone size (Thai): each page answers 200 with its heading and key element, draws
without a script error or a failed request, fits a phone's width, and shows no English words (only the names,
codes and units a Thai page shows as they are)."""

import datetime as dt

import pytest
from django.utils import timezone

from muang.cases.tests.browser.test_queue_browser import DESK, PHONE, sign_in
from muang.conftest import load_area_slice
from muang.core.access import SYSTEM
from muang.core.models import Duty
from muang.environment.services import station_create
from muang.iot.models import Alarm
from muang.iot.tests.alarm_helpers import report, rule, station
from muang.lighting.models import PoleGroup
from muang.lighting.services.poles import COLUMNS as POLE_COLUMNS
from muang.lighting.tests.helpers import lit, lit_town, pole
from muang.testing.thai_text import (
    LATIN_ALLOWED,
    LATIN_PHRASES,
    VISIBLE_TEXT,
    english_words,
    in_context,
    latin_words,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_iot_lighting_and_environment_pages_at_desktop_and_phone_size(
    live_server, in_chromium, hashed_static, settings, committed_telemetry
):
    settings.LANGUAGE_CODE = "th"
    settings.PASSWORD_HASHERS = [
        *settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    load_area_slice()
    lt = lit_town()
    lt.town.works.duties = [Duty.ENGINEERING, Duty.PUBLIC_HEALTH]
    lt.town.works.save(update_fields=["duties"])
    org = lt.org
    bad, good = pole(lt, 1), pole(lt, 2)
    night = timezone.now().replace(microsecond=0)
    lit(good, night)
    lit(bad, night, power_w=1.5, lamp_failure=True)
    group = PoleGroup.objects.create(organization=org, name="ถนนมิตรภาพ")
    air = station(org)
    rule(org, air.profile)
    for i in range(12, 0, -1):
        report(air, night - dt.timedelta(minutes=5 * i), pm25=20 + i % 5, pm10=40)
    report(air, night - dt.timedelta(seconds=30), pm25=55.5)
    alarm = Alarm.objects.get(organization=org, device=air)
    env_station = station_create(
        actor=SYSTEM, organization=org, kind="air", name="สถานีอากาศ ตลาดสด", device_id=air.pk, is_public=True
    )
    user = lt.town.head.user
    # What the test's own data names in Latin letters (serials, codes, the factories' names, the profiles'
    # telemetry keys, the case's tracking code) and the pole file's column names, which the import page lists.
    data = [air.serial, air.name, air.profile.name, bad.code, good.code, bad.device.serial, bad.device.name]
    data += [k["key"] for k in air.profile.keys + lt.profile.keys]
    data += [f.case.tracking_code for f in bad.faults.all() if f.case] + list(POLE_COLUMNS)
    allowed = LATIN_ALLOWED | latin_words(*data)
    pages = [
        ("/iot/devices/", "#devices"),
        (f"/iot/devices/{air.pk}/", "#latest-values"),
        ("/iot/devices/new", "form"),
        (f"/iot/devices/{air.pk}/edit", "form"),
        ("/iot/profiles/", "main"),
        (f"/iot/profiles/{air.profile_id}/", "main"),
        ("/iot/profiles/new", "form"),
        ("/iot/alarms/", "#alarms"),
        (f"/iot/alarms/{alarm.pk}/", "main"),
        ("/lighting/", "#lighting-map[data-ready='1']"),
        ("/lighting/dashboard", "main"),
        ("/lighting/import", "form"),
        (f"/lighting/poles/{bad.pk}/", "#pole-card"),
        (f"/lighting/schedules/{group.pk}/", "form"),
        ("/lighting/tariffs", "main"),
        ("/env/staff/", "main"),
        ("/env/staff/stations/new", "form"),
        (f"/env/staff/stations/{env_station.pk}/", "form"),
        (f"/env/{org.slug}/", "#env-map[data-ready='1']"),
    ]
    found: dict[str, list[str]] = {}

    def walk(viewport):
        def steps(page) -> None:
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            sign_in(page, live_server.url, user, "/iot/devices/")
            for path, key in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (path, response and response.status)
                page.wait_for_selector(key)
                assert page.locator("h1").count() >= 1, path
                assert page.get_attribute("html", "lang") == "th", path
                width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert width <= 1, f"{path} is {width}px wider than the {viewport['width']}px screen"
                text = page.evaluate(VISIBLE_TEXT)
                if words := english_words(text, allowed, LATIN_PHRASES):
                    found[f"{viewport['width']} {path}"] = [c for w in words for c in in_context(text, w)]
                assert not problems, (path, problems)

        in_chromium(steps, viewport=viewport)

    walk(DESK)
    walk(PHONE)
    assert not found, found
