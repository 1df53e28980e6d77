"""Reads of home visits: the caregiver's list for today (overdue first, then due), the visits of the register,
one visit read for a purpose (audited: vital signs are health data, PDPA s.26)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from muang.care.models import Person, Visit, VisitType
from muang.care.permissions import CarePerm
from muang.care.selectors import clean_purpose, get_person_for
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput, NotFound
from muang.core.models import Organization
from muang.core.thai_dates import bangkok_days
from muang.core.uploads import FileRead, Visibility

# How far back the list for today reaches: a visit missed for longer is a planning matter, not today's round.
OVERDUE_DAYS = 31


@dataclass(frozen=True)
class DueVisit:
    visit: Visit
    overdue: bool


def visits_due(*, actor: Actor, organization: Organization, today: dt.date) -> list[DueVisit]:
    """The round for today: planned visits not done, planned up to today (the overdue first, oldest first),
    and the teleconsultations scheduled for today; people alive and not anonymised."""
    require(actor, organization, CarePerm.CARE_VIEW)
    start, end = bangkok_days(today, today)
    rows = (
        Visit.objects.filter(
            organization=organization,
            done_at__isnull=True,
            person__died_on__isnull=True,
            person__anonymized_at__isnull=True,
        )
        .filter(
            Q(
                visit_type=VisitType.HOME,
                planned_on__lte=today,
                planned_on__gte=today - dt.timedelta(OVERDUE_DAYS),
            )
            | Q(visit_type=VisitType.TELE, scheduled_at__gte=start, scheduled_at__lt=end)
        )
        .select_related("person")
        .order_by("planned_on", "scheduled_at", "person__full_name", "id")
    )
    return [DueVisit(v, overdue=v.planned_on is not None and v.planned_on < today) for v in rows]


def visits_of(
    *, actor: Actor, organization: Organization, person_id: int | None = None, state: str = ""
) -> QuerySet[Visit]:
    """The register's visits (no vital signs are shown from this list): a person's, done or planned."""
    require(actor, organization, CarePerm.CARE_VIEW)
    visits = Visit.objects.filter(organization=organization)
    if person_id is not None:
        visits = visits.filter(person_id=person_id)
    if state == "done":
        visits = visits.filter(done_at__isnull=False)
    elif state == "planned":
        visits = visits.filter(done_at__isnull=True)
    elif state:
        raise InvalidInput.for_field("state", _("Choose done or planned."))
    return visits.order_by("-planned_on", "-done_at", "-id")


def visit_read(*, actor: Actor, organization: Organization, visit_id: int, purpose: str) -> Visit:
    """One visit with its vital signs, read for a purpose (kept in the audit log with who and when)."""
    purpose = clean_purpose(purpose)
    require(actor, organization, CarePerm.CARE_VIEW)
    visit = (
        Visit.objects.filter(organization=organization, pk=visit_id)
        .select_related("person", "assessment", "caregiver")
        .first()
    )
    if visit is None:
        raise NotFound(_("No visit %(id)s.") % {"id": visit_id})
    audit.record_read(actor=actor, organization=organization, instance=visit, purpose=purpose, what="visit")
    return visit


def planned_visit_of(*, actor: Actor, person: Person, visit_id: str) -> Visit | None:
    """The planned (not yet done) visit of this person the form completes, if the round named one."""
    require(actor, person.organization, CarePerm.CARE_VIEW)
    if not str(visit_id).isdigit():
        return None
    return Visit.objects.filter(person=person, pk=visit_id, done_at__isnull=True).first()


def person_for_visit(*, actor: Actor, organization: Organization, person_id: int) -> Person:
    """The person card of the visit form: opening it is a read of the health record for a home visit."""
    person = get_person_for(actor=actor, organization=organization, person_id=person_id)
    if person.anonymized_at is not None or person.died_on is not None:
        raise NotFound(_("No person %(id)s.") % {"id": person_id})
    audit.record_read(
        actor=actor, organization=organization, instance=person, purpose="visit", what="visit form"
    )
    return person


def read_visit_photo(read: FileRead) -> Visibility:
    """Who may see a visit's photo (/files/care-visits/...): staff with the care duty of its organisation."""
    visit = (
        Visit.objects.filter(
            organization_id=read.organization_id, photo=read.name, organization__is_active=True
        )
        .select_related("organization")
        .first()
    )
    if visit is None:
        raise NotFound(_("No such file."))
    require(read.actor, visit.organization, CarePerm.CARE_VIEW)
    return Visibility.PERSONAL


def care_managers(*, actor: Actor, organization: Organization) -> list:
    """Who may manage a care plan: active staff of the organisation whose department holds the care duty."""
    from muang.care.permissions import CARE_STAFF
    from muang.core.models import Duty, User

    require(actor, organization, CarePerm.CARE_EDIT)
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization=organization,
            memberships__role__in=CARE_STAFF,
            memberships__department__duties__contains=[Duty.CARE],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
