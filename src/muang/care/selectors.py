"""Reads of the care register. The tenant is explicit; a health record is read only with a purpose, and
every such read is audited (`core.audit.record_read`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from muang.care.models import (
    Assessment,
    CarePlan,
    Enrolment,
    EnrolmentStatus,
    Group,
    Person,
    Programme,
    ReadPurpose,
)
from muang.care.permissions import CarePerm
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput, NotFound
from muang.core.models import Organization
from muang.core.thai_id import ID_LENGTH, normalize_thai_id

MIN_NAME_SEARCH = 2


def search_filter(q: str) -> tuple[Q, tuple]:
    """A national ID (or its first digits) or a part of the name, and the order of the matches. IDs are 13
    digits, so "starts with" is a range on the unique (organization, national_id) index; a name part uses the
    trigram index (`LIKE '%…%'`), its matches sorted NULLS FIRST (the column is never null, so the order is the
    same), which the (organization, full_name) index cannot give: otherwise the planner may walk that index in
    order, filtering every row for the name (80 ms for a common surname at 100,000 people) instead of sorting
    the few hundred rows the trigram index finds (1 ms)."""
    text = q.strip()
    digits = normalize_thai_id(text)
    if digits.isdigit():
        if len(digits) >= ID_LENGTH:
            return Q(national_id=digits), ("national_id",)
        low, high = digits.ljust(ID_LENGTH, "0"), digits.ljust(ID_LENGTH, "9")
        return Q(national_id__gte=low, national_id__lte=high), ("national_id",)
    if len(text) < MIN_NAME_SEARCH:
        raise InvalidInput.for_field(
            "q", _("Type at least %(n)s letters of the name.") % {"n": MIN_NAME_SEARCH}
        )
    return Q(full_name__contains=text), (F("full_name").asc(nulls_first=True), "id")


def people_of(
    *,
    actor: Actor,
    organization: Organization,
    q: str = "",
    group: str = "",
    programme: str = "",
    area: GEOSGeometry | None = None,
    include_anonymized: bool = False,
) -> QuerySet[Person]:
    """The register, filtered: a name or ID, the ADL group, a programme someone is enrolled in, an area
    (a bbox or polygon: who is bed-bound in the flooded area)."""
    require(actor, organization, CarePerm.CARE_VIEW)
    people = Person.objects.filter(organization=organization)
    if not include_anonymized:
        people = people.filter(anonymized_at__isnull=True)
    order: tuple = ("full_name", "id")
    if q.strip():
        condition, order = search_filter(q)
        people = people.filter(condition)
    if group:
        if group not in Group.values:
            raise InvalidInput.for_field("group", _("Unknown ADL group: %(v)s") % {"v": group})
        people = people.filter(adl_group=group)
    if programme:
        if programme not in Programme.values:
            raise InvalidInput.for_field("programme", _("Unknown programme: %(v)s") % {"v": programme})
        people = people.filter(
            pk__in=Enrolment.objects.filter(
                organization=organization, programme=programme, status=EnrolmentStatus.ACTIVE
            ).values("person_id")
        )
    if area is not None:
        people = people.filter(location__intersects=area)
    return people.order_by(*order)


def area_from(*, bbox: str = "", polygon: str = "") -> GEOSGeometry | None:
    """The area filter of the map and the lists: a bbox ("w,s,e,n") or a GeoJSON polygon."""
    from muang.core.geo import SRID, BBox

    if bbox:
        return BBox.parse(bbox).polygon()
    if polygon:
        try:
            geometry = GEOSGeometry(polygon, srid=SRID)
        except (ValueError, TypeError) as e:
            raise InvalidInput.for_field("polygon", _("Not a GeoJSON polygon.")) from e
        if not isinstance(geometry, Polygon) or not geometry.valid or geometry.num_coords > 5000:
            raise InvalidInput.for_field("polygon", _("Not a valid polygon."))
        return geometry
    return None


def get_person_for(*, actor: Actor, organization: Organization, person_id: int) -> Person:
    require(actor, organization, CarePerm.CARE_VIEW)
    person = Person.objects.filter(organization=organization, pk=person_id).first()
    if person is None:  # another organisation's person is simply not found
        raise NotFound(_("No person %(id)s.") % {"id": person_id})
    return person


@dataclass(frozen=True)
class PlanView:
    plan: CarePlan
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.plan.budget - self.spent


@dataclass(frozen=True)
class HealthRecord:
    person: Person
    enrolments: list[Enrolment]
    assessments: list[Assessment]  # oldest first
    plans: list[PlanView]
    purpose: str

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[-1] if self.assessments else None


def clean_purpose(purpose: str) -> str:
    if purpose not in ReadPurpose.values:
        raise InvalidInput.for_field("purpose", _("Choose why you open this health record."))
    return purpose


def health_record(*, actor: Actor, organization: Organization, person_id: int, purpose: str) -> HealthRecord:
    """A person's health record (programmes, ADL history, care plans), read for a purpose: audited."""
    purpose = clean_purpose(purpose)
    person = get_person_for(actor=actor, organization=organization, person_id=person_id)
    plans = (
        CarePlan.objects.filter(person=person)
        .select_related("care_manager")
        .annotate(spent=Sum("spendings__amount"))
        .order_by("-fiscal_year", "-id")
    )
    record = HealthRecord(
        person=person,
        enrolments=list(person.enrolments.order_by("programme", "-started_on")),
        assessments=list(person.assessments.order_by("assessed_on", "id")),
        plans=[PlanView(p, p.spent or Decimal(0)) for p in plans],
        purpose=purpose,
    )
    audit.record_read(
        actor=actor, organization=organization, instance=person, purpose=purpose, what="health record"
    )
    return record


def assessments_of(*, actor: Actor, person: Person) -> QuerySet[Assessment]:
    require(actor, person.organization, CarePerm.CARE_VIEW)
    return person.assessments.order_by("assessed_on", "id")


def plans_of(*, actor: Actor, organization: Organization) -> QuerySet[CarePlan]:
    require(actor, organization, CarePerm.CARE_VIEW)
    return (
        CarePlan.objects.filter(organization=organization)
        .select_related("care_manager")
        .prefetch_related(Prefetch("spendings"))
        .order_by("-fiscal_year", "id")
    )


@dataclass(frozen=True)
class Counts:
    """What the district and the province see: numbers, no person."""

    people: int
    by_group: dict[str, int]
    by_programme: dict[str, int]
    dependent_with_plan: int
    dependent: int


_COUNTS_SQL = """
SELECT p.adl_group, count(*),
       count(*) FILTER (WHERE p.adl_group = ANY(%(dependent)s) AND EXISTS (
           SELECT 1 FROM care_careplan c
           WHERE c.person_id = p.id AND c.status = 'active' AND c.fiscal_year = %(fiscal_year)s)),
       (SELECT coalesce(json_object_agg(e.programme, e.n), '{}'::json) FROM (
           SELECT programme, count(*) AS n FROM care_enrolment
           WHERE organization_id = %(org)s AND status = 'active' GROUP BY programme) e)
FROM care_person p
WHERE p.organization_id = %(org)s AND p.anonymized_at IS NULL AND p.died_on IS NULL
GROUP BY p.adl_group
"""


def counts(*, actor: Actor, organization: Organization, today: dt.date) -> Counts:
    """The register's numbers in one statement: people per ADL group (with those not yet assessed), the
    dependent (home- or bed-bound) and those of them with an active care plan of the fiscal year of `today`,
    and the active enrolments per programme."""
    from django.db import connection

    from muang.core.thai_dates import fiscal_year

    require(actor, organization, CarePerm.CARE_COUNTS)
    params = {
        "org": organization.pk,
        "fiscal_year": fiscal_year(today),
        "dependent": [Group.HOME.value, Group.BED.value],
    }
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS_SQL, params)
        rows = cursor.fetchall()
    by_group = {group: n for group, n, _planned, _programmes in rows}
    by_programme = rows[0][3] if rows else {}
    if isinstance(by_programme, str):  # json, as the driver hands it over
        import json

        by_programme = json.loads(by_programme)
    return Counts(
        people=sum(by_group.values()),
        by_group={g: by_group.get(g, 0) for g in Group.values},
        by_programme={p: by_programme.get(p, 0) for p in Programme.values},
        dependent_with_plan=sum(planned for _group, _n, planned, _programmes in rows),
        dependent=sum(by_group.get(g, 0) for g in (Group.HOME, Group.BED)),
    )
