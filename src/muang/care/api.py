"""/api/v1/organizations/{slug}/care/...: people, programmes, ADL assessments, care plans, the person's own
export and anonymisation, and the counts the district and province see.

Reading a health record takes `?purpose=` (care, assessment, visit, emergency, person_request): it is kept
with who read it and when in the audit log."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from muang.care import selectors, services
from muang.care.access_log import care_organization_for
from muang.care.imports import people_import
from muang.care.models import Enrolment
from muang.care.permissions import CarePerm
from muang.care.schemas import (
    AdlAssessmentOut,
    AssessmentIn,
    CarePlanIn,
    CarePlanOut,
    CountsOut,
    EnrolmentEndIn,
    EnrolmentIn,
    EnrolmentOut,
    HealthRecordOut,
    ImportOut,
    PersonIn,
    PersonOut,
    SpendingIn,
    SpendingOut,
)
from muang.care.selectors import HealthRecord
from muang.core.api import actor
from muang.core.errors import InvalidInput, NotFound
from muang.core.pagination import paginated
from muang.core.thai_dates import bangkok_date

router = Router(tags=["care"])
BASE = "/organizations/{slug}/care"
MAX_UPLOAD = 20 * 1024 * 1024


def _org(request: HttpRequest, slug: str, perm: str):
    return care_organization_for(actor(request), slug, perm, where=request.path)


def _today():
    return bangkok_date(timezone.now())


def _record_out(record: HealthRecord) -> dict:
    person = record.person
    return {
        "person": person,
        "emergency_contacts": person.emergency_contacts,
        "line_linked": bool(person.line_user_id),
        "enrolments": record.enrolments,
        "assessments": record.assessments,
        "care_plans": [_plan_out(view.plan, view.spent) for view in record.plans],
        "purpose": record.purpose,
    }


def _plan_out(plan, spent) -> dict:
    return {
        **{
            f: getattr(plan, f)
            for f in ("id", "person_id", "fiscal_year", "group", "goals", "care_manager_id")
        },
        **{f: getattr(plan, f) for f in ("caregivers", "visits_per_month", "budget", "status")},
        "spent": spent,
    }


@router.get(BASE + "/people", response=list[PersonOut])
@paginated()
def people_list(
    request: HttpRequest,
    slug: str,
    q: str = "",
    group: str = "",
    programme: str = "",
    bbox: str = "",
    polygon: str = "",
):
    """The register: a name or national ID (`q`), the ADL group, a programme, an area (`bbox` or a GeoJSON
    `polygon`, e.g. the flooded area)."""
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    area = selectors.area_from(bbox=bbox, polygon=polygon)
    return selectors.people_of(
        actor=actor(request), organization=organization, q=q, group=group, programme=programme, area=area
    )


@router.post(BASE + "/people", response={201: PersonOut})
def people_create(request: HttpRequest, slug: str, payload: PersonIn):
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    person = services.person_create(
        actor=actor(request), organization=organization, today=_today(), **payload.dict()
    )
    return Status(201, person)


@router.post(BASE + "/people/import", response=ImportOut)
def people_import_file(request: HttpRequest, slug: str, file: File[UploadedFile], dry_run: Form[bool] = True):
    """The department's list (.csv or .xlsx): `dry_run` (the default) checks every row and writes nothing."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    if file.size is None or file.size > MAX_UPLOAD:
        raise InvalidInput.for_field("file", _("The file is larger than 20 MB."))
    report = people_import(
        actor=actor(request),
        organization=organization,
        data=file.read(),
        filename=file.name or "",
        dry_run=dry_run,
        today=_today(),
    )
    return {
        "dry_run": report.dry_run,
        "rows_total": report.rows_total,
        "accepted": report.accepted,
        "imported": report.imported,
        "rejected": [{"row": r.row, "field": r.field, "message": r.message} for r in report.rejected[:500]],
    }


@router.get(BASE + "/people/{person_id}", response=HealthRecordOut)
def people_get(request: HttpRequest, slug: str, person_id: int, purpose: Query[str] = ""):
    """A person's health record, read for a `purpose` (kept in the audit log with who and when)."""
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    record = selectors.health_record(
        actor=actor(request), organization=organization, person_id=person_id, purpose=purpose
    )
    return _record_out(record)


@router.put(BASE + "/people/{person_id}", response=PersonOut)
def people_update(request: HttpRequest, slug: str, person_id: int, payload: PersonIn):
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    person = selectors.get_person_for(actor=actor(request), organization=organization, person_id=person_id)
    return services.person_update(actor=actor(request), person=person, today=_today(), **payload.dict())


@router.get(BASE + "/people/{person_id}/export")
def people_export(request: HttpRequest, slug: str, person_id: int):
    """Everything kept about the person, for them (PDPA s.30): audited as a read for the person's request."""
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    person = selectors.get_person_for(actor=actor(request), organization=organization, person_id=person_id)
    return services.person_data_export(actor=actor(request), person=person)


@router.post(BASE + "/people/{person_id}/anonymize", response=PersonOut)
def people_anonymize(request: HttpRequest, slug: str, person_id: int):
    """Erase what identifies the person, on their request (PDPA s.33); refused while a programme is open."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    person = selectors.get_person_for(actor=actor(request), organization=organization, person_id=person_id)
    return services.person_anonymize(actor=actor(request), person=person, now=timezone.now())


@router.post(BASE + "/people/{person_id}/enrolments", response={201: EnrolmentOut})
def enrolments_create(request: HttpRequest, slug: str, person_id: int, payload: EnrolmentIn):
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    person = selectors.get_person_for(actor=actor(request), organization=organization, person_id=person_id)
    return Status(201, services.enrolment_create(actor=actor(request), person=person, **payload.dict()))


@router.post(BASE + "/enrolments/{enrolment_id}/end", response=EnrolmentOut)
def enrolments_end(request: HttpRequest, slug: str, enrolment_id: int, payload: EnrolmentEndIn):
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    enrolment = (
        Enrolment.objects.select_related("person__organization")
        .filter(organization=organization, pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise NotFound(_("No enrolment %(id)s.") % {"id": enrolment_id})
    return services.enrolment_end(actor=actor(request), enrolment=enrolment, ended_on=payload.ended_on)


@router.post(BASE + "/people/{person_id}/assessments", response={201: AdlAssessmentOut})
def assessments_create(request: HttpRequest, slug: str, person_id: int, payload: AssessmentIn):
    """A Barthel ADL assessment: ten items with their own ranges, the total (0–20) and group follow."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    person = selectors.get_person_for(actor=actor(request), organization=organization, person_id=person_id)
    data = payload.dict()
    assessed_on, notes = data.pop("assessed_on"), data.pop("notes")
    assessment = services.assessment_record(
        actor=actor(request), person=person, assessed_on=assessed_on, items=data, notes=notes, today=_today()
    )
    return Status(201, assessment)


@router.post(BASE + "/people/{person_id}/care-plans", response={201: CarePlanOut})
def care_plans_create(request: HttpRequest, slug: str, person_id: int, payload: CarePlanIn):
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    person = selectors.get_person_for(actor=actor(request), organization=organization, person_id=person_id)
    data = payload.dict()
    plan = services.care_plan_create(
        actor=actor(request),
        person=person,
        goals=data["goals"],
        care_manager_id=data["care_manager_id"],
        caregivers=data["caregivers"],
        visits_per_month=data["visits_per_month"],
        fiscal_year_be=data["fiscal_year"],
        today=_today(),
    )
    return Status(201, _plan_out(plan, 0))


@router.post(BASE + "/care-plans/{plan_id}/spending", response={201: SpendingOut})
def care_plans_spend(request: HttpRequest, slug: str, plan_id: int, payload: SpendingIn):
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    plan = selectors.plans_of(actor=actor(request), organization=organization).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No care plan %(id)s.") % {"id": plan_id})
    return Status(201, services.spending_record(actor=actor(request), plan=plan, **payload.dict()))


@router.get(BASE + "/counts", response=CountsOut)
def care_counts(request: HttpRequest, slug: str):
    """Counts by ADL group and programme, no person: what executives and the overseeing district and
    province see."""
    organization = _org(request, slug, CarePerm.CARE_COUNTS)
    return selectors.counts(actor=actor(request), organization=organization, today=_today()).__dict__
