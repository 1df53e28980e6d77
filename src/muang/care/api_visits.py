"""/api/v1/organizations/{slug}/care/visits: home visits and teleconsultations (list, record, read one).

Recording is idempotent on the phone's `client_uuid`: the same visit sent twice is stored once, and the second
answer is the first one again (same status and body, with `Idempotent-Replayed: true`). Reading a visit's vital
signs takes `?purpose=` and is kept in the audit log; the list shows no vital signs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from muang.care import visit_selectors, visits
from muang.care.access_log import care_organization_for
from muang.care.permissions import CarePerm
from muang.care.schemas import (
    CareVisitIn,
    CareVisitOut,
    CareVisitRecordedOut,
    CareVisitSummaryOut,
    TeleconsultationIn,
)
from muang.core.api import actor
from muang.core.pagination import paginated

router = Router(tags=["care"])
BASE = "/organizations/{slug}/care"


def _org(request: HttpRequest, slug: str, perm: str):
    return care_organization_for(actor(request), slug, perm, where=request.path)


@router.get(BASE + "/visits", response=list[CareVisitSummaryOut])
@paginated()
def visits_list(request: HttpRequest, slug: str, person_id: int | None = None, state: str = ""):
    """Visits of the register, newest first: a person's (`person_id`), `done` or `planned`. No vital signs:
    read one visit with a purpose for those."""
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    return visit_selectors.visits_of(
        actor=actor(request), organization=organization, person_id=person_id, state=state
    )


@router.post(BASE + "/visits", response={201: CareVisitRecordedOut})
def visits_create(request: HttpRequest, response: HttpResponse, slug: str, payload: CareVisitIn):
    """Record a visit done (idempotent on `client_uuid`)."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    data = payload.dict()
    adl = data.pop("adl") or {}
    data.update({visits.ADL_PREFIX + item: score for item, score in adl.items()})
    result = visits.visit_record(
        actor=actor(request), organization=organization, data=data, now=timezone.now()
    )
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, _recorded(result))


def _recorded(result: visits.VisitResult) -> dict:
    return {
        "visit": result.visit,
        "person_group": result.visit.person.adl_group,
        "needs_care_plan": result.needs_care_plan,
    }


@router.post(BASE + "/visits/teleconsultations", response={201: CareVisitSummaryOut})
def teleconsultations_create(request: HttpRequest, slug: str, payload: TeleconsultationIn):
    """Schedule a call with the hospital (its time and video link): a planned visit of type `tele`, whose
    outcome is recorded later as the visit done (`POST .../visits` with `planned_visit_id`)."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    visit = visits.teleconsultation_schedule(
        actor=actor(request), organization=organization, now=timezone.now(), **payload.dict()
    )
    return Status(201, visit)


@router.get(BASE + "/visits/{visit_id}", response=CareVisitOut)
def visits_get(request: HttpRequest, slug: str, visit_id: int, purpose: Query[str] = ""):
    """One visit with its vital signs, read for a `purpose` (kept in the audit log with who and when)."""
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    return visit_selectors.visit_read(
        actor=actor(request), organization=organization, visit_id=visit_id, purpose=purpose
    )
