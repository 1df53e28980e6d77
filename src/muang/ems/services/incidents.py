"""Incidents: the call-taker's record, dispatching a unit, the timeline stamped step by step."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import AuditEntry, Organization
from muang.core.validation import point_from
from muang.ems import cbd, clock
from muang.ems.models import STEP_FIELDS, Incident, Step, Unit
from muang.ems.permissions import EmsPerm

# The legal order: from each step, the steps that may follow. A unit treats at the scene and goes back without
# transporting (at scene -> back at base); a transport leaves the scene, reaches the hospital, then goes back.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    Step.RECEIVED: (Step.DISPATCHED,),
    Step.DISPATCHED: (Step.ROLLING,),
    Step.ROLLING: (Step.AT_SCENE,),
    Step.AT_SCENE: (Step.LEAVING_SCENE, Step.BACK_AT_BASE),
    Step.LEAVING_SCENE: (Step.AT_HOSPITAL,),
    Step.AT_HOSPITAL: (Step.BACK_AT_BASE,),
    Step.BACK_AT_BASE: (),
}
MAX_FUTURE = dt.timedelta(minutes=2)  # clocks of crews' phones drift


def _check_time(at: dt.datetime, now: dt.datetime, field: str) -> None:
    if timezone.is_naive(at):
        raise InvalidInput.for_field(field, _("Give the time with its time zone."))
    if at > now + MAX_FUTURE:
        raise InvalidInput.for_field(field, _("That time is in the future."))


def incident_create(
    *,
    actor: Actor,
    organization: Organization,
    caller_name: str,
    caller_phone: str,
    lat: float | None,
    lon: float | None,
    criterion: str,
    address: str = "",
    description: str = "",
    patient_name: str = "",
    patient_age: int | None = None,
    source_ref: str = "",
    received_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Incident:
    """The call-taker's record: who called, where, and the CBD criterion that gives the dispatch code and the
    triage colour. `source_ref` names what raised it when not a phone call (a wristband alert: "care.alert:42");
    one incident a source."""
    require(actor, organization, EmsPerm.EMS_DISPATCH)
    now = now or clock.now()
    errors: dict[str, list[str]] = {}
    if not caller_name.strip():
        errors["caller_name"] = [_("Give the caller's name.")]
    if not caller_phone.strip():
        errors["caller_phone"] = [_("Give the caller's phone number.")]
    chosen = cbd.criterion(criterion)
    if chosen is None:
        errors["criterion"] = [_("Choose the symptom group's criterion.")]
    location = None
    if lat is None or lon is None:
        errors["location"] = [_("Pin the place on the map.")]
    else:
        try:
            location = point_from(lat=lat, lon=lon)
        except InvalidInput as e:
            errors["location"] = [e.detail]
    if patient_age is not None and not 0 <= patient_age <= 130:
        errors["patient_age"] = [_("An age is between 0 and 130.")]
    received_at = received_at or now
    try:
        _check_time(received_at, now, "received_at")
    except InvalidInput as e:
        errors.update(e.field_errors)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                organization=organization,
                caller_name=caller_name.strip(),
                caller_phone=caller_phone.strip(),
                location=location,
                address=address.strip(),
                cbd_group=chosen.group,
                cbd_criterion=chosen.key,
                dispatch_code=chosen.code,
                colour=chosen.colour,
                description=description.strip(),
                patient_name=patient_name.strip(),
                patient_age=patient_age,
                source_ref=source_ref.strip(),
                call_received_at=received_at,
            )
            audit.record_create(actor=actor, organization=organization, instance=incident)
    except IntegrityError as e:
        raise Conflict(_("An incident was already opened from this source.")) from e
    return incident


def _locked(incident: Incident) -> Incident:
    return (
        Incident.objects.select_for_update(of=("self",))
        .select_related("unit", "organization")
        .get(pk=incident.pk)
    )


def incident_dispatch(
    *,
    actor: Actor,
    incident: Incident,
    unit: Unit,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Incident:
    """Send `unit` to the incident: refused (Conflict) when the unit is not available or the incident already
    has one. Locks the unit, then the incident (always in that order)."""
    organization = incident.organization
    require(actor, organization, EmsPerm.EMS_DISPATCH)
    now = now or clock.now()
    at = at or now
    _check_time(at, now, "at")
    if unit.organization_id != organization.pk:
        raise InvalidInput.for_field("unit", _("No such unit."))
    with transaction.atomic():
        locked_unit = Unit.objects.select_for_update().get(pk=unit.pk)
        locked = _locked(incident)
        if locked_unit.status != Unit.Status.AVAILABLE:
            raise Conflict(
                _("%(unit)s is not available (%(status)s).")
                % {"unit": locked_unit, "status": locked_unit.get_status_display()}
            )
        if locked.step != Step.RECEIVED:
            raise Conflict(_("This incident already has a unit."))
        if at < locked.call_received_at:
            raise InvalidInput.for_field("at", _("A unit cannot be dispatched before the call was received."))
        locked.unit = locked_unit
        locked.step = Step.DISPATCHED
        locked.dispatched_at = at
        locked.save(update_fields=["unit", "step", "dispatched_at"])
        locked_unit.status = Unit.Status.ON_MISSION
        locked_unit.save(update_fields=["status"])
        audit.record(
            actor=actor,
            organization=organization,
            instance=locked,
            action=AuditEntry.Action.UPDATE,
            changes={"unit": [None, locked_unit.call_sign], "step": [Step.RECEIVED, Step.DISPATCHED]},
        )
    return locked


def incident_stamp(
    *,
    actor: Actor,
    incident: Incident,
    step: str,
    at: dt.datetime | None = None,
    hospital: str = "",
    now: dt.datetime | None = None,
) -> Incident:
    """Stamp the next step of the operation; a step out of the legal order, or a time before the previous
    step's, is refused and nothing is written. At the hospital the receiving hospital is required; back at base
    frees the unit."""
    organization = incident.organization
    require(actor, organization, EmsPerm.EMS_DISPATCH)
    now = now or clock.now()
    at = at or now
    if step not in STEP_FIELDS or step in (Step.RECEIVED, Step.DISPATCHED):
        raise InvalidInput.for_field("step", _("Unknown step."))
    _check_time(at, now, "at")
    with transaction.atomic():
        if incident.unit_id:
            Unit.objects.select_for_update().filter(
                pk=incident.unit_id
            ).first()  # the unit first, as dispatch
        locked = _locked(incident)
        if step not in NEXT_STEPS[locked.step]:
            raise Conflict(
                _("“%(step)s” cannot follow “%(current)s”.")
                % {"step": Step(step).label, "current": Step(locked.step).label}
            )
        previous = getattr(locked, STEP_FIELDS[locked.step])
        if at < previous:
            raise InvalidInput.for_field(
                "at",
                _("This step cannot be earlier than “%(previous)s”.") % {"previous": Step(locked.step).label},
            )
        changes = {"step": [locked.step, step]}
        fields = ["step", STEP_FIELDS[step]]
        if step == Step.AT_HOSPITAL:
            hospital = hospital.strip() or locked.hospital
            if not hospital:
                raise InvalidInput.for_field("hospital", _("Name the receiving hospital."))
            if hospital != locked.hospital:
                changes["hospital"] = [locked.hospital, hospital]
                locked.hospital = hospital
                fields.append("hospital")
        locked.step = step
        setattr(locked, STEP_FIELDS[step], at)
        locked.save(update_fields=fields)
        if step == Step.BACK_AT_BASE and locked.unit_id:
            Unit.objects.filter(pk=locked.unit_id, status=Unit.Status.ON_MISSION).update(
                status=Unit.Status.AVAILABLE
            )
        audit.record(
            actor=actor,
            organization=organization,
            instance=locked,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
        )
    return locked


def incident_record_care(
    *,
    actor: Actor,
    incident: Incident,
    patient_name: str,
    patient_age: int | None,
    care_notes: str,
    hospital: str,
) -> Incident:
    """The crew's patient care record: who, what was done, where handed over."""
    require(actor, incident.organization, EmsPerm.EMS_DISPATCH)
    if patient_age is not None and not 0 <= patient_age <= 130:
        raise InvalidInput.for_field("patient_age", _("An age is between 0 and 130."))
    with transaction.atomic():
        locked = _locked(incident)
        before = audit.snapshot(locked)
        locked.patient_name = patient_name.strip()
        locked.patient_age = patient_age
        locked.care_notes = care_notes.strip()
        locked.hospital = hospital.strip()
        locked.save(update_fields=["patient_name", "patient_age", "care_notes", "hospital"])
        changes = audit.diff(before, audit.snapshot(locked))
        if changes:
            audit.record(
                actor=actor,
                organization=locked.organization,
                instance=locked,
                action=AuditEntry.Action.UPDATE,
                changes=changes,
            )
    return locked
