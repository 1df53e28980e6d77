"""Staff endpoints of the case engine: the queue, a case with its timeline, and every transition.

A case is addressed by its tracking code (`/cases/{code}`), unique platform-wide, so that staff of an
organisation invited as co-responsible reach it with the same URL. Each endpoint parses, calls one selector
or service, and answers with the case as it now is.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from muang.cases.permissions import CasePerm
from muang.core.access import Actor, get_organization_for
from muang.core.api import actor
from muang.core.errors import InvalidInput
from muang.core.pagination import paginated
from muang.core.validation import point_from

from . import selectors, services
from .models import Case
from .schemas import (
    AssignIn,
    AttachmentIn,
    CaseCreateIn,
    CaseDetailOut,
    CaseQueueQuery,
    CaseSummaryOut,
    CaseTransitionOut,
    CategoryChangeIn,
    CategoryOut,
    DuplicateIn,
    ForwardIn,
    InvitationOut,
    InviteIn,
    NoteIn,
    NoteOut,
    RatingIn,
    ReopenIn,
    StatusChangeIn,
    StatusOut,
)

router = Router(tags=["cases"])


def _detail(a: Actor, case) -> selectors.CaseDetail:
    """The case as the service returns it (just locked and read afresh, relations loaded): not fetched again."""
    return selectors.case_detail(actor=a, case=case)


@dataclass
class _Transition:
    """A transition's answer (`CaseTransitionOut`): the case the service returns (locked, read and written in
    its transaction), the fields it changed and the events it wrote, read through, nothing fetched again."""

    case: Case
    changed: list[str]
    events: list

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "case":
            raise AttributeError(name)
        return getattr(self.case, name)


def _changed(case: Case) -> _Transition:
    return _Transition(
        case=case, changed=services.written_changes(case), events=services.written_events(case)
    )


def _handle(a: Actor, code: str, perm: str) -> Case:
    """The case a transition works on, for the service to lock and read (one locked fetch per transition)."""
    return selectors.case_handle_for(actor=a, tracking_code=code, perm=perm)


# --- reading -----------------------------------------------------------------------------------------------------
@router.get("/organizations/{slug}/cases", response=list[CaseSummaryOut])
@paginated()
def cases_list(request: HttpRequest, slug: str, filters: Query[CaseQueueQuery]):
    """A department's (or the organisation's) queue of cases, filtered, newest first by default."""
    a = actor(request)
    organization = get_organization_for(a, slug, CasePerm.CASE_VIEW)
    if filters.shared:
        return selectors.cases_shared_with(actor=a, organization=organization, is_open=filters.is_open)
    assignee = filters.assignee
    if assignee == "me":
        assignee = a.user.username if a.user is not None else None
    return selectors.case_queue(
        actor=a,
        organization=organization,
        department=filters.department,
        statuses=filters.status,
        category=filters.category,
        is_open=filters.is_open,
        overdue=filters.overdue,
        escalated=filters.escalated,
        assignee=None if assignee == "none" else assignee,
        unassigned=assignee == "none",
        created_from=filters.since,
        created_to=filters.until,
        bbox=selectors.BBox.parse(filters.bbox) if filters.bbox else None,
        order=filters.order,
    )


@router.post("/organizations/{slug}/cases", response={201: CaseDetailOut, 200: CaseDetailOut})
def cases_create(request: HttpRequest, slug: str, payload: CaseCreateIn):
    """File a case on a citizen's behalf; 200 with the first case when the idempotency key was seen."""
    a = actor(request)
    organization = get_organization_for(a, slug, CasePerm.CASE_CREATE)
    category = selectors.get_category_for(actor=a, organization=organization, code=payload.category)
    if (payload.lat is None) != (payload.lon is None):
        raise InvalidInput.for_field("location", _("Give both latitude and longitude, or neither."))
    location = point_from(lat=payload.lat, lon=payload.lon) if payload.lat is not None else None
    case, created = services.case_create(
        actor=a,
        organization=organization,
        category=category,
        description=payload.description,
        channel=payload.channel,
        title=payload.title,
        location=location,
        address=payload.address,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        contact_email=payload.contact_email,
        idempotency_key=payload.idempotency_key,
    )
    if created:  # what its creation wrote is the whole of a new case: nothing to read back
        return Status(
            201, selectors.new_case_detail(actor=a, case=case, events=services.written_events(case))
        )
    return Status(200, _detail(a, case))


@router.get("/organizations/{slug}/case-categories", response=list[CategoryOut])
def case_categories_list(request: HttpRequest, slug: str):
    a = actor(request)
    organization = get_organization_for(a, slug, CasePerm.CASE_VIEW)
    return selectors.case_categories_of(actor=a, organization=organization)


@router.get("/organizations/{slug}/case-statuses", response=list[StatusOut])
def case_statuses_list(request: HttpRequest, slug: str):
    a = actor(request)
    organization = get_organization_for(a, slug, CasePerm.CASE_VIEW)
    return selectors.case_statuses_of(actor=a, organization=organization)


@router.get("/cases/{code}", response=CaseDetailOut)
def cases_get(request: HttpRequest, code: str):
    """A case with its full timeline (public updates and internal notes), photos and links."""
    a = actor(request)
    return selectors.case_detail(actor=a, case=selectors.get_case_for(actor=a, tracking_code=code))


# --- working a case ----------------------------------------------------------------------------------------------
@router.post("/cases/{code}/assign", response=CaseTransitionOut)
def cases_assign(request: HttpRequest, code: str, payload: AssignIn):
    """Give the case to an officer or the head of its department (null takes it back). Answers with what
    changed; `GET /cases/{code}` reads the whole case."""
    a = actor(request)
    case = _handle(a, code, CasePerm.CASE_ASSIGN)
    membership = (
        selectors.get_assignee_membership_for(actor=a, case=case, username=payload.assignee)
        if payload.assignee
        else None
    )
    return _changed(
        services.case_assign(
            actor=a,
            case=case,
            assignee=membership.user if membership else None,
            message=payload.message,
            assignee_membership=membership,
        )
    )


@router.post("/cases/{code}/status", response=CaseTransitionOut)
def cases_change_status(request: HttpRequest, code: str, payload: StatusChangeIn):
    """Move the case to another status, optionally with a public message to the reporter. Answers with what
    changed; `GET /cases/{code}` reads the whole case."""
    a = actor(request)
    case = _handle(a, code, CasePerm.CASE_WORK)
    return _changed(
        services.case_change_status(actor=a, case=case, status=payload.status, message=payload.message)
    )


@router.post("/cases/{code}/notes", response={201: NoteOut})
def cases_add_note(request: HttpRequest, code: str, payload: NoteIn):
    """An internal note, or (`public: true`) an update the reporter sees."""
    a = actor(request)
    case = selectors.get_case_for(actor=a, tracking_code=code)
    return Status(
        201, services.case_add_note(actor=a, case=case, message=payload.message, public=payload.public)
    )


@router.post("/cases/{code}/photos", response={201: NoteOut})
def cases_add_photos(
    request: HttpRequest,
    code: str,
    payload: Form[AttachmentIn],
    files: File[list[UploadedFile]],
):
    """Up to five photos (before / after / other) with an optional message, as multipart/form-data."""
    a = actor(request)
    case = selectors.get_case_for(actor=a, tracking_code=code)
    event = services.case_add_note(
        actor=a,
        case=case,
        message=payload.message,
        public=payload.public,
        photos=files,
        photo_kind=payload.kind,
        photos_field="files",
    )
    return Status(201, event)


@router.post("/cases/{code}/category", response=CaseTransitionOut)
def cases_change_category(request: HttpRequest, code: str, payload: CategoryChangeIn):
    """Re-triage: another category (and so department and SLA). Answers with what changed."""
    a = actor(request)
    case = _handle(a, code, CasePerm.CASE_ROUTE)
    category = selectors.get_category_for(actor=a, organization=case.organization, code=payload.category)
    department = (
        selectors.get_department_of(actor=a, organization=case.organization, code=payload.department)
        if payload.department
        else None
    )
    return _changed(
        services.case_change_category(actor=a, case=case, category=category, department=department)
    )


@router.post("/cases/{code}/rating", response=CaseTransitionOut)
def cases_rate(request: HttpRequest, code: str, payload: RatingIn):
    """Record the reporter's rating of a resolved case (staff on the reporter's behalf). Answers with what
    changed."""
    a = actor(request)
    case = _handle(a, code, CasePerm.CASE_WORK)
    return _changed(services.case_rate(actor=a, case=case, stars=payload.stars, comment=payload.comment))


@router.post("/cases/{code}/reopen", response=CaseTransitionOut)
def cases_reopen(request: HttpRequest, code: str, payload: ReopenIn):
    """Reopen a closed case within its category's reopen window. Answers with what changed."""
    a = actor(request)
    case = _handle(a, code, CasePerm.CASE_WORK)
    return _changed(services.case_reopen(actor=a, case=case, reason=payload.reason))


@router.post("/cases/{code}/duplicate", response=CaseTransitionOut)
def cases_mark_duplicate(request: HttpRequest, code: str, payload: DuplicateIn):
    """Close the case as a duplicate of another case of the same organisation. Answers with what changed."""
    a = actor(request)
    case = selectors.get_case_for(actor=a, tracking_code=code)
    original = selectors.get_case_for(actor=a, tracking_code=payload.original)
    return _changed(
        services.case_mark_duplicate(actor=a, case=case, original=original, message=payload.message)
    )


@router.post("/cases/{code}/forward", response={201: CaseDetailOut})
def cases_forward(request: HttpRequest, code: str, payload: ForwardIn):
    """Forward the case to another organisation; answers with the closed case here (its `forwarded_to`
    names the new case there)."""
    a = actor(request)
    case = selectors.get_case_for(actor=a, tracking_code=code)
    services.case_forward(
        actor=a,
        case=case,
        to_organization=selectors.organization_by_slug(payload.organization),
        reason=payload.reason,
        category_code=payload.category or "",
    )
    return Status(201, _detail(a, selectors.get_case_for(actor=a, tracking_code=case.tracking_code)))


@router.post("/cases/{code}/invitations", response={201: InvitationOut})
def cases_invite(request: HttpRequest, code: str, payload: InviteIn):
    """Invite another organisation as co-responsible: its staff may see the case and add notes."""
    a = actor(request)
    case = selectors.get_case_for(actor=a, tracking_code=code)
    invitation = services.case_invite(
        actor=a,
        case=case,
        organization=selectors.organization_by_slug(payload.organization),
        message=payload.message,
    )
    return Status(201, invitation)
