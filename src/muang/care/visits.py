"""Writes on home visits and teleconsultations (issue 12, item 3): the month's planned visits from the care
plans, a visit recorded from a phone (idempotent on the phone's UUID), a teleconsultation scheduled.

A visit is recorded once however often the phone sends it: the phone makes a UUID when the form is filled and
every retry carries it; the second send finds the stored visit and answers it again (`VisitResult.replayed`).
Vital signs are checked against plausible ranges (`models.VITAL_RANGES`), each refusal naming its field. Where
the form was filled is compared with the person's home (a flag, never a refusal: the elder may be at the
health centre). An ADL re-score is stored as an `Assessment` (the person's group follows it)."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.care import barthel
from muang.care.models import (
    VITAL_RANGES,
    CarePlan,
    CarePlanStatus,
    Person,
    Visit,
    VisitType,
)
from muang.care.permissions import CarePerm
from muang.care.services.health import assessment_record
from muang.core import audit
from muang.core.access import SYSTEM, Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.images import clean_image
from muang.core.models import Organization
from muang.core.thai_dates import bangkok_date, fiscal_year
from muang.core.validation import point_from

NEAR_HOME_METRES = 200  # default of settings.MUANG_CARE_VISIT_NEAR_METRES
# A phone may keep a form for days without a signal; older than this, the date is more likely a wrong clock.
MAX_FORM_AGE = dt.timedelta(days=14)
CLOCK_SKEW = dt.timedelta(minutes=10)
VITALS = tuple(VITAL_RANGES)
DECIMAL_VITALS = {"weight", "temperature"}
ADL_PREFIX = "adl_"


def near_home_metres() -> int:
    return int(getattr(settings, "MUANG_CARE_VISIT_NEAR_METRES", NEAR_HOME_METRES))


@dataclass(frozen=True)
class VisitResult:
    visit: Visit
    replayed: bool  # the same form sent again: nothing new was stored
    needs_care_plan: bool  # dependent (ADL 0–11) and no active care plan


def _labels() -> dict[str, str]:
    return {f: str(Visit._meta.get_field(f).verbose_name) for f in VITALS}


def clean_vitals(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The vital signs given (blank ones are None), each within its plausible range; errors by field."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    labels = _labels()
    for name, (low, high) in VITAL_RANGES.items():
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            out[name] = None
            continue
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = Decimal(str(raw).strip())
            if not value.is_finite():
                raise ValueError
        except (InvalidOperation, ValueError):
            errors[name] = [_("%(field)s: not a number.") % {"field": labels[name]}]
            continue
        if not low <= value <= high:
            errors[name] = [
                _("%(field)s must be from %(low)s to %(high)s, not %(value)s.")
                % {"field": labels[name], "low": low, "high": high, "value": raw}
            ]
            continue
        if name in DECIMAL_VITALS:
            out[name] = value.quantize(Decimal("0.1"))
        elif value != value.to_integral_value():
            errors[name] = [_("%(field)s: a whole number.") % {"field": labels[name]}]
        else:
            out[name] = int(value)
    sys_, dia = out.get("bp_systolic"), out.get("bp_diastolic")
    if (sys_ is None) != (dia is None) and not {"bp_systolic", "bp_diastolic"} & set(errors):
        missing = "bp_diastolic" if dia is None else "bp_systolic"
        errors[missing] = [_("Give both blood pressure figures (systolic and diastolic).")]
    elif sys_ is not None and dia is not None and dia >= sys_:
        errors["bp_diastolic"] = [_("The diastolic pressure must be lower than the systolic.")]
    return out, errors


def clean_adl(data: Mapping[str, Any]) -> tuple[dict[str, int] | None, dict[str, list[str]]]:
    """The optional ADL re-score: every item (`adl_feeding`, …) or none."""
    given = {item: data.get(ADL_PREFIX + item) for item in barthel.ITEMS}
    given = {k: v for k, v in given.items() if v is not None and v != ""}
    if not given:
        return None, {}
    items: dict[str, Any] = {}
    for item in barthel.ITEMS:
        value = given.get(item)
        try:
            items[item] = int(value) if value is not None and not isinstance(value, bool) else value
        except (TypeError, ValueError):
            items[item] = value
    errors = {
        ADL_PREFIX + item: [
            _("ADL %(item)s: score from 0 to %(high)s.") % {"item": _adl_label(item), "high": high}
        ]
        for item, high in barthel.out_of_range(items).items()
    }
    return (None if errors else items), errors


def _adl_label(item: str) -> str:
    from muang.care.forms import ITEM_LABELS

    return str(ITEM_LABELS[item])


def clean_client_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value or ""))
    except ValueError as e:
        raise InvalidInput.for_field(
            "client_uuid", _("The form has no valid identifier (UUID): send it from the visit page again.")
        ) from e


def _replay(organization: Organization, client_uuid: uuid.UUID, person_id: Any) -> VisitResult | None:
    visit = (
        Visit.objects.filter(organization=organization, client_uuid=client_uuid)
        .select_related("person", "assessment")
        .first()
    )
    if visit is None:
        return None
    if str(visit.person_id) != str(person_id):
        raise Conflict(_("This form identifier was already used for another person's visit."))
    return VisitResult(visit, replayed=True, needs_care_plan=needs_care_plan(visit.person))


def needs_care_plan(person: Person) -> bool:
    if person.adl_group not in barthel.DEPENDENT:
        return False
    return not CarePlan.objects.filter(person=person, status=CarePlanStatus.ACTIVE).exists()


def _person(organization: Organization, person_id: Any) -> Person:
    person = (
        Person.objects.filter(organization=organization, pk=person_id, anonymized_at__isnull=True).first()
        if str(person_id or "").isdigit()
        else None
    )
    if person is None:  # another organisation's person is not one of ours
        raise InvalidInput.for_field(
            "person_id", _("No person %(id)s in this organisation's register.") % {"id": person_id}
        )
    if person.died_on is not None:
        raise InvalidInput.for_field("person_id", _("The person has died: no visit can be recorded."))
    return person


def _when(value: Any, *, now: dt.datetime, field: str = "done_at") -> dt.datetime:
    if value in (None, ""):
        return now
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError as e:
            raise InvalidInput.for_field(field, _("Not a date and time.")) from e
    if not isinstance(value, dt.datetime):
        raise InvalidInput.for_field(field, _("Not a date and time."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + CLOCK_SKEW:
        raise InvalidInput.for_field(field, _("The visit cannot be dated in the future."))
    if value < now - MAX_FORM_AGE:
        raise InvalidInput.for_field(
            field, _("The visit is dated more than 14 days ago: check the phone's date.")
        )
    return value


def _check_tele(data: Mapping[str, Any], errors: dict[str, list[str]], *, now: dt.datetime, done: bool):
    link = str(data.get("video_link") or "").strip()
    if not link.startswith("https://") or len(link) > 500 or " " in link:
        errors["video_link"] = [_("A teleconsultation needs its video link (https://…).")]
    if done and not str(data.get("outcome") or "").strip():
        errors["outcome"] = [_("Record the outcome of the teleconsultation.")]
    return link


def _location(data: Mapping[str, Any], errors: dict[str, list[str]]):
    lat, lon = data.get("lat"), data.get("lon")
    if lat in (None, "") and lon in (None, ""):
        return None
    try:
        return point_from(lat=float(lat), lon=float(lon))
    except (TypeError, ValueError):
        errors["location"] = [_("Give both latitude and longitude, or neither.")]
    except InvalidInput as e:
        errors["location"] = [e.detail]
    return None


def _distance_m(person: Person, where) -> float | None:
    if where is None or person.location is None:
        return None
    row = Person.objects.filter(pk=person.pk).annotate(d=Distance("location", where)).values("d").first()
    return round(row["d"].m, 1) if row and row["d"] is not None else None


def visit_record(
    *,
    actor: Actor,
    organization: Organization,
    data: Mapping[str, Any],
    now: dt.datetime,
    photo: File | None = None,
) -> VisitResult:
    """A visit done (a home visit, or a teleconsultation's outcome) as the phone sends it. `data`:
    client_uuid, person_id, visit_type (home/tele), done_at (when the form was filled; now when left out),
    planned_visit_id (the planned visit it completes; the person's oldest due one when left out), the vital
    signs, notes, lat/lon where it was filled, adl_<item> for an ADL re-score, video_link/outcome (tele)."""
    require(actor, organization, CarePerm.CARE_EDIT)
    client_uuid = clean_client_uuid(data.get("client_uuid"))
    if (replay := _replay(organization, client_uuid, data.get("person_id"))) is not None:
        return replay
    person = _person(organization, data.get("person_id"))
    errors: dict[str, list[str]] = {}
    visit_type = data.get("visit_type") or VisitType.HOME
    if visit_type not in VisitType.values:
        errors["visit_type"] = [_("Choose a home visit or a teleconsultation.")]
    try:
        done_at = _when(data.get("done_at"), now=now)
    except InvalidInput as e:
        errors.update(e.field_errors)
        done_at = now
    vitals, vital_errors = clean_vitals(data)
    errors.update(vital_errors)
    items, adl_errors = clean_adl(data)
    errors.update(adl_errors)
    link = _check_tele(data, errors, now=now, done=True) if visit_type == VisitType.TELE else ""
    where = _location(data, errors)
    notes = str(data.get("notes") or "").strip()
    if len(notes) > 4000:
        errors["notes"] = [_("At most 4,000 characters.")]
    image = None
    if photo is not None:
        try:
            image = clean_image(photo, field="photo")
        except InvalidInput as e:
            errors.update(e.field_errors)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    distance = _distance_m(person, where)
    try:
        with transaction.atomic():
            visit = _planned_for(organization, person, data.get("planned_visit_id"), visit_type, done_at)
            is_new = visit is None
            if is_new:
                visit = Visit(organization=organization, person=person, plan=_active_plan(person))
                before: dict[str, Any] = {}
            else:
                before = audit.snapshot(visit)
            visit.client_uuid = client_uuid
            visit.visit_type = visit_type
            visit.caregiver = actor.user
            visit.done_at = done_at
            visit.notes = notes
            visit.filled_at = where
            visit.distance_from_home_m = distance
            visit.near_home = None if distance is None else distance <= near_home_metres()
            if visit_type == VisitType.TELE:
                visit.video_link = link
                visit.outcome = str(data.get("outcome") or "").strip()[:4000]
                visit.scheduled_at = visit.scheduled_at or done_at
            for name, value in vitals.items():
                setattr(visit, name, value)
            if items is not None:
                visit.assessment = assessment_record(
                    actor=actor,
                    person=person,
                    assessed_on=bangkok_date(done_at),
                    items=items,
                    today=bangkok_date(now),
                    notes=_("ADL re-scored on a visit"),
                )
            visit.save()
            if image is not None:
                visit.photo.save(image.name, image, save=True)
            if is_new:
                audit.record_create(actor=actor, organization=organization, instance=visit)
            else:
                audit.record(
                    actor=actor,
                    organization=organization,
                    instance=visit,
                    action="update",
                    changes=audit.diff(before, audit.snapshot(visit)),
                )
    except IntegrityError:
        # The same form arrived twice at the same moment: the other request stored it.
        if (replay := _replay(organization, client_uuid, person.pk)) is not None:
            return replay
        raise
    person.refresh_from_db(fields=["adl_group"])
    return VisitResult(visit, replayed=False, needs_care_plan=needs_care_plan(person))


def _active_plan(person: Person) -> CarePlan | None:
    return (
        CarePlan.objects.filter(person=person, status=CarePlanStatus.ACTIVE).order_by("-fiscal_year").first()
    )


def _planned_for(
    organization: Organization, person: Person, planned_id: Any, visit_type: str, done_at: dt.datetime
) -> Visit | None:
    """The planned visit this form completes (locked): the one named, or the person's oldest due one."""
    planned = Visit.objects.select_for_update().filter(organization=organization, person=person)
    if planned_id not in (None, ""):
        visit = planned.filter(pk=planned_id).first() if str(planned_id).isdigit() else None
        if visit is None:
            raise InvalidInput.for_field(
                "planned_visit_id", _("No planned visit %(id)s for this person.") % {"id": planned_id}
            )
        if visit.done_at is not None:
            raise Conflict(_("This planned visit was already recorded by someone else."))
        if visit.visit_type != visit_type:
            raise InvalidInput.for_field("visit_type", _("The planned visit is of another type."))
        return visit
    return (
        planned.filter(done_at__isnull=True, visit_type=visit_type, planned_on__lte=bangkok_date(done_at))
        .order_by("planned_on", "id")
        .first()
    )


def teleconsultation_schedule(
    *,
    actor: Actor,
    organization: Organization,
    person_id: Any,
    scheduled_at: dt.datetime,
    video_link: str,
    now: dt.datetime,
    notes: str = "",
) -> Visit:
    """A call with the hospital, planned: its time and its own video link. Its outcome is recorded later as
    the visit done (`visit_record` with `planned_visit_id`)."""
    require(actor, organization, CarePerm.CARE_EDIT)
    person = _person(organization, person_id)
    errors: dict[str, list[str]] = {}
    link = _check_tele({"video_link": video_link}, errors, now=now, done=False)
    if not isinstance(scheduled_at, dt.datetime):
        errors["scheduled_at"] = [_("Give the date and time of the call.")]
    elif scheduled_at < now - CLOCK_SKEW:
        errors["scheduled_at"] = [_("The call cannot be scheduled in the past.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    with transaction.atomic():
        visit = Visit.objects.create(
            organization=organization,
            person=person,
            plan=_active_plan(person),
            visit_type=VisitType.TELE,
            planned_on=bangkok_date(scheduled_at),
            scheduled_at=scheduled_at,
            video_link=link,
            notes=notes.strip()[:4000],
        )
        audit.record_create(actor=actor, organization=organization, instance=visit)
    return visit


def planned_days(month: dt.date, visits_per_month: int) -> list[dt.date]:
    """`visits_per_month` days spread evenly over the month (weekly for four: the 1st, 8th, 16th, 23rd…)."""
    days = calendar.monthrange(month.year, month.month)[1]
    n = max(1, min(visits_per_month, days))
    return sorted({month.replace(day=1 + (k * days) // n) for k in range(n)})


def visits_plan_month(*, organization: Organization, month: dt.date, actor: Actor = SYSTEM) -> int:
    """Plan the month's home visits of every active care plan of its fiscal year (the plan's visits a month,
    which follows the ADL group unless the plan says otherwise). Planning again plans nothing more (one
    planned visit per plan and day); returns how many were planned."""
    require(actor, organization, CarePerm.CARE_EDIT)
    first = month.replace(day=1)
    plans = CarePlan.objects.filter(
        organization=organization,
        status=CarePlanStatus.ACTIVE,
        fiscal_year=fiscal_year(first),
        person__died_on__isnull=True,
        person__anonymized_at__isnull=True,
    ).values_list("pk", "person_id", "visits_per_month")
    rows = [
        Visit(
            organization=organization,
            person_id=person_id,
            plan_id=plan_id,
            visit_type=VisitType.HOME,
            planned_on=day,
        )
        for plan_id, person_id, per_month in plans
        for day in planned_days(first, per_month)
    ]
    with transaction.atomic():
        before = _planned_count(organization, first)
        Visit.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        return _planned_count(organization, first) - before


def _planned_count(organization: Organization, first: dt.date) -> int:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return Visit.objects.filter(
        organization=organization, plan__isnull=False, planned_on__range=(first, last)
    ).count()
