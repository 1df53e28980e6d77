"""Profile pages: the list and a profile's page (keys, decoder, rules) shown readably; the head adds and edits
profiles in the line notation and adds, edits and deletes alarm rules; refusals name the field."""

import pytest

from muang.core.models import AuditEntry
from muang.iot.models import AlarmRule, DeviceProfile
from muang.iot.tests.factories import gauge_profile

KEYS = "level | m | float | -5 | 30\nbattery | % | int | 0 | 100\n"
LAYOUT = "level | 0 | s16 | big | 0.01\nbattery | 2 | u8\n"


def test_the_profile_pages_show_keys_decoder_and_rules(pages):
    gauge = gauge_profile(pages.org)
    client = pages.client("eng_officer")
    assert client.get("/iot/profiles/").status_code == 200
    air = client.get(f"/iot/profiles/{pages.device.profile_id}/").content.decode()
    assert "<code>pm2_5</code> → pm25" in air and pages.alarm.label in air and "pm25 &gt; 37.5" in air
    html = client.get(f"/iot/profiles/{gauge.pk}/").content.decode()
    assert 'id="byte-layout"' in html and "<td>3–6</td>" in html  # temperature: an f32 from byte 3


def test_the_head_adds_and_edits_a_byte_layout_profile(pages):
    client = pages.client("eng_head")
    body = {
        "name": "มาตรวัดระดับน้ำ",
        "report_interval": 600,
        "keys": KEYS,
        "decoder_kind": "bytes",
        "fields_layout": LAYOUT,
    }
    response = client.post("/iot/profiles/new", body)
    assert response.status_code == 302
    profile = DeviceProfile.objects.get(organization=pages.org, name="มาตรวัดระดับน้ำ")
    assert profile.keys[0] == {"key": "level", "unit": "m", "type": "float", "min": -5, "max": 30}
    assert profile.decoder["fields"][0]["scale"] == 0.01
    edit = client.get(f"/iot/profiles/{profile.pk}/edit").context["form"]
    assert edit.initial["fields_layout"].startswith("level | 0 | s16 | big | 0.01")
    body["report_interval"] = 900
    assert client.post(f"/iot/profiles/{profile.pk}/edit", body).status_code == 302
    profile.refresh_from_db()
    assert profile.report_interval == 900
    assert AuditEntry.objects.filter(object_type="iot.DeviceProfile", object_id=str(profile.pk)).count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"keys": "Bad Key | m"}, "keys"),
        ({"keys": "level | m | text"}, "keys"),
        ({"keys": "level | m | float | 10 | 1"}, "keys"),
        ({"keys": "level | m | float | low"}, "keys"),
        ({"fields_layout": "level | 0 | s64"}, "fields_layout"),
        ({"fields_layout": "nope | 0 | u8"}, "fields_layout"),
        ({"fields_layout": "level"}, "fields_layout"),
        ({"decoder_kind": "json", "json_keys": "lvl = nope"}, "json_keys"),
        ({"decoder_kind": "json", "json_keys": "no equals sign"}, "json_keys"),
        ({"report_interval": 5}, "report_interval"),
        ({"name": "air station"}, "name"),  # taken
    ],
)
def test_bad_profiles_are_refused_on_their_field(pages, change, field):
    body = {
        "name": "ใหม่",
        "report_interval": 600,
        "keys": KEYS,
        "decoder_kind": "bytes",
        "fields_layout": LAYOUT,
        **change,
    }
    before = DeviceProfile.objects.count()
    response = pages.client("eng_head").post("/iot/profiles/new", body)
    assert response.status_code == 422
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert DeviceProfile.objects.count() == before


def test_a_key_read_by_a_rule_cannot_be_removed(pages):
    profile = pages.device.profile
    body = {
        "name": profile.name,
        "report_interval": 300,
        "keys": "pm10 | µg/m³ | float | 0 | 2000\nonline | | bool",
        "decoder_kind": "json",
        "json_keys": "pm10 = pm10\nonline = online",
    }
    response = pages.client("eng_head").post(f"/iot/profiles/{profile.pk}/edit", body)
    assert response.status_code == 422 and "pm25" in str(response.context["form"].errors["keys"])


def test_the_head_adds_edits_and_deletes_an_alarm_rule(pages):
    client = pages.client("eng_head")
    profile_id = pages.device.profile_id
    body = {
        "alarm_type": "pm10_high",
        "label": "ฝุ่น PM10 สูง",
        "severity": "minor",
        "kind": "threshold",
        "key": "pm10",
        "operator": "gte",
        "value": "120",
        "duration_seconds": "3600",
        "is_active": "on",
    }
    assert client.post(f"/iot/profiles/{profile_id}/rules/new", body).status_code == 302
    rule = AlarmRule.objects.get(organization=pages.org, alarm_type="pm10_high")
    assert rule.value == 120 and rule.duration_seconds == 3600
    body.update(value="150", is_active="")
    assert client.post(f"/iot/profiles/{profile_id}/rules/{rule.pk}/edit", body).status_code == 302
    rule.refresh_from_db()
    assert rule.value == 150 and not rule.is_active
    # the same type and severity as another rule of the profile: refused on the severity
    clash = {**body, "alarm_type": "pm25_high", "severity": "major"}
    response = client.post(f"/iot/profiles/{profile_id}/rules/{rule.pk}/edit", clash)
    assert response.status_code == 422 and response.context["form"].errors["severity"]
    # a threshold without a value: refused naming the value
    response = client.post(f"/iot/profiles/{profile_id}/rules/new", {**body, "alarm_type": "x", "value": ""})
    assert response.status_code == 422 and response.context["form"].errors, response.context["form"].errors
    assert client.post(f"/iot/profiles/{profile_id}/rules/{rule.pk}/delete").status_code == 302
    assert not AlarmRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.filter(
        object_type="iot.AlarmRule", object_id=str(rule.pk), action="delete"
    ).exists()
