"""Wristband alerts: raised (written before anyone is told), taken by an operator, closed or turned into an
EMS incident; escalated along the on-call list when nobody takes them in time, by timer rows the worker's
periodic task runs (`alert_timers_run`), so an escalation survives a restart of every process."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from muang.core import audit, outbox
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import AuditEntry, Notification
from muang.core.thai_dates import BANGKOK
from muang.ems import clock
from muang.ems.models import (
    Alert,
    AlertEvent,
    AlertKind,
    AlertStatus,
    AlertTimer,
    Incident,
    OnCall,
    Wristband,
)
from muang.ems.permissions import EmsPerm

logger = logging.getLogger("muang.ems.alerts")

# Not taken in this time: the next person on call is told (and, the first time, the family).
ESCALATE_AFTER = dt.timedelta(seconds=60)
# A low battery is told on the board only: nobody is woken up for it.
ESCALATING = frozenset(AlertKind) - {AlertKind.LOW_BATTERY}
DAYTIME = (dt.time(7, 0), dt.time(21, 0))  # "no movement" is a daytime rule: at night people sleep
# The symptom group the call-taker starts from (CBD), by alert: a fall is group 24, a band that stopped
# answering is "unconscious / not responding" (19), a heart rate out of range is group 7; the rest start
# from "ill / other" (16). The call-taker chooses the criterion, which gives the colour.
SUGGESTED_GROUP = {
    AlertKind.SOS: 16,
    AlertKind.FALL: 24,
    AlertKind.HEART_RATE: 7,
    AlertKind.GEOFENCE: 16,
    AlertKind.NO_MOVEMENT: 19,
    AlertKind.LOW_BATTERY: 16,
    AlertKind.REMOVED: 19,
}


def alert_raise(
    *,
    wristband: Wristband,
    kind: str,
    at: dt.datetime,
    location: Point | None = None,
    value: float | None = None,
    now: dt.datetime | None = None,
) -> Alert | None:
    """Write the alert (and its escalation timer) and commit it before anything else happens. None when the
    band already has this kind of alert open (one open alert per band and kind)."""
    now = now or clock.now()
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                organization_id=wristband.organization_id,
                wristband=wristband,
                person_id=wristband.person_id,
                kind=kind,
                raised_at=at,
                location=location or wristband.last_point or wristband.person.location,
                value=value,
            )
            AlertEvent.objects.create(
                organization_id=alert.organization_id, alert=alert, at=now, kind=AlertEvent.Kind.RAISED
            )
            if kind in ESCALATING:
                AlertTimer.objects.create(
                    organization_id=alert.organization_id, alert=alert, due_at=now + ESCALATE_AFTER
                )
    except IntegrityError:
        return None  # already open: the board shows the one alert
    return alert


def _locked(alert: Alert) -> Alert:
    return (
        Alert.objects.select_for_update(of=("self",))
        .select_related("acknowledged_by", "organization")
        .get(organization_id=alert.organization_id, pk=alert.pk)
    )


def _event(alert: Alert, kind: str, at: dt.datetime, note: str = "") -> None:
    AlertEvent.objects.create(
        organization_id=alert.organization_id, alert=alert, at=at, kind=kind, note=note[:300]
    )


def _audit(actor: Actor, alert: Alert, changes: dict, reason: str = "") -> None:
    audit.record(
        actor=actor,
        organization=alert.organization,
        instance=alert,
        action=AuditEntry.Action.UPDATE,
        changes=changes,
        reason=reason,
    )


def _taken_by_another(locked: Alert) -> Conflict:
    taken = timezone.localtime(locked.acknowledged_at, BANGKOK).strftime("%H:%M:%S")
    return Conflict(
        _("%(name)s already took this alert at %(time)s.")
        % {"name": locked.acknowledged_by.display_name, "time": taken}
    )


def alert_acknowledge(*, actor: Actor, alert: Alert, now: dt.datetime | None = None) -> Alert:
    """The operator takes the alert: its escalation stops. Taken by someone else: 409 naming them."""
    require(actor, alert.organization, EmsPerm.ALERTS)
    if actor.user is None:
        raise InvalidInput(_("An alert is taken by a person signed in."))
    now = now or clock.now()
    with transaction.atomic():
        locked = _locked(alert)
        if locked.status == AlertStatus.ACKNOWLEDGED:
            if locked.acknowledged_by_id == actor.user.pk:
                return locked
            raise _taken_by_another(locked)
        if locked.status != AlertStatus.OPEN:
            raise Conflict(_("This alert is already closed."))
        locked.status = AlertStatus.ACKNOWLEDGED
        locked.acknowledged_by = actor.user
        locked.acknowledged_at = now
        locked.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        AlertTimer.objects.filter(alert=locked, done_at=None).update(done_at=now)
        _event(locked, AlertEvent.Kind.ACKNOWLEDGED, now, actor.user.display_name)
        _audit(actor, locked, {"status": [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]})
    return locked


def _check_closable(actor: Actor, locked: Alert) -> None:
    if not locked.is_open:
        raise Conflict(_("This alert is already closed."))
    if locked.status == AlertStatus.ACKNOWLEDGED and locked.acknowledged_by_id != actor.user.pk:
        raise _taken_by_another(locked)


def alert_close(
    *, actor: Actor, alert: Alert, reason: str, false_alarm: bool = True, now: dt.datetime | None = None
) -> Alert:
    """Close the alert as a false alarm (or as handled without an ambulance), with the reason."""
    require(actor, alert.organization, EmsPerm.ALERTS)
    if actor.user is None:
        raise InvalidInput(_("An alert is closed by a person signed in."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput.for_field("reason", _("Say why the alert is closed."))
    now = now or clock.now()
    with transaction.atomic():
        locked = _locked(alert)
        _check_closable(actor, locked)
        before = locked.status
        locked.status = AlertStatus.FALSE_ALARM if false_alarm else AlertStatus.HANDLED
        locked.closed_by, locked.closed_at, locked.close_reason = actor.user, now, reason[:2000]
        if locked.acknowledged_by_id is None:
            locked.acknowledged_by, locked.acknowledged_at = actor.user, now
        locked.save(
            update_fields=[
                "status",
                "closed_by",
                "closed_at",
                "close_reason",
                "acknowledged_by",
                "acknowledged_at",
            ]
        )
        AlertTimer.objects.filter(alert=locked, done_at=None).update(done_at=now)
        _event(locked, AlertEvent.Kind.CLOSED, now, reason)
        _audit(actor, locked, {"status": [before, locked.status]}, reason=reason)
    return locked


def alert_to_incident(
    *, actor: Actor, alert: Alert, criterion: str, now: dt.datetime | None = None
) -> Incident:
    """Open the EMS incident of the alert with everything filled in: the caller is the band, the place where it
    was, the patient its wearer; the call was received when the alert was raised."""
    from muang.care.services.people import age_on
    from muang.ems.services.incidents import incident_create

    require(actor, alert.organization, EmsPerm.ALERTS)
    require(actor, alert.organization, EmsPerm.EMS_DISPATCH)
    if actor.user is None:
        raise InvalidInput(_("An alert is turned into an incident by a person signed in."))
    now = now or clock.now()
    with transaction.atomic():
        locked = _locked(alert)
        _check_closable(actor, locked)
        band = Wristband.objects.select_related("person", "device").get(pk=locked.wristband_id)
        person = band.person
        place = locked.location or person.location
        contacts = [c.get("phone", "") for c in person.emergency_contacts if c.get("phone")]
        phone = (person.phones or contacts or [band.device.serial])[0]
        incident = incident_create(
            actor=actor,
            organization=locked.organization,
            caller_name=_("Wristband %(serial)s (%(name)s)")
            % {"serial": band.device.serial, "name": person.display_name},
            caller_phone=phone,
            lat=place.y if place else None,
            lon=place.x if place else None,
            criterion=criterion,
            address=person.address,
            description=_("Wristband alert: %(kind)s") % {"kind": AlertKind(locked.kind).label},
            patient_name=person.display_name,
            patient_age=age_on(person.birth_date, timezone.localdate(now, BANGKOK)),
            source_ref=f"ems.alert:{locked.pk}",
            received_at=locked.raised_at,
            now=now,
        )
        before = locked.status
        locked.status, locked.incident = AlertStatus.INCIDENT, incident
        locked.closed_by, locked.closed_at = actor.user, now
        if locked.acknowledged_by_id is None:
            locked.acknowledged_by, locked.acknowledged_at = actor.user, now
        locked.save(
            update_fields=[
                "status",
                "incident",
                "closed_by",
                "closed_at",
                "acknowledged_by",
                "acknowledged_at",
            ]
        )
        AlertTimer.objects.filter(alert=locked, done_at=None).update(done_at=now)
        _event(locked, AlertEvent.Kind.INCIDENT, now, incident.number)
        _audit(actor, locked, {"status": [before, AlertStatus.INCIDENT], "incident": [None, incident.number]})
    return incident


# --- escalation ----------------------------------------------------------------------------------------------


def _when(at: dt.datetime) -> str:
    return timezone.localtime(at, BANGKOK).strftime("%H:%M")


def _escalate(locked: Alert, now: dt.datetime) -> None:
    """Tell the next person on call (SMS, and LINE when they have it); the first time, the family on LINE;
    then a new timer for the next one. Everything through the outbox, in this transaction."""
    band = Wristband.objects.select_related("person").get(pk=locked.wristband_id)
    person = band.person
    organization = locked.organization
    kind = AlertKind(locked.kind).label
    nxt = (
        OnCall.objects.filter(organization=organization).order_by("position")[
            locked.escalation : locked.escalation + 1
        ]
    ).first()
    if locked.escalation == 0:
        for member in band.family_line:
            text = _(
                "Care centre alert: %(name)s — %(kind)s at %(time)s. Our staff are on it; please call %(name)s "
                "or the care centre."
            ) % {"name": person.display_name, "kind": kind, "time": _when(locked.raised_at)}
            outbox.notification_enqueue(
                organization=organization,
                channel=Notification.Channel.LINE_PUSH,
                recipient=member["line_user_id"],
                messages=[{"type": "text", "text": text}],
                subject=f"ems.alert:{locked.pk}",
            )
            _event(locked, AlertEvent.Kind.FAMILY_TOLD, now, member.get("name") or member.get("relation", ""))
    if nxt is None:
        if locked.escalation == 0:
            _event(locked, AlertEvent.Kind.ESCALATED, now, _("nobody on call"))
        locked.escalation += 1
        locked.save(update_fields=["escalation"])
        return  # the end of the list: the board keeps ringing
    text = _("Wristband alert not taken: %(name)s — %(kind)s at %(time)s. %(address)s") % {
        "name": person.display_name,
        "kind": kind,
        "time": _when(locked.raised_at),
        "address": person.address,
    }
    outbox.notification_enqueue(
        organization=organization,
        channel=Notification.Channel.SMS,
        recipient=nxt.phone,
        messages=[{"type": "text", "text": text}],
        subject=f"ems.alert:{locked.pk}",
    )
    if nxt.line_user_id:
        outbox.notification_enqueue(
            organization=organization,
            channel=Notification.Channel.LINE_PUSH,
            recipient=nxt.line_user_id,
            messages=[{"type": "text", "text": text}],
            subject=f"ems.alert:{locked.pk}",
        )
    locked.escalation += 1
    locked.save(update_fields=["escalation"])
    _event(locked, AlertEvent.Kind.ESCALATED, now, nxt.name)
    AlertTimer.objects.create(
        organization_id=locked.organization_id, alert=locked, due_at=now + ESCALATE_AFTER
    )


def alert_timers_run(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Run the due timers (periodic, on any worker): each claimed with SKIP LOCKED, marked done and its alert
    escalated in one transaction, so a crash leaves it due and another worker takes it. Returns how many ran."""
    now = now or clock.now()
    ran = 0
    with translation.override("th"):  # what staff and families read: the organisation's language
        while ran < limit:
            with transaction.atomic():
                timer = (
                    AlertTimer.objects.select_for_update(skip_locked=True)
                    .filter(done_at=None, due_at__lte=now)
                    .order_by("due_at", "pk")
                    .first()
                )
                if timer is None:
                    break
                timer.done_at = now
                timer.save(update_fields=["done_at"])
                alert = _locked(Alert(pk=timer.alert_id, organization_id=timer.organization_id))
                if alert.status == AlertStatus.OPEN:
                    _escalate(alert, now)
            ran += 1
    return ran


def alerts_check_stillness(*, now: dt.datetime | None = None) -> int:
    """Periodic: in the daytime, a band that has not moved for its wearer's `still_hours` raises "no
    movement" (once per stillness: not again until it moves). Returns how many were raised."""
    now = now or clock.now()
    local = timezone.localtime(now, BANGKOK).time()
    if not DAYTIME[0] <= local < DAYTIME[1]:
        return 0
    raised = 0
    bands = Wristband.objects.filter(
        active=True, still_hours__isnull=False, last_moved_at__isnull=False
    ).select_related("person")
    for band in bands.iterator(chunk_size=500):
        if band.last_moved_at > now - dt.timedelta(hours=band.still_hours):
            continue
        if Alert.objects.filter(
            wristband=band, kind=AlertKind.NO_MOVEMENT, raised_at__gte=band.last_moved_at
        ).exists():
            continue
        if alert_raise(wristband=band, kind=AlertKind.NO_MOVEMENT, at=now, now=now):
            raised += 1
    return raised
