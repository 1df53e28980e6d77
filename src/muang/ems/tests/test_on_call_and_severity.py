"""The on-call list edited from its staff page (add, refuse a landline / a bad number / the same number twice,
reorder, remove), and the severities of the care centre's board: critical, warning and information alerts each
with their own colour AND word, the board ordered by severity, then age."""

import datetime as dt

import pytest
from django.test import Client

from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import member
from muang.ems.models import SEVERITY_OF_KIND, AlertKind, OnCall, Severity
from muang.ems.services.alerts import alert_raise
from muang.ems.tests.conftest import NOW, make_band

pytestmark = pytest.mark.django_db


def carer_client(org, *duties):
    client = Client()
    client.force_login(member(org, Role.OFFICER, duties=list(duties or [Duty.CARE])))
    return client


def names(org) -> list[str]:
    return list(OnCall.objects.filter(organization=org).order_by("position").values_list("name", flat=True))


def test_the_on_call_list_is_added_to_reordered_and_shortened(org, settings):
    settings.LANGUAGE_CODE = "th"
    client = carer_client(org)
    for name, phone in (("สมชาย", "081-234-5678"), ("วิไล", "+66 89 111 2222"), ("มานพ", "0623334444")):
        assert client.post("/ems/care/on-call/", {"name": name, "phone": phone}).status_code == 302
    assert names(org) == ["สมชาย", "วิไล", "มานพ"]
    assert list(OnCall.objects.order_by("position").values_list("phone", flat=True)) == [
        "0812345678",
        "0891112222",
        "0623334444",
    ]  # the local 10-digit form the SMS adapter takes
    mano = OnCall.objects.get(name="มานพ")
    assert client.post(f"/ems/care/on-call/{mano.pk}/move/", {"direction": "up"}).status_code == 302
    assert names(org) == ["สมชาย", "มานพ", "วิไล"]
    client.post(f"/ems/care/on-call/{mano.pk}/move/", {"direction": "up"})
    client.post(f"/ems/care/on-call/{mano.pk}/move/", {"direction": "up"})  # already first: nothing moves
    assert names(org) == ["มานพ", "สมชาย", "วิไล"]
    somchai = OnCall.objects.get(name="สมชาย")
    client.post(f"/ems/care/on-call/{somchai.pk}/move/", {"direction": "down"})
    assert names(org) == ["มานพ", "วิไล", "สมชาย"]
    assert client.post(f"/ems/care/on-call/{mano.pk}/remove/").status_code == 302
    assert names(org) == ["วิไล", "สมชาย"]
    assert list(OnCall.objects.order_by("position").values_list("position", flat=True)) == [1, 2]
    assert client.post(f"/ems/care/on-call/{mano.pk}/remove/").status_code == 404
    assert AuditEntry.objects.filter(object_type="ems.OnCall", action=AuditEntry.Action.DELETE).count() == 1
    page = client.get("/ems/care/on-call/").content.decode()
    assert 'href="tel:0891112222"' in page and "เลื่อนขึ้น" in page


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"name": "สมชาย", "phone": "043-312345"}, "phone", "มือถือ"),  # a landline cannot get an SMS
        ({"name": "สมชาย", "phone": "โทรหาฉัน"}, "phone", "9 ถึง 20"),
        ({"name": "สมชาย", "phone": "0812345678"}, "phone", "อยู่ในรายชื่อแล้ว"),
        ({"name": "สมชาย", "phone": "0899999999", "line_user_id": "somchai"}, "line_user_id", "LINE"),
        ({"name": "", "phone": "0899999999"}, "name", ""),
    ],
    ids=["landline", "not-a-number", "same-number", "bad-line-id", "no-name"],
)
def test_bad_on_call_entries_are_refused_on_the_field(org, settings, data, field, words):
    settings.LANGUAGE_CODE = "th"
    client = carer_client(org)
    client.post("/ems/care/on-call/", {"name": "วิไล", "phone": "0812345678"})
    r = client.post("/ems/care/on-call/", data)
    assert r.status_code == 422
    assert words in " ".join(r.context["form"].errors[field]), r.context["form"].errors
    assert names(org) == ["วิไล"]


def test_only_the_care_duty_edits_the_on_call_list(org):
    client = carer_client(org, Duty.EMERGENCY_MEDICAL)
    assert client.get("/ems/care/on-call/").status_code == 403
    assert client.post("/ems/care/on-call/", {"name": "x", "phone": "0812345678"}).status_code == 403
    assert not OnCall.objects.exists()


def test_severities_cover_every_kind_and_order_the_board(org, settings):
    settings.LANGUAGE_CODE = "th"
    assert set(SEVERITY_OF_KIND) == set(AlertKind.values)
    assert {k for k, s in SEVERITY_OF_KIND.items() if s == Severity.CRITICAL} == {"sos", "fall", "heart_rate"}
    assert {k for k, s in SEVERITY_OF_KIND.items() if s == Severity.WARNING} == {"geofence", "no_movement"}
    assert {k for k, s in SEVERITY_OF_KIND.items() if s == Severity.INFO} == {"low_battery", "removed"}
    raised = [
        (AlertKind.LOW_BATTERY, 0),  # the oldest, but only information
        (AlertKind.GEOFENCE, 1),
        (AlertKind.REMOVED, 2),
        (AlertKind.FALL, 5),  # the newest, but critical
        (AlertKind.SOS, 4),
    ]
    ids = {}
    for n, (kind, minutes) in enumerate(raised, start=1):
        band = make_band(org, n=n, serial=f"IMEI{n:04d}")
        at = NOW + dt.timedelta(minutes=minutes)
        ids[kind] = alert_raise(wristband=band, kind=kind, at=at, now=at).pk
    client = carer_client(org, Duty.CARE)
    html = client.get("/ems/care/alerts/").content.decode()
    order = sorted(ids, key=lambda k: html.index(f'data-id="{ids[k]}"'))
    assert order == [
        AlertKind.SOS,
        AlertKind.FALL,
        AlertKind.GEOFENCE,
        AlertKind.LOW_BATTERY,
        AlertKind.REMOVED,
    ]
    # each with its class (its colour) and its word: never colour alone
    for kind, word in (
        (AlertKind.FALL, "วิกฤต"),
        (AlertKind.GEOFENCE, "เฝ้าระวัง"),
        (AlertKind.LOW_BATTERY, "แจ้งทราบ"),
    ):
        severity = SEVERITY_OF_KIND[kind]
        item = html[html.index(f'data-id="{ids[kind]}"') - 120 :][:400]
        assert f"severity-{severity}" in item and word in item, item
    css = (settings.BASE_DIR / "ems" / "static" / "ems" / "ems.css").read_text()
    colours = {s: css.split(f".severity-tag.severity-{s} {{")[1].split("}")[0] for s in Severity.values}
    assert len(set(colours.values())) == 3  # three distinct colours
