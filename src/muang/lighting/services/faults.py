"""Faults to repair cases, through the cases services (never a second way of writing cases).

One open fault per (pole or circuit, kind). A fault is *confirmed* once it held for its kind's confirmation
time (a lamp's own failure flag at once; "off at night" after one report interval, so that a circuit going dark
pole by pole becomes one circuit fault instead of fifty); a confirmed fault opens one case in the department
holding the engineering duty, at the pole (a circuit's case at its first dark pole), with the organisation's
street-light category — or shares the open case of the controller's own iot alarm of the same type, when its
profile has a rule that opened one (the demo's `lamp_failure`). A pole fault inside a dark circuit is the circuit's (`parent`): no case of its own.

As with the iot alarms (`muang.iot.alarms.services`), staff resolving the case do not clear the fault: only the
lamp does, by reporting normal again (a note goes on the open case). If the lamp still reports the fault after
its case was resolved, the case is reopened with a Thai note (a new case past the category's reopen window).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from muang.cases.models import Case, CaseCategory, Channel, SystemStatus
from muang.cases.services import case_add_note, case_create, case_reopen
from muang.core.access import SYSTEM
from muang.core.errors import Conflict, MuangError
from muang.core.models import Department, Duty, Organization
from muang.core.templatetags.thai import format_thai_date
from muang.iot.models import Alarm
from muang.lighting.models import Circuit, Fault, FaultKind, Pole

logger = logging.getLogger("muang.lighting")

STREETLIGHT_CATEGORY = "streetlight"  # the code of the organisation's street-light case category
REOPENABLE = frozenset({SystemStatus.RESOLVED, SystemStatus.CLOSED})
# How long a fault holds before it is confirmed (seconds).
CONFIRM_SECONDS = {
    FaultKind.LAMP_FAILURE: 0,  # the controller says so
    FaultKind.NOT_LIT: 300,  # one report interval: time for the rest of a dark circuit to speak
    FaultKind.DAY_BURNING: 300,
    FaultKind.POWER_DEVIATION: 600,
    FaultKind.CYCLING: 0,  # already counted over an hour
    FaultKind.SUPPLY_LOSS: 0,
    FaultKind.CONTROLLER_SILENT: 0,  # the silence is itself three missed reports
}


def streetlight_category(organization: Organization) -> CaseCategory | None:
    return CaseCategory.objects.filter(
        organization=organization, code=STREETLIGHT_CATEGORY, is_active=True
    ).first()


def engineering_department(organization: Organization, category: CaseCategory) -> Department | None:
    return (
        Department.objects.filter(
            organization=organization, is_active=True, duties__contains=[Duty.ENGINEERING]
        )
        .order_by("pk")
        .first()
    )


def fault_raise(
    *,
    organization: Organization,
    kind: str,
    at: dt.datetime,
    details: dict,
    pole: Pole | None = None,
    circuit: Circuit | None = None,
) -> Fault:
    """The open fault of (pole or circuit, kind), created or seen again at `at` (inside the caller's
    transaction; a concurrent first raise loses the insert and joins the winner's row)."""
    lookup = {"pole": pole} if pole is not None else {"pole__isnull": True, "circuit": circuit}
    open_faults = Fault.objects.select_for_update().filter(
        organization=organization, kind=kind, cleared_at__isnull=True, **lookup
    )
    fault = open_faults.first()
    if fault is None:
        try:
            with transaction.atomic():
                fault = Fault.objects.create(
                    organization=organization,
                    pole=pole,
                    circuit=circuit if pole is None else None,
                    kind=kind,
                    started_at=at,
                    last_seen_at=at,
                    details=details,
                )
            return fault
        except IntegrityError:
            fault = open_faults.first()
            if fault is None:
                raise
    if at > fault.last_seen_at:
        fault.last_seen_at = at
    fault.details = details
    fault.save(update_fields=["last_seen_at", "details"])
    return fault


def fault_clear(*, fault: Fault, at: dt.datetime, now: dt.datetime) -> None:
    """The lamp reports normal: the fault clears, and its open case gets an internal note."""
    fault.cleared_at = max(at, fault.started_at)
    fault.save(update_fields=["cleared_at"])
    if fault.case_id is None:
        return
    case = fault.case
    if not case.is_open:
        return
    with translation.override("th"):
        note = _("%(subject)s reports normal again: “%(fault)s” cleared at %(time)s.") % {
            "subject": _subject(fault),
            "fault": FaultKind(fault.kind).label,
            "time": format_thai_date(fault.cleared_at, "datetime"),
        }
    try:
        case_add_note(actor=SYSTEM, case=case, message=str(note), public=False, now=now)
    except MuangError:
        logger.warning("lighting: could not note the cleared fault %s", fault.pk, exc_info=True)


def _subject(fault: Fault) -> str:
    if fault.pole_id is not None:
        return _("Pole %(code)s") % {"code": fault.pole.code}
    return _("Circuit %(code)s") % {"code": fault.circuit.code}


def fault_confirm(*, fault: Fault, now: dt.datetime) -> None:
    """Confirm a fault that held long enough (not one that belongs to a dark circuit) and give it its case;
    a confirmed fault whose case staff resolved while it still holds gets the case reopened."""
    if fault.parent_id is not None:
        return
    if fault.confirmed_at is None:
        if (now - fault.started_at).total_seconds() < CONFIRM_SECONDS[fault.kind]:
            return
        fault.confirmed_at = now
        fault.save(update_fields=["confirmed_at"])
    if fault.case_id is None:
        _open_case(fault, now=now)
        return
    case = Case.objects.select_related("status").get(pk=fault.case_id, organization_id=fault.organization_id)
    if case.is_open or case.status.code not in REOPENABLE:
        return
    ended = case.resolved_at or case.closed_at
    if ended is not None and fault.last_seen_at <= ended:
        return  # nothing heard since staff resolved it: the lamp's next word decides
    with translation.override("th"):
        note = str(
            _(
                "%(subject)s still reports “%(fault)s”: the case is reopened until the lamp reports normal "
                "again."
            )
            % {"subject": _subject(fault), "fault": FaultKind(fault.kind).label}
        )
    try:
        case_reopen(actor=SYSTEM, case=case, reason=note, now=now)
    except Conflict:
        _open_case(fault, now=now)  # past the reopen window: new work, a new case


def _alarm_case(fault: Fault) -> Case | None:
    """The open case of the controller's own iot alarm of the same type (the profile's `lamp_failure` rule opens
    one through the alarm machinery): the fault shares it rather than opening a second case."""
    if fault.pole_id is None or fault.pole.device_id is None:
        return None
    alarm = (
        Alarm.objects.filter(
            organization_id=fault.organization_id,
            device_id=fault.pole.device_id,
            alarm_type=fault.kind,
            cleared_at__isnull=True,
            case__isnull=False,
        )
        .select_related("case")
        .first()
    )
    return alarm.case if alarm is not None and alarm.case.is_open else None


def _open_case(fault: Fault, *, now: dt.datetime) -> None:
    organization = fault.organization
    shared = _alarm_case(fault)
    if shared is not None:
        Fault.objects.filter(pk=fault.pk, organization_id=fault.organization_id).update(case=shared)
        fault.case = shared
        return
    category = streetlight_category(organization)
    if category is None:
        logger.warning(
            "lighting: %s has no street-light category; fault %s has no case", organization, fault.pk
        )
        return
    if fault.pole_id is not None:
        location = fault.pole.location
    else:
        first = Pole.objects.filter(organization=organization, circuit=fault.circuit).order_by("code").first()
        location = first.location if first else None
    with translation.override("th"):
        title = _("Street light: %(fault)s, %(subject)s") % {
            "fault": FaultKind(fault.kind).label,
            "subject": _subject(fault),
        }
        description = _("%(subject)s: “%(fault)s” since %(time)s (%(details)s).") % {
            "subject": _subject(fault),
            "fault": FaultKind(fault.kind).label,
            "time": format_thai_date(fault.started_at, "datetime"),
            "details": ", ".join(f"{k} = {v}" for k, v in sorted(fault.details.items())) or "—",
        }
    try:
        case, _created = case_create(
            actor=SYSTEM,
            organization=organization,
            category=category,
            department=engineering_department(organization, category),
            channel=Channel.DEVICE,
            title=str(title)[:200],
            description=str(description),
            location=location,
            attributes={"lighting_fault": fault.pk, "pole": fault.pole.code if fault.pole_id else None},
            idempotency_key=f"lighting-fault-{fault.pk}-{fault.case_id or 0}",
            now=now,
        )
    except MuangError:
        logger.warning("lighting: fault %s could not open a case", fault.pk, exc_info=True)
        return
    Fault.objects.filter(pk=fault.pk, organization_id=fault.organization_id).update(case=case)
    fault.case = case
