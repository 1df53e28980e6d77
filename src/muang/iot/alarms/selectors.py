"""Reads of alarms: the organisation's list with filters, one alarm (another organisation's is not found), its
timeline, and what the case page shows about the alarm behind a case."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.iot.models import Alarm, AlarmEvent, AlarmRule, DeviceProfile, LatestValue
from muang.iot.permissions import IotPerm
from muang.iot.profiles import KeySpec


def alarm_rules_of(*, actor: Actor, profile: DeviceProfile) -> QuerySet[AlarmRule]:
    require(actor, profile.organization, IotPerm.IOT_VIEW)
    return (
        AlarmRule.objects.filter(organization_id=profile.organization_id, profile=profile)
        .select_related("case_category", "case_department")
        .order_by("alarm_type", "id")
    )


def alarms_of(
    *,
    actor: Actor,
    organization: Organization,
    status: str | None = None,
    acknowledged: bool | None = None,
    severity: str | None = None,
    alarm_type: str | None = None,
    device_id: int | None = None,
    device_search: str = "",
    started_from: dt.datetime | None = None,
    started_to: dt.datetime | None = None,
) -> QuerySet[Alarm]:
    """Newest first. `status`: active (not cleared) or cleared; started in [started_from, started_to)."""
    require(actor, organization, IotPerm.ALARM_VIEW)
    alarms = Alarm.objects.filter(organization=organization).select_related("device", "case")
    if status == "active":
        alarms = alarms.filter(cleared_at__isnull=True)
    elif status == "cleared":
        alarms = alarms.filter(cleared_at__isnull=False)
    if acknowledged is not None:
        alarms = alarms.filter(acknowledged_at__isnull=not acknowledged)
    if severity:
        alarms = alarms.filter(severity=severity)
    if alarm_type:
        alarms = alarms.filter(alarm_type=alarm_type)
    if device_id is not None:
        alarms = alarms.filter(device_id=device_id)
    if device_search := device_search.strip():
        alarms = alarms.filter(
            Q(device__name__icontains=device_search) | Q(device__serial__icontains=device_search)
        )
    if started_from is not None:
        alarms = alarms.filter(started_at__gte=started_from)
    if started_to is not None:
        alarms = alarms.filter(started_at__lt=started_to)
    return alarms.order_by("-started_at", "-id")


def get_alarm_for(*, actor: Actor, organization: Organization, alarm_id: int) -> Alarm:
    alarm = alarms_of(actor=actor, organization=organization).filter(pk=alarm_id).first()
    if alarm is None:  # another organisation's alarm is simply not found
        raise NotFound(_("No alarm %(id)s.") % {"id": alarm_id})
    return alarm


def alarm_events(*, actor: Actor, alarm: Alarm) -> QuerySet[AlarmEvent]:
    require(actor, alarm.organization, IotPerm.ALARM_VIEW)
    return (
        AlarmEvent.objects.filter(organization_id=alarm.organization_id, alarm=alarm)
        .select_related("user")
        .order_by("at", "id")
    )


def alarm_of_case(*, organization_id: int, case_id: int) -> Alarm | None:
    """The newest alarm that opened (or holds) this case, with its device and profile."""
    return (
        Alarm.objects.filter(organization_id=organization_id, case_id=case_id)
        .select_related("device__profile")
        .order_by("-started_at", "-id")
        .first()
    )


def alarm_types_of(*, actor: Actor, organization: Organization) -> list[tuple[str, str]]:
    """(alarm type, a label) of the types its alarms and rules use, for a filter."""
    require(actor, organization, IotPerm.ALARM_VIEW)
    types = dict(
        AlarmRule.objects.filter(organization=organization).order_by("id").values_list("alarm_type", "label")
    )
    for alarm_type in (
        Alarm.objects.filter(organization=organization).values_list("alarm_type", flat=True).distinct()
    ):
        types.setdefault(alarm_type, alarm_type)
    return sorted(types.items())


def latest_of_device(alarm: Alarm) -> list[dict]:
    """The device's latest values with their units, for display."""
    specs = alarm.device.profile.parsed.keys
    rows = []
    for v in LatestValue.objects.filter(
        organization_id=alarm.organization_id, device_id=alarm.device_id
    ).order_by("key"):
        spec = KeySpec.of(specs, v.key)
        rows.append(
            {
                "key": v.key,
                "name": spec.name,
                "value": v.value,
                "unit": spec.unit,
                "yes_no": spec.type == "bool",
                "time": v.time,
            }
        )
    return rows
