"""Alarms: rules declared by the engineering head, raised and cleared by what devices report (or fail to), worked
by staff (acknowledge, clear), and turned into repair cases through the cases services.

    alarm_rule_create(...)        a rule of a profile, validated as data
    alarms_evaluate(...)          after an ingest batch committed: raise, upgrade, clear; open / reopen cases
    alarms_evaluate_silence(...)  the silence task: devices with no report for N intervals
    alarm_acknowledge(...), alarm_clear(...)   staff, audited

One open alarm per (device, type): the partial unique index `iot_alarm_one_open`; a rule firing again finds the
open alarm under `select_for_update` (and a concurrent first raise loses the insert and locks the winner's row).

**The linked case.** A rule with a case category opens a case (channel "device", the rule's department, the
device's point) when its alarm is raised. Staff resolving the case do not clear the alarm: only the device does,
by reporting normal again. If the device still reports the fault after the case was resolved (its next reading,
or the silence task for a silent device), the evaluation reopens the case with a Thai note. The check lives here,
on the evidence (the next reading), rather than in a hook inside `case_change_status`: cases never learns that
devices exist, staff's resolve is never rolled into an iot transaction, and the device's word decides.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muang.cases.models import Channel, SystemStatus
from muang.cases.services import case_add_note, case_create, case_reopen
from muang.core import audit
from muang.core.access import SYSTEM, Actor, require
from muang.core.bulk import among
from muang.core.errors import Conflict, InvalidInput, MuangError
from muang.core.models import AuditEntry, Organization
from muang.core.templatetags.thai import format_thai_date
from muang.iot.alarms.rules import describe, holds
from muang.iot.models import (
    SEVERITY_RANK,
    Alarm,
    AlarmEvent,
    AlarmPending,
    AlarmRule,
    Device,
    DeviceProfile,
    LatestValue,
    Severity,
)
from muang.iot.permissions import IotPerm
from muang.iot.profiles import KeySpec
from muang.iot.services.ingest import Reading

logger = logging.getLogger("muang.iot.alarms")

MAX_REASON = 500
# A case only comes back from these: not from "not responsible" (staff's decision), forwarded or duplicate.
REOPENABLE = frozenset({SystemStatus.RESOLVED, SystemStatus.CLOSED})


# ---------------------------------------------------------------------------------------------------- rules


@transaction.atomic
def alarm_rule_create(
    *,
    actor: Actor,
    organization: Organization,
    profile: DeviceProfile,
    alarm_type: str,
    label: str,
    severity: str,
    kind: str,
    key: str = "",
    operator: str = "",
    value: float | None = None,
    low: float | None = None,
    high: float | None = None,
    duration_seconds: int = 0,
    silence_intervals: int | None = None,
    case_category=None,
    case_department=None,
) -> AlarmRule:
    require(actor, organization, IotPerm.IOT_MANAGE)
    if profile.organization_id != organization.pk:
        raise InvalidInput.for_field("profile", _("No such profile in this organisation."))
    rule = AlarmRule(
        organization=organization,
        profile=profile,
        alarm_type=alarm_type,
        label=label.strip(),
        severity=severity,
        kind=kind,
        key=key,
        operator=operator,
        value=value,
        low=low,
        high=high,
        duration_seconds=duration_seconds,
        silence_intervals=silence_intervals,
        case_category=case_category,
        case_department=case_department,
    )
    try:
        rule.full_clean(validate_constraints=False)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "severity", _("This profile already has a rule of this type and severity.")
        ) from e
    audit.record_create(actor=actor, organization=organization, instance=rule)
    return rule


RULE_EDITABLE = frozenset(
    {
        "alarm_type",
        "label",
        "severity",
        "kind",
        "key",
        "operator",
        "value",
        "low",
        "high",
        "duration_seconds",
        "silence_intervals",
        "case_category",
        "case_department",
        "is_active",
    }
)


@transaction.atomic
def alarm_rule_update(*, actor: Actor, rule: AlarmRule, **data) -> AlarmRule:
    """Edit a rule, validated against its profile as at creation, audited. Alarms it already raised stay."""
    from muang.core.services import update_audited

    require(actor, rule.organization, IotPerm.IOT_MANAGE)
    if "label" in data:
        data["label"] = (data["label"] or "").strip()
    taken = AlarmRule.objects.filter(
        organization_id=rule.organization_id,
        profile_id=rule.profile_id,
        alarm_type=data.get("alarm_type", rule.alarm_type),
        severity=data.get("severity", rule.severity),
    ).exclude(pk=rule.pk)
    if taken.exists():
        raise InvalidInput.for_field(
            "severity", _("This profile already has a rule of this type and severity.")
        )
    try:
        with transaction.atomic():
            return update_audited(
                actor=actor, organization=rule.organization, instance=rule, data=data, allowed=RULE_EDITABLE
            )
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "severity", _("This profile already has a rule of this type and severity.")
        ) from e


@transaction.atomic
def alarm_rule_delete(*, actor: Actor, rule: AlarmRule) -> None:
    """Delete a rule, audited: its pending durations go with it; alarms it raised stay (without their rule)."""
    require(actor, rule.organization, IotPerm.IOT_MANAGE)
    row = AlarmRule.objects.select_for_update().get(pk=rule.pk, organization_id=rule.organization_id)
    audit.record(
        actor=actor,
        organization=rule.organization,
        instance=row,
        action=AuditEntry.Action.DELETE,
        changes=audit.diff(audit.snapshot(row), {}),
    )
    row.delete()


# ----------------------------------------------------------------------------------------------- evaluation


def _rules_by_profile(organization: Organization, profile_ids) -> dict[int, list[AlarmRule]]:
    rules: dict[int, list[AlarmRule]] = defaultdict(list)
    for rule in AlarmRule.objects.filter(
        organization=organization, profile_id__in=profile_ids, is_active=True
    ).select_related("case_category", "case_department"):
        rules[rule.profile_id].append(rule)
    return rules


def alarms_evaluate(
    *, organization: Organization, readings: list[Reading], now: dt.datetime | None = None
) -> list[Alarm]:
    """Evaluate the profile rules of the devices that just reported; returns the open alarms touched.

    Called by the ingest service right after its batch committed (the readings are safe whatever happens
    here), one transaction per device in device order. Readings are taken in time order: a rule with a
    duration fires on the reading that makes its condition `duration_seconds` old without a break."""
    now = now or timezone.now()
    if not readings:
        return []
    rules = _rules_by_profile(organization, {r.device.profile_id for r in readings})
    if not rules:
        return []  # the common case: one query per batch
    by_device: dict[int, list[Reading]] = defaultdict(list)
    for r in readings:
        if r.device.organization_id != organization.pk:
            raise ValueError("readings of one organisation")  # a programming error
        by_device[r.device.pk].append(r)
    # Set-based first: the batch's devices that have something a reading can change (an open alarm, a rule's
    # pending duration), in two queries. Any other device changes nothing unless one of its readings meets a
    # rule, so the common batch (everything normal) opens no transaction per device.
    ids = among(by_device)
    with_state = set(
        Alarm.objects.filter(
            organization=organization, device_id__in=ids, cleared_at__isnull=True
        ).values_list("device_id", flat=True)
    ) | set(
        AlarmPending.objects.filter(organization=organization, device_id__in=ids).values_list(
            "device_id", flat=True
        )
    )
    touched: list[Alarm] = []
    for device_id in sorted(by_device):
        device_readings = sorted(by_device[device_id], key=lambda r: r.time)
        profile_rules = rules.get(device_readings[0].device.profile_id)
        if not profile_rules:
            continue
        if device_id not in with_state and not _any_holds(profile_rules, device_readings):
            continue
        with transaction.atomic():
            touched += _evaluate_device(organization, device_readings, profile_rules, now=now)
    return touched


def _any_holds(rules: list[AlarmRule], readings: list[Reading]) -> bool:
    """Whether a value rule holds for any reading (silence rules are cleared by a report, which only matters
    to a device with an open alarm: `with_state`)."""
    for rule in rules:
        if rule.kind == AlarmRule.Kind.SILENCE:
            continue
        for reading in readings:
            value = reading.values.get(rule.key)
            if value is not None and holds(rule, value):
                return True
    return False


def _evaluate_device(
    organization: Organization, readings: list[Reading], rules: list[AlarmRule], *, now: dt.datetime
) -> list[Alarm]:
    device = readings[0].device
    last = readings[-1]
    touched: list[Alarm] = []
    # A report ends silence: open silence alarms of this device clear.
    silence_types = {r.alarm_type for r in rules if r.kind == AlarmRule.Kind.SILENCE}
    if silence_types:
        for alarm in _open_alarms(organization, device, silence_types):
            _clear(alarm, at=last.time, now=now, details={"reported_at": last.time.isoformat()})
    value_rules = [r for r in rules if r.kind != AlarmRule.Kind.SILENCE]
    readings = _without_stale_keys(organization, device, readings)
    pending = {
        p.rule_id: p
        for p in AlarmPending.objects.filter(
            organization=organization, device=device, rule_id__in=[r.pk for r in value_rules]
        )
    }
    # rule -> (holds at the latest reading of its key, fires: held long enough, that reading)
    outcome: dict[int, tuple[bool, bool, Reading]] = {}
    for rule in value_rules:
        since = pending[rule.pk].since if rule.pk in pending else None
        state = None
        for reading in readings:
            if rule.key not in reading.values:
                continue
            if holds(rule, reading.values[rule.key]):
                since = since or reading.time
                state = (True, reading.time - since >= dt.timedelta(seconds=rule.duration_seconds), reading)
            else:
                since = None
                state = (False, False, reading)
        if state is None:
            continue  # this batch said nothing about the rule's key
        outcome[rule.pk] = state
        if rule.duration_seconds:
            _save_pending(organization, device, rule, since, pending.get(rule.pk))
    by_type: dict[str, list[AlarmRule]] = defaultdict(list)
    for rule in value_rules:
        if rule.pk in outcome:
            by_type[rule.alarm_type].append(rule)
    for alarm_type, type_rules in sorted(by_type.items()):
        firing = [r for r in type_rules if outcome[r.pk][1]]
        if firing:
            top = max(firing, key=lambda r: (SEVERITY_RANK[r.severity], r.pk))
            reading = outcome[top.pk][2]
            details = {
                "key": top.key,
                "value": reading.values[top.key],
                "condition": describe(top),
                "time": reading.time.isoformat(),
            }
            touched.append(_raise(organization, device, top, at=reading.time, now=now, details=details))
        elif not any(outcome[r.pk][0] for r in type_rules):
            for alarm in _open_alarms(organization, device, {alarm_type}):
                if alarm.rule_id is not None and alarm.rule_id not in outcome:
                    continue  # the rule that raised it was not reported on: nothing says it is over
                reading = outcome[type_rules[0].pk][2]
                _clear(
                    alarm,
                    at=reading.time,
                    now=now,
                    details={"cleared_by_value": reading.values[type_rules[0].key]},
                )
                touched.append(alarm)
    return touched


def _without_stale_keys(organization: Organization, device: Device, readings: list[Reading]) -> list[Reading]:
    """A late delivery (a device's buffer emptied after it came back) says nothing about now: a key whose
    newest reading in this batch is older than the device's latest value of that key is left out."""
    newest: dict[str, dt.datetime] = {}
    for r in readings:
        for key in r.values:
            newest[key] = max(newest.get(key, r.time), r.time)
    latest = dict(
        LatestValue.objects.filter(
            organization=organization, device=device, key__in=list(newest)
        ).values_list("key", "time")
    )
    stale = {key for key, time in newest.items() if key in latest and latest[key] > time}
    if not stale:
        return readings
    return [
        Reading(r.device, r.time, {k: v for k, v in r.values.items() if k not in stale}) for r in readings
    ]


def _save_pending(organization, device, rule, since, row: AlarmPending | None) -> None:
    if since is None:
        if row is not None:
            AlarmPending.objects.filter(pk=row.pk, organization=organization).delete()
    elif row is None:
        AlarmPending.objects.bulk_create(
            [AlarmPending(organization=organization, device=device, rule=rule, since=since)],
            ignore_conflicts=True,
        )
    elif row.since != since:
        AlarmPending.objects.filter(pk=row.pk, organization=organization).update(since=since)


def _open_alarms(organization: Organization, device: Device, types) -> list[Alarm]:
    return list(
        Alarm.objects.select_for_update()
        .filter(organization=organization, device=device, alarm_type__in=types, cleared_at__isnull=True)
        .order_by("pk")
    )


def _lock_open(organization: Organization, device: Device, alarm_type: str) -> Alarm | None:
    return (
        Alarm.objects.select_for_update(of=("self",))
        .select_related("case__status")
        .filter(organization=organization, device=device, alarm_type=alarm_type, cleared_at__isnull=True)
        .first()
    )


def _event(
    alarm: Alarm, kind: str, *, at: dt.datetime, user=None, message: str = "", data=None
) -> AlarmEvent:
    return AlarmEvent.objects.create(
        organization_id=alarm.organization_id,
        alarm=alarm,
        kind=kind,
        at=at,
        user=user,
        message=message[:MAX_REASON],
        data=data or {},
    )


def _raise(
    organization: Organization, device: Device, rule: AlarmRule, *, at: dt.datetime, now: dt.datetime, details
) -> Alarm:
    """The open alarm of (device, rule's type), created or brought to the rule's severity, and its case."""
    alarm = _lock_open(organization, device, rule.alarm_type)
    if alarm is None:
        try:
            with transaction.atomic():
                alarm = Alarm.objects.create(
                    organization=organization,
                    device=device,
                    rule=rule,
                    alarm_type=rule.alarm_type,
                    label=rule.label,
                    severity=rule.severity,
                    started_at=at,
                    ended_at=at,
                    details=details,
                )
            _event(alarm, AlarmEvent.Kind.CREATED, at=now, data={"severity": rule.severity, **details})
        except IntegrityError:
            alarm = _lock_open(organization, device, rule.alarm_type)  # a concurrent raise won: join it
            if alarm is None:
                raise
    if alarm.severity != rule.severity or alarm.rule_id != rule.pk:
        if alarm.severity != rule.severity:
            _event(
                alarm,
                AlarmEvent.Kind.SEVERITY_CHANGED,
                at=now,
                data={"from": alarm.severity, "to": rule.severity, **details},
            )
        alarm.severity, alarm.rule = rule.severity, rule
    alarm.ended_at = max(alarm.ended_at, at)
    alarm.details = details
    alarm.save(update_fields=["severity", "rule", "ended_at", "details"])
    if rule.case_category_id is not None:
        _case_for(alarm, rule, device, now=now)
    return alarm


# ---------------------------------------------------------------------------------------------------- cases


def _reading_text(alarm: Alarm) -> str:
    details = alarm.details
    if "value" in details:
        # Named as pages name the key (the profile's label, or a well-known key's name): "ค่าฝุ่น PM2.5 = 52.5 µg/m³
        # (เกณฑ์ PM2.5 > 37.5)"; the threshold left out when it says no more than the reading.
        spec = KeySpec.of(alarm.device.profile.parsed.keys, details["key"])
        name = spec.name
        unit = f" {spec.unit}" if spec.unit else ""
        reading = f"{name} = {details['value']:g}{unit}"
        condition = details["condition"].replace(details["key"], name, 1)
        if condition == f"{name} = {details['value']:g}":
            return reading
        return _("%(reading)s (threshold %(condition)s)") % {"reading": reading, "condition": condition}
    return _("no report since %(time)s") % {
        "time": format_thai_date(dt.datetime.fromisoformat(details["last_seen"]), "datetime")
        if details.get("last_seen")
        else _("it was installed")
    }


def _case_for(alarm: Alarm, rule: AlarmRule, device: Device, *, now: dt.datetime) -> None:
    """Open the alarm's case, or reopen it if staff resolved it while the device still reports the fault."""
    case = alarm.case
    if case is None:
        _open_case(alarm, rule, device, now=now)
        return
    if case.is_open or case.status.code not in REOPENABLE:
        return
    with translation.override("th"):
        note = _(
            "The device %(device)s still reports the fault (%(reading)s): the case is reopened until it "
            "reports normal again."
        ) % {"device": device.name, "reading": _reading_text(alarm)}
    try:
        case_reopen(actor=SYSTEM, case=case, reason=note, now=now)
    except Conflict:
        # Past the category's reopen window: the fault is new work, in a new case.
        _open_case(alarm, rule, device, now=now)
        return
    _event(alarm, AlarmEvent.Kind.CASE_REOPENED, at=now, message=note, data={"case": case.tracking_code})


def _open_case(alarm: Alarm, rule: AlarmRule, device: Device, *, now: dt.datetime) -> None:
    with translation.override("th"):
        title = _("%(alarm)s: %(device)s") % {"alarm": alarm.label, "device": device.name}
        description = _(
            "Device %(device)s (serial %(serial)s%(asset)s) raised the alarm “%(alarm)s”, severity "
            "%(severity)s, at %(time)s: %(reading)s."
        ) % {
            "device": device.name,
            "serial": device.serial,
            "asset": (", " + device.asset_ref) if device.asset_ref else "",
            "alarm": alarm.label,
            "severity": Severity(alarm.severity).label,
            "time": format_thai_date(alarm.started_at, "datetime"),
            "reading": _reading_text(alarm),
        }
        description = str(description)
    try:
        case, _created = case_create(
            actor=SYSTEM,
            organization=alarm.organization,
            category=rule.case_category,
            department=rule.case_department,
            channel=Channel.DEVICE,
            title=str(title)[:200],
            description=description,
            location=device.location,
            attributes={"iot_alarm": alarm.pk, "iot_device": device.pk},
            idempotency_key=f"iot-alarm-{alarm.pk}-{alarm.case_id or 0}",
            now=now,
        )
    except MuangError:
        # A category made inactive, a device placed outside the organisation's area: the alarm stands, staff
        # see it in the alarm list; the next reading tries again.
        logger.warning("iot: alarm %s could not open a case", alarm.pk, exc_info=True)
        return
    Alarm.objects.filter(pk=alarm.pk, organization_id=alarm.organization_id).update(case=case)
    alarm.case = case
    _event(alarm, AlarmEvent.Kind.CASE_OPENED, at=now, data={"case": case.tracking_code})


def _clear(
    alarm: Alarm, *, at: dt.datetime, now: dt.datetime, details: dict, user=None, reason: str = ""
) -> None:
    alarm.cleared_at = max(at, alarm.started_at)
    alarm.cleared_by = user
    alarm.clear_reason = reason
    alarm.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    _event(alarm, AlarmEvent.Kind.CLEARED, at=now, user=user, message=reason, data=details)
    if user is None and alarm.case_id is not None:
        _tell_case_normal(alarm, now=now)


def _tell_case_normal(alarm: Alarm, *, now: dt.datetime) -> None:
    """The device reports normal again: an internal note on its open case, so staff know they may resolve it
    (the case itself is theirs to close)."""
    case = alarm.case
    if not case.is_open:
        return
    with translation.override("th"):
        note = str(
            _("The device %(device)s reports normal again: the alarm “%(alarm)s” cleared at %(time)s.")
            % {
                "device": alarm.device.name,
                "alarm": alarm.label,
                "time": format_thai_date(alarm.cleared_at, "datetime"),
            }
        )
    try:
        case_add_note(actor=SYSTEM, case=case, message=note, public=False, now=now)
    except MuangError:
        logger.warning("iot: could not note the cleared alarm %s on its case", alarm.pk, exc_info=True)


# -------------------------------------------------------------------------------------------------- silence


def alarms_evaluate_silence(*, now: dt.datetime | None = None) -> int:
    """Every organisation's silence rules: a live device with no report for `silence_intervals` of its
    profile's interval (since it was added, if it never reported) gets the rule's alarm; a silent device
    whose case was resolved gets it reopened. Safe to repeat. Returns how many alarms were raised or moved."""
    now = now or timezone.now()
    count = 0
    rules = (
        AlarmRule.objects.filter(kind=AlarmRule.Kind.SILENCE, is_active=True)
        .select_related("organization", "profile", "case_category", "case_department")
        .order_by("organization_id", "profile_id", "alarm_type", "id")
    )
    # Least severe first: a device silent for longer reaches the more severe rule last and stays there.
    for rule in sorted(rules, key=lambda r: (r.organization_id, SEVERITY_RANK[r.severity], r.pk)):
        organization = rule.organization
        cutoff = now - dt.timedelta(seconds=rule.profile.report_interval * rule.silence_intervals)
        at_least = [s for s, rank in SEVERITY_RANK.items() if rank >= SEVERITY_RANK[rule.severity]]
        settled = Alarm.objects.filter(
            organization=organization,
            device=OuterRef("pk"),
            alarm_type=rule.alarm_type,
            cleared_at__isnull=True,
            severity__in=at_least,
        ).filter(Q(case__isnull=True) | Q(case__is_open=True) | ~Q(case__status__code__in=REOPENABLE))
        devices = (
            Device.objects.filter(organization=organization, profile_id=rule.profile_id)
            .exclude(state=Device.State.RETIRED)
            .annotate(heard=Coalesce(F("last_seen"), F("created_at")))
            .filter(heard__lt=cutoff)
            .exclude(Exists(settled))
            .order_by("pk")
        )
        for device in devices:
            details = {"last_seen": device.last_seen.isoformat() if device.last_seen else None}
            with transaction.atomic():
                _raise(organization, device, rule, at=now, now=now, details=details)
            count += 1
    return count


# ---------------------------------------------------------------------------------------------------- staff


def _lock_for(alarm: Alarm) -> Alarm:
    return (
        Alarm.objects.select_for_update()
        .select_related("organization")
        .get(pk=alarm.pk, organization_id=alarm.organization_id)
    )


def _audit(actor: Actor, alarm: Alarm, before: dict, reason: str) -> None:
    audit.record(
        actor=actor,
        organization=alarm.organization,
        instance=alarm,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, audit.snapshot(alarm)),
        reason=reason,
    )


@transaction.atomic
def alarm_acknowledge(*, actor: Actor, alarm: Alarm, now: dt.datetime | None = None) -> Alarm:
    """Staff have seen the alarm (it stays active until it clears)."""
    require(actor, alarm.organization, IotPerm.ALARM_ACT)
    now = now or timezone.now()
    alarm = _lock_for(alarm)
    if alarm.acknowledged_at is not None:
        raise Conflict(_("The alarm is already acknowledged."))
    before = audit.snapshot(alarm)
    alarm.acknowledged_at = now
    alarm.acknowledged_by = actor.user
    alarm.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _event(alarm, AlarmEvent.Kind.ACKNOWLEDGED, at=now, user=actor.user)
    _audit(actor, alarm, before, "acknowledge")
    return alarm


@transaction.atomic
def alarm_clear(*, actor: Actor, alarm: Alarm, reason: str, now: dt.datetime | None = None) -> Alarm:
    """Staff clear an alarm by hand, saying why (a sensor being replaced, a false reading). If the condition
    still holds, the device's next reading raises a new alarm."""
    require(actor, alarm.organization, IotPerm.ALARM_ACT)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", _("Say why the alarm is cleared."))
    if len(reason) > MAX_REASON:
        raise InvalidInput.for_field("reason", _("At most %(n)d characters.") % {"n": MAX_REASON})
    alarm = _lock_for(alarm)
    if alarm.cleared_at is not None:
        raise Conflict(_("The alarm is already cleared."))
    before = audit.snapshot(alarm)
    _clear(alarm, at=now, now=now, details={"by_hand": True}, user=actor.user, reason=reason)
    _audit(actor, alarm, before, "clear")
    return alarm
