"""The one ingest path: decode by profile, validate, refuse and count, dedup, COPY, latest values, last seen."""

import base64
import datetime as dt
import json
import struct

import pytest
from django.db import connection

from muang.core.errors import InvalidInput, NotAuthenticated
from muang.core.tests.factories import OrganizationFactory
from muang.iot.models import Device, DeviceAttribute, IotSettings, LatestValue, SeenMessage, Telemetry
from muang.iot.services.ingest import Message, PayloadTooLarge, ingest, ingest_batch
from muang.iot.services.partitions import partition_name
from muang.iot.tests.factories import air_profile, device, gauge_profile

pytestmark = pytest.mark.usefixtures("areas")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def air(org):
    d, credential = device(org, air_profile(org))
    d.credential = credential
    return d


def readings(d):
    return list(
        Telemetry.objects.filter(organization_id=d.organization_id, device_id=d.pk)
        .order_by("time", "key")
        .values_list("key", "time", "value")
    )


def test_a_reading_is_decoded_through_the_json_keys_and_stored_with_latest_values_and_last_seen(org, air):
    ts = NOW - dt.timedelta(minutes=1)
    outcome = ingest(
        organization=org,
        device=air,
        payload=json.dumps(
            {"ts": ts.isoformat(), "id": "m1", "values": {"pm2_5": 31.5, "online": True}}
        ).encode(),
        channel="mqtt",
        received_at=NOW,
        now=NOW,
    )
    assert (outcome.status, outcome.rows) == ("stored", 2)
    assert readings(air) == [("online", ts, 1.0), ("pm25", ts, 31.5)]
    assert dict(LatestValue.objects.filter(organization=org, device=air).values_list("key", "value")) == {
        "pm25": 31.5,
        "online": 1.0,
    }
    air.refresh_from_db()
    assert air.last_seen == NOW and air.error_count == 0
    with connection.cursor() as cursor:  # the row went into the month's partition, made on demand
        cursor.execute("SELECT count(*) FROM " + partition_name(ts.date()))  # noqa: S608
        assert cursor.fetchone()[0] == 2


def test_a_repeated_delivery_is_stored_once_by_id_and_by_device_key_and_time(org, air):
    body = {"id": "m1", "values": {"pm2_5": 10}}
    first = ingest(organization=org, device=air, payload=body, channel="http", received_at=NOW, now=NOW)
    again = ingest(
        organization=org, device=air, payload=body, channel="http", received_at=NOW + dt.timedelta(seconds=5)
    )
    assert (first.status, again.status) == ("stored", "duplicate")
    stamped = {"ts": (NOW - dt.timedelta(minutes=2)).isoformat(), "values": {"pm2_5": 11}}
    ingest(organization=org, device=air, payload=stamped, channel="http", received_at=NOW, now=NOW)
    ingest(organization=org, device=air, payload=stamped, channel="http", received_at=NOW, now=NOW)
    assert len(readings(air)) == 2
    # within one batch, the same message id twice: stored once
    outcomes = ingest_batch(
        organization=org,
        messages=[Message(air, {"id": "m9", "values": {"pm10": 5}}, NOW, channel="mqtt")] * 2,
        now=NOW,
    )
    assert [o.status for o in outcomes] == ["stored", "duplicate"]
    assert len(readings(air)) == 3


def test_the_latest_value_only_moves_forward(org, air):
    new, old = NOW - dt.timedelta(minutes=1), NOW - dt.timedelta(minutes=30)
    for ts, value in [(new, 20), (old, 99)]:
        ingest(organization=org, device=air, payload={"ts": ts.isoformat(), "values": {"pm2_5": value}},
               channel="http", received_at=NOW, now=NOW)  # fmt: skip
    latest = LatestValue.objects.get(organization=org, device=air, key="pm25")
    assert (latest.time, latest.value) == (new, 20)


def test_each_latest_value_moves_forward_on_its_own_time(org, air):
    """One row a device holds every key's value and time: a late reading of one key leaves the others alone,
    and within one batch each key takes its own newest reading (keys of different times in one batch)."""
    t1, t2, t3 = (NOW - dt.timedelta(minutes=m) for m in (30, 20, 10))

    def send(*bodies):
        messages = [
            Message(air, {"ts": ts.isoformat(), "values": v}, NOW, channel="mqtt") for ts, v in bodies
        ]
        return [o.status for o in ingest_batch(organization=org, messages=messages, now=NOW)]

    def latest():
        return {
            k: (t, v)
            for k, t, v in LatestValue.objects.filter(organization=org, device=air).values_list(
                "key", "time", "value"
            )
        }

    assert send((t2, {"pm2_5": 20, "pm10": 40})) == ["stored"]
    assert send((t3, {"pm10": 41}), (t1, {"pm2_5": 10, "online": True})) == ["stored", "stored"]
    assert latest() == {"pm25": (t2, 20.0), "pm10": (t3, 41.0), "online": (t1, 1.0)}
    assert send((t1, {"pm2_5": 11, "pm10": 39})) == ["stored"]  # older than both: nothing moves
    assert latest() == {"pm25": (t2, 20.0), "pm10": (t3, 41.0), "online": (t1, 1.0)}
    assert send((t3, {"pm2_5": 30})) == ["stored"]
    assert latest()["pm25"] == (t3, 30.0)


def test_a_stamped_message_is_deduplicated_by_its_telemetry_key_without_an_id_row(org, air):
    """A message with its own `ts` needs no message-id row: a repeated delivery finds its (device, key, time)
    stored, in another batch or in the same one; another message of the same time with other keys is stored."""
    stamp = (NOW - dt.timedelta(minutes=3)).isoformat()
    body = {"ts": stamp, "id": "s1", "values": {"pm2_5": 12}}
    assert ingest(
        organization=org, device=air, payload=body, channel="mqtt", received_at=NOW, now=NOW
    ).status == ("stored")
    assert not SeenMessage.objects.filter(organization_id=org.pk).exists()
    later = NOW + dt.timedelta(seconds=30)
    outcomes = ingest_batch(
        organization=org,
        messages=[
            Message(air, body, later, channel="mqtt"),
            Message(air, {"ts": stamp, "id": "s2", "values": {"pm10": 7}}, later, channel="mqtt"),
            Message(air, {"ts": stamp, "id": "s2", "values": {"pm10": 7}}, later, channel="mqtt"),
        ],
        now=later,
    )
    assert [o.status for o in outcomes] == ["duplicate", "stored", "duplicate"]
    assert [(k, v) for k, _t, v in readings(air)] == [("pm10", 7.0), ("pm25", 12.0)]
    air.refresh_from_db()
    assert air.last_seen == later  # the stored message of that batch


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"values": {"pm2_5": 1001}}, "pm25"),
        ({"values": {"co2": 400}}, "co2"),
        ({"values": {}}, "values"),
        ({"values": {"pm2_5": 1}, "extra": 1}, "extra"),
        ({"ts": "2026-03-02T09:00:00", "values": {"pm2_5": 1}}, "ts"),
        ({"ts": "2026-03-02T10:00:00Z", "values": {"pm2_5": 1}}, "ts"),  # an hour in the future
        ({"ts": "2024-01-01T00:00:00Z", "values": {"pm2_5": 1}}, "ts"),  # older than the retention
        (b"{not json", "payload"),
        ({"data": "AAAA"}, "data"),  # a JSON profile is not sent frames
    ],
)
def test_a_bad_message_is_refused_naming_the_field_counted_and_nothing_stored(org, air, payload, field):
    with pytest.raises(InvalidInput) as e:
        ingest(organization=org, device=air, payload=payload, channel="http", received_at=NOW, now=NOW)
    assert field in e.value.field_errors
    assert readings(air) == []
    assert not LatestValue.objects.exists()
    air.refresh_from_db()
    assert air.error_count == 1 and air.last_seen is None


def test_the_retention_is_the_organisations_own(org, air):
    IotSettings.objects.create(organization=org, retention_days=30)
    ts = (NOW - dt.timedelta(days=31)).isoformat()
    with pytest.raises(InvalidInput, match="older"):
        ingest(organization=org, device=air, payload={"ts": ts, "values": {"pm2_5": 1}}, channel="http",
               received_at=NOW, now=NOW)  # fmt: skip


def test_a_batch_stores_the_good_and_counts_the_bad(org, air):
    outcomes = ingest_batch(
        organization=org,
        messages=[
            Message(air, b'{"values": {"pm2_5": 1}}', NOW, "a"),
            Message(air, b'{"values": {"pm2_5": -1}}', NOW, "b"),
            Message(air, b'{"values": {"pm10": 3}}', NOW, "c"),
        ],
        now=NOW,
    )
    assert [o.status for o in outcomes] == ["stored", "refused", "stored"]
    assert "pm25" in outcomes[1].error.field_errors
    air.refresh_from_db()
    assert air.error_count == 1 and len(readings(air)) == 2


def test_a_lorawan_frame_is_decoded_by_the_byte_layout_and_attributes_are_kept_apart(org):
    gauge, _credential = device(org, gauge_profile(org), serial="RG-1", dev_eui="70b3d57ed0000001")
    assert gauge.dev_eui == "70B3D57ED0000001"
    frame = struct.pack(">hB", 250, 90) + struct.pack("<f", 28.0)
    ingest(organization=org, device=gauge, payload=frame, channel="lorawan", message_id="fcnt:7",
           received_at=NOW, now=NOW)  # fmt: skip
    assert readings(gauge) == [("battery", NOW, 90.0), ("level", NOW, 2.5), ("temperature", NOW, 28.0)]
    again = ingest(organization=org, device=gauge, payload=frame, channel="lorawan", message_id="fcnt:7",
                   received_at=NOW + dt.timedelta(seconds=1), now=NOW)  # fmt: skip
    assert again.status == "duplicate"
    body = {"data": base64.b64encode(frame).decode(), "id": 8, "attributes": {"firmware": "1.4.2"}}
    ingest(organization=org, device=gauge, payload=body, channel="http", received_at=NOW + dt.timedelta(minutes=5),
           now=NOW + dt.timedelta(minutes=5))  # fmt: skip
    assert DeviceAttribute.objects.get(organization=org, device=gauge, key="firmware").value == "1.4.2"
    assert len(readings(gauge)) == 6
    with pytest.raises(InvalidInput) as e:
        ingest(organization=org, device=gauge, payload=frame[:3], channel="lorawan", received_at=NOW, now=NOW)
    assert "temperature" in e.value.field_errors


def test_a_device_credential_is_checked_and_a_wrong_one_is_counted(org, air, settings):
    good = {"values": {"pm2_5": 3}}
    assert (
        ingest(payload=good, channel="http", serial=air.serial, credential=air.credential).status == "stored"
    )
    for serial, credential in [
        (air.serial, air.credential + "x"),
        ("AQ-OTHER", air.credential),
        (air.serial, "mdev_ffffffffffff_nope"),
        (air.serial, "garbage"),
    ]:
        with pytest.raises(NotAuthenticated):
            ingest(payload=good, channel="http", serial=serial, credential=credential)
    air.refresh_from_db()
    assert air.error_count == 2  # the two that named this device
    assert len(readings(air)) == 1
    settings.MUANG_IOT_MAX_PAYLOAD = 64
    with pytest.raises(PayloadTooLarge):
        ingest(payload=b"{" + b" " * 100 + b"}", channel="http", serial=air.serial, credential=air.credential)


def test_another_organisations_device_is_not_ingested_in_its_name(org, air):
    other = OrganizationFactory()
    with pytest.raises(NotAuthenticated):
        ingest(organization=other, device=air, payload={"values": {"pm2_5": 1}}, channel="mqtt", now=NOW)
    Device.objects.filter(pk=air.pk).update(state=Device.State.RETIRED)
    air.refresh_from_db()
    with pytest.raises(Exception, match="retired"):
        ingest(payload={"values": {"pm2_5": 1}}, channel="http", serial=air.serial, credential=air.credential)


def test_a_new_device_is_audited_without_its_credential(org, air):
    from muang.core.models import AuditEntry

    entry = AuditEntry.objects.get(organization=org, object_type="iot.Device", object_id=str(air.pk))
    text = str(entry.changes)
    assert "AQ-001" in text
    assert "credential_hash" not in text and "mqtt_hash" not in text and air.credential not in text
    assert air.credential_hash not in text and air.mqtt_hash not in text


heard: list = []


def listening(*, organization, readings, now):
    heard.append((organization.pk, [(r.device.pk, r.time, r.values) for r in readings], now))


def failing(*, organization, readings, now):
    raise RuntimeError("a listener's own bug")


def test_the_apps_telemetry_listeners_hear_each_stored_batch_after_it_committed_and_a_failing_one_loses_nothing(
    org, air, monkeypatch, caplog
):
    from muang.core import registry

    collected = registry.collected
    here = __name__
    monkeypatch.setattr(
        registry,
        "collected",
        lambda name: (
            (f"{here}.failing", f"{here}.listening") if name == "telemetry_listeners" else collected(name)
        ),
    )
    heard.clear()
    ts = NOW - dt.timedelta(minutes=1)
    payload = json.dumps({"ts": ts.isoformat(), "id": "m1", "values": {"pm2_5": 12.0}}).encode()
    ingest(organization=org, device=air, payload=payload, channel="mqtt", received_at=NOW, now=NOW)
    ingest(
        organization=org, device=air, payload=payload, channel="mqtt", received_at=NOW, now=NOW
    )  # repeated

    assert heard == [(org.pk, [(air.pk, ts, {"pm25": 12.0})], NOW)]  # once: the repeat stored nothing
    assert readings(air) == [("pm25", ts, 12.0)]
    assert "failing" in caplog.text
