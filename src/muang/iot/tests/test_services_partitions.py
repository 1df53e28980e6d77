"""The worker keeps the next months' partitions and drops a month once every organisation's retention allows."""

import datetime as dt

import pytest
from django.db import connection

from muang.core.tests.factories import OrganizationFactory
from muang.iot.models import IotSettings, SeenMessage
from muang.iot.services.ingest import ingest
from muang.iot.services.partitions import existing_partitions, telemetry_partitions_maintain
from muang.iot.tests.factories import air_profile, device

pytestmark = pytest.mark.usefixtures("areas")
NOW = dt.datetime(2026, 3, 15, tzinfo=dt.UTC)


def _bare_table() -> None:
    """Start from a telemetry table without partitions: a transactional test earlier in this worker may have
    committed a month's partition (its flush empties model tables, not partitions). Dropped in this test's
    transaction, so they are back afterwards."""
    with connection.cursor() as cursor:
        for name in existing_partitions():
            cursor.execute(f'DROP TABLE "{name}"')


def test_partitions_are_created_ahead_and_expired_months_dropped_when_every_retention_allows(settings):
    _bare_table()
    settings.MUANG_IOT_RETENTION_DAYS = 60
    first = telemetry_partitions_maintain(now=NOW)
    assert first["created"] == [
        "iot_telemetry_y2026m03",
        "iot_telemetry_y2026m04",
        "iot_telemetry_y2026m05",
        "iot_telemetry_y2026m06",
    ]
    assert telemetry_partitions_maintain(now=NOW)["created"] == []  # safe to repeat
    a, b = OrganizationFactory(), OrganizationFactory()
    IotSettings.objects.create(organization=a, retention_days=30)
    IotSettings.objects.create(organization=b, retention_days=120)
    # 2026-07-15: March ended 106 days ago, within b's 120 days: kept although a and the default allow it
    later = dt.datetime(2026, 7, 15, tzinfo=dt.UTC)
    result = telemetry_partitions_maintain(now=later)
    assert result["dropped"] == []
    assert "iot_telemetry_y2026m10" in result["created"]
    IotSettings.objects.filter(organization=b).update(retention_days=100)
    result = telemetry_partitions_maintain(now=later)
    assert result["dropped"] == ["iot_telemetry_y2026m03"]
    assert "iot_telemetry_y2026m03" not in existing_partitions()
    assert "iot_telemetry_y2026m04" in existing_partitions()


def test_remembered_message_ids_are_forgotten_after_the_dedup_window(settings):
    org = OrganizationFactory()
    air, _ = device(org, air_profile(org))
    ingest(organization=org, device=air, payload={"id": "x", "values": {"pm10": 1}}, channel="mqtt",
           received_at=NOW, now=NOW)  # fmt: skip
    assert telemetry_partitions_maintain(now=NOW + dt.timedelta(days=6))["forgotten"] == 0
    assert telemetry_partitions_maintain(now=NOW + dt.timedelta(days=8))["forgotten"] == 1
    assert not SeenMessage.objects.exists()


def test_the_retention_is_set_by_the_system_administrator_audited_and_bounded():
    from muang.core.access import Actor
    from muang.core.errors import AccessDenied, InvalidInput
    from muang.core.models import AuditEntry, Role
    from muang.core.tests.factories import member
    from muang.iot.services.devices import iot_settings_update

    org = OrganizationFactory()
    admin = Actor(user=member(org, Role.SYSTEM_ADMIN))
    head = Actor(user=member(org, Role.DEPARTMENT_HEAD, duties=["engineering"]))
    with pytest.raises(AccessDenied):
        iot_settings_update(actor=head, organization=org, retention_days=90)
    with pytest.raises(InvalidInput) as e:
        iot_settings_update(actor=admin, organization=org, retention_days=7)
    assert "retention_days" in e.value.field_errors
    assert iot_settings_update(actor=admin, organization=org, retention_days=90).retention_days == 90
    entry = AuditEntry.objects.get(organization=org, object_type="iot.IotSettings")
    assert entry.changes["retention_days"] == [400, 90]
