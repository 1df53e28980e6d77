"""The device pages: the list (filters, counts per state), a device's page, its chart data, and the engineering
head's forms: add (the credential shown once), edit, retire, a new credential; bad input names the field."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import check_password

from muang.core.models import AuditEntry
from muang.iot.models import Device
from muang.iot.tests.alarm_helpers import NOW, report
from muang.iot.tests.factories import device as make_device


def test_the_list_counts_states_and_filters(pages):
    Device.objects.filter(pk=make_device(pages.org, pages.device.profile, serial="AQ-OLD")[0].pk).update(
        state=Device.State.RETIRED, name="สถานีเก่า"
    )
    client = pages.client("eng_officer")
    response = client.get("/iot/devices/")
    assert response.status_code == 200
    counts = {state: n for state, _label, n in response.context["counts"]}
    assert counts == {"active": 1, "silent": 0, "retired": 1}
    assert [d.serial for d in client.get("/iot/devices/?state=retired").context["page"].object_list] == [
        "AQ-OLD"
    ]
    assert [d.serial for d in client.get("/iot/devices/?q=001").context["page"].object_list] == ["AQ-001"]
    assert [d.serial for d in client.get("/iot/devices/?q=เก่า").context["page"].object_list] == ["AQ-OLD"]
    bad = client.get("/iot/devices/?state=exploded&profile=abc")
    assert bad.status_code == 200 and bad.context["form"].errors  # a bad filter is said, not a 500


def test_the_device_page_shows_facts_values_attributes_alarms_and_map(pages, django_assert_max_num_queries):
    client = pages.client("eng_officer")
    with django_assert_max_num_queries(20):
        response = client.get(f"/iot/devices/{pages.device.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "52.5 µg/m³" in html  # the latest value with its unit
    assert "2.1.0" in html  # the firmware attribute
    assert pages.alarm.label in html  # its open alarm
    assert "2569" in html  # last seen in the Buddhist Era
    assert 'id="map"' in html and "vendor/uplot/uPlot.iife.min.js" in html
    assert 'data-key="pm25"' in html and 'data-key="pm10"' in html
    assert 'id="device-retire"' not in html  # the officer does not manage devices


@pytest.mark.usefixtures("frozen")
def test_the_chart_data_is_bucketed_per_period(pages):
    report(pages.device, NOW - dt.timedelta(hours=30), pm25=10)
    report(pages.device, NOW - dt.timedelta(days=6), pm25=20)
    client = pages.client("eng_officer")
    url = f"/iot/devices/{pages.device.pk}/chart.json"
    day = client.get(url, {"key": "pm25", "period": "24h"}).json()
    assert day["bucket"] == "5m" and day["unit"] == "µg/m³" and day["avg"] == [52.5]
    week = client.get(url, {"key": "pm25", "period": "7d"}).json()
    assert week["bucket"] == "15m" and week["avg"] == [20.0, 10.0, 52.5]
    assert week["x"] == sorted(week["x"])
    assert client.get(url, {"key": "pm25", "period": "30d"}).json()["bucket"] == "1h"
    unknown = client.get(url, {"key": "nope", "period": "24h"})
    assert unknown.status_code == 400 and "key" in unknown.json()["errors"]
    assert client.get(url, {"key": "pm25", "period": "1y"}).status_code == 400


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW + dt.timedelta(minutes=1))


def test_the_head_adds_a_device_and_sees_its_credential_once(pages):
    client = pages.client("eng_head")
    data = {
        "name": "สถานีวัดฝุ่น หน้าโรงเรียน",
        "serial": "AQ-002",
        "profile": pages.device.profile_id,
        "dev_eui": "a84041000181c1d3",
        "lat": pages.device.location.y,
        "lon": pages.device.location.x,
        "installed_on": "2026-11-30",
        "asset_ref": "POLE-7",
    }
    response = client.post("/iot/devices/new", data)
    assert response.status_code == 200
    credential = response.context["credential"]
    device = Device.objects.get(organization=pages.org, serial="AQ-002")
    assert device.dev_eui == "A84041000181C1D3" and device.asset_ref == "POLE-7"
    assert check_password(credential, device.credential_hash)
    assert credential in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    page = client.get(f"/iot/devices/{device.pk}/").content.decode()
    assert credential not in page  # never shown again
    entry = AuditEntry.objects.filter(object_type="iot.Device", object_id=str(device.pk)).get()
    assert "credential_hash" not in entry.changes and credential not in str(entry.changes)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"serial": "bad serial/with slash"}, "serial"),
        ({"serial": "AQ-001"}, "serial"),  # taken
        ({"dev_eui": "XYZ"}, "dev_eui"),
        ({"lat": "16.4"}, None),  # latitude without longitude
        ({"lat": "95", "lon": "102"}, "lat"),
        ({"lat": "1.3", "lon": "103.8"}, "lat"),  # Singapore: outside Thailand
        ({"profile": "999999"}, "profile"),
        ({"name": ""}, "name"),
        ({"installed_on": "2026-13-45"}, "installed_on"),
    ],
)
def test_bad_input_is_refused_on_its_field(pages, data, field):
    before = Device.objects.count()
    body = {"name": "ใหม่", "serial": "AQ-003", "profile": pages.device.profile_id, **data}
    response = pages.client("eng_head").post("/iot/devices/new", body)
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors.get(field or "__all__"), form.errors
    assert 'role="alert"' in response.content.decode()
    assert Device.objects.count() == before


def test_the_head_edits_retires_and_rekeys_a_device(pages):
    client = pages.client("eng_head")
    d = pages.device
    base = {"name": "สถานีตลาด", "serial": "AQ-001", "profile": d.profile_id, "lat": "", "lon": ""}
    assert client.post(f"/iot/devices/{d.pk}/edit", base).status_code == 302
    d.refresh_from_db()
    assert d.name == "สถานีตลาด" and d.location is None
    page = client.get(f"/iot/devices/{d.pk}/")
    assert page.status_code == 200 and 'id="map"' not in page.content.decode()  # no place, no map
    old_hash = d.credential_hash
    rotated = client.post(f"/iot/devices/{d.pk}/credential")
    assert rotated.status_code == 200 and rotated.context["rotated"]
    d.refresh_from_db()
    assert d.credential_hash != old_hash and check_password(rotated.context["credential"], d.credential_hash)
    assert client.post(f"/iot/devices/{d.pk}/retire").status_code == 302
    d.refresh_from_db()
    assert d.state == Device.State.RETIRED
    # A retired device is no longer changed; the page says so instead of failing.
    retired_hash = d.credential_hash
    assert client.post(f"/iot/devices/{d.pk}/credential").status_code == 302
    d.refresh_from_db()
    assert d.credential_hash == retired_hash
    assert client.post(f"/iot/devices/{d.pk}/edit", base).status_code == 422
