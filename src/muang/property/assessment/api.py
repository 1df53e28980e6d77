"""Assessment-run endpoints: start a run, watch its progress, abandon a stuck one, list the year's
assessments, read one taxpayer's calculation sheet (ภ.ด.ส.7). Thin: resolve the organisation, call one
service or selector."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.pagination import paginated
from muang.property.assessment import selectors as selectors
from muang.property.assessment.services import assessment as services
from muang.property.assessment.services import billing_run
from muang.property.openapi import keep_operation_ids
from muang.property.permissions import PropertyPerm

router = Router()
ORG = "/organizations/{slug}"
TAGS = ["assessment"]


class AssessmentRunOut(Schema):
    id: int
    year: int
    status: str
    progress_done: int
    progress_total: int
    progress_percent: float
    assessments_count: int
    total_tax: Decimal
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    started_by_label: str
    error: str
    heartbeat_at: dt.datetime | None
    stale: bool  # queued or running without a sign of life for a while: staff may abandon it

    @staticmethod
    def resolve_stale(obj) -> bool:
        return services.is_stale(obj)


class AssessmentRunAbandonIn(Schema):
    reason: str = Field(..., max_length=300)


class AssessmentOut(Schema):
    owner_id: int
    owner_name: str
    year: int
    run_id: int
    total_value: Decimal
    total_tax: Decimal
    property_count: int

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return obj.owner.display_name


class AssessmentSheetOut(AssessmentOut):
    sheet: dict


class BillsIssueIn(Schema):
    issued_on: dt.date | None = None  # default: today (Asia/Bangkok)
    due_date: dt.date | None = None  # default: the tax year's calendar (payment due)


class SignboardBillsIssueIn(Schema):
    issued_on: dt.date | None = None  # default: today; the bills are due 15 days later


class BillingConflictOut(Schema):
    owner_id: int
    payer_name: str
    bill_id: int
    bill_number: str
    status: str
    billed: Decimal
    paid: Decimal
    assessed: Decimal


class BillingSummaryOut(Schema):
    kind: str
    year: int
    issued: int
    unchanged: int
    reissued: int
    cancelled: int
    skipped_zero: int
    issued_total: Decimal
    conflicts: list[BillingConflictOut]


@router.post(f"{ORG}/tax-years/{{year}}/assessment-runs", response={202: AssessmentRunOut}, tags=TAGS)
def assessment_runs_start(request: HttpRequest, slug: str, year: int):
    """Queue the land-and-building tax assessment of every taxpayer for the year (409 while one runs)."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.VALUATION_EDIT)
    return Status(202, services.assessment_run_start(actor=a, organization=organization, year=year))


@router.get(f"{ORG}/tax-years/{{year}}/assessment-runs", response=list[AssessmentRunOut], tags=TAGS)
def assessment_runs_list(request: HttpRequest, slug: str, year: int):
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return list(selectors.assessment_runs_of(actor=a, organization=organization, year=year)[:50])


@router.get(f"{ORG}/assessment-runs/{{run_id}}", response=AssessmentRunOut, tags=TAGS)
def assessment_runs_get(request: HttpRequest, slug: str, run_id: int):
    """Status and progress (taxpayers done of total) for the progress bar."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return selectors.get_assessment_run_for(actor=a, organization=organization, run_id=run_id)


@router.post(f"{ORG}/assessment-runs/{{run_id}}/abandon", response=AssessmentRunOut, tags=TAGS)
def assessment_runs_abandon(request: HttpRequest, slug: str, run_id: int, payload: AssessmentRunAbandonIn):
    """Mark a queued or running run failed with a reason (a stuck run after a worker crash), freeing the year
    for a new run; the previous result stays in force. 409 once the run has ended."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.VALUATION_EDIT)
    run = selectors.get_assessment_run_for(actor=a, organization=organization, run_id=run_id)
    return services.assessment_run_abandon(actor=a, run=run, reason=payload.reason)


@router.get(f"{ORG}/tax-years/{{year}}/assessments", response=list[AssessmentOut], tags=TAGS)
@paginated(100)
def assessments_list(
    request: HttpRequest,
    slug: str,
    year: int,
    min_tax: Decimal | None = Query(None, ge=0),  # noqa: B008 (ninja's parameter marker)
):
    """The year's assessments in force (the latest finished run), by owner."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return selectors.assessments_of(actor=a, organization=organization, year=year, min_tax=min_tax)


@router.get(f"{ORG}/tax-years/{{year}}/assessments/{{owner_id}}", response=AssessmentSheetOut, tags=TAGS)
def assessments_get(request: HttpRequest, slug: str, year: int, owner_id: int):
    """One taxpayer's calculation sheet (ภ.ด.ส.7): every property, value, exemption, bracket slice and tax."""
    a = actor(request)
    organization = get_organization_for(a, slug, PropertyPerm.PROPERTY_VIEW)
    return selectors.get_assessment_for(actor=a, organization=organization, year=year, owner_id=owner_id)


@router.post(f"{ORG}/assessment-runs/{{run_id}}/bills", response=BillingSummaryOut, tags=TAGS)
def assessment_run_bills_issue(request: HttpRequest, slug: str, run_id: int, payload: BillsIssueIn):
    """Issue the land-and-building tax bills (ภ.ด.ส.6) of a finished run: one per taxpayer with tax due.

    Again after a re-run: equal amounts are left alone, changed unpaid bills are cancelled and re-issued,
    changed bills with payments are listed as conflicts (409 while the run is not the finished one in force)."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    run = selectors.get_assessment_run_for(actor=a, organization=organization, run_id=run_id)
    return billing_run.assessment_bills_issue(
        actor=a, run=run, issued_on=payload.issued_on or timezone.localdate(), due_date=payload.due_date
    )


@router.post(f"{ORG}/tax-years/{{year}}/signboard-bills", response=BillingSummaryOut, tags=TAGS)
def signboard_bills_issue(request: HttpRequest, slug: str, year: int, payload: SignboardBillsIssueIn):
    """Issue the signboard tax bills (ภ.ป.3) of the year: one per owner, one line per sign."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    return billing_run.signboard_bills_issue(
        actor=a, organization=organization, year=year, issued_on=payload.issued_on or timezone.localdate()
    )


keep_operation_ids(
    router, "muang.property.api_assessment"
)  # the ids published before the move to this sub-package
