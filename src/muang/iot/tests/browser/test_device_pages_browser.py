"""A field engineer on a phone: the menu's device list, a device's page with its chart drawn (a canvas with data),
then an alarm acknowledged and cleared from the alarm list. Real headless Chromium, Thai, phone-sized."""

import datetime as dt

import pytest
from django.utils import timezone

from muang.conftest import load_area_slice
from muang.core.models import Duty, Role
from muang.core.tests.factories import PASSWORD, OrganizationFactory, member
from muang.iot.models import Alarm
from muang.iot.tests.alarm_helpers import report, rule, station
from muang.testing.browser import click_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_engineer_reads_a_device_chart_and_works_an_alarm(live_server, in_chromium, settings):
    settings.LANGUAGE_CODE = "th"
    # The staff's password is hashed with the production hasher (the iot tests' fast one is for devices).
    settings.PASSWORD_HASHERS = [
        *settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    load_area_slice()
    org = OrganizationFactory()
    d = station(org)
    rule(org, d.profile)
    now = timezone.now().replace(microsecond=0)
    for i in range(36, 0, -1):  # three hours of readings, the last one over the threshold
        report(d, now - dt.timedelta(minutes=5 * i), pm25=20 + i % 7, pm10=40)
    report(d, now - dt.timedelta(minutes=1), pm25=55.5)
    alarm = Alarm.objects.get(organization=org, device=d)
    user = member(org, Role.OFFICER, duties=[Duty.ENGINEERING])
    in_chromium(lambda page: _walk(page, live_server.url, user, d, alarm))

    alarm.refresh_from_db()
    assert alarm.status == "cleared_ack" and alarm.clear_reason == "เปลี่ยนเซ็นเซอร์แล้ว"


def _walk(page, url: str, user, device, alarm) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")

    click_menu(page, "/iot/devices/")  # the menu entry
    page.wait_for_selector(f'#devices li[data-serial="{device.serial}"]')
    assert page.locator('#state-counts a[data-state="active"] .stat').inner_text() == "1"
    page.click(f'#devices a[href="/iot/devices/{device.pk}/"]')
    page.wait_for_selector("#latest-values")
    assert "55.5 µg/m³" in page.locator('#latest-values tr[data-key="pm25"]').inner_text()
    assert (
        "2569" in page.locator("#last-seen").inner_text() or "2570" in page.locator("#last-seen").inner_text()
    )
    chart = page.locator('.iot-chart[data-key="pm25"] .iot-chart-area')
    chart.locator("canvas").wait_for()
    page.wait_for_selector('.iot-chart[data-key="pm25"] .iot-chart-area[data-ready="1"]')
    assert int(chart.get_attribute("data-points")) >= 30  # 5-minute buckets of the last 24 hours
    box = chart.locator("canvas").bounding_box()
    assert 0 < box["width"] <= 390  # drawn within a phone's width
    page.click('.iot-chart[data-key="pm25"] button[data-period="7d"]')
    page.wait_for_selector('.iot-chart[data-key="pm25"] button[data-period="7d"][aria-pressed="true"]')
    page.wait_for_selector('.iot-chart[data-key="pm25"] .iot-chart-area[data-ready="1"] canvas')
    page.wait_for_selector("#map.leaflet-container")  # its place on the map

    click_menu(page, "/iot/alarms/")
    row = page.locator(f'#alarms li[data-alarm="{alarm.pk}"]')
    row.wait_for()
    row.locator('button[data-action="acknowledge"]').click()
    page.wait_for_selector(f'#alarms li[data-alarm="{alarm.pk}"] [data-acknowledged]')
    row = page.locator(f'#alarms li[data-alarm="{alarm.pk}"]')
    row.locator('input[name="reason"]').fill("เปลี่ยนเซ็นเซอร์แล้ว")
    row.locator('button[data-action="clear"]').click()
    page.wait_for_selector(f'#alarms li[data-alarm="{alarm.pk}"].cleared')
    assert page.locator(".messages li").count() >= 1
