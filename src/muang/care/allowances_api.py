"""/api/v1/organizations/{slug}/care/allowances/...: the allowance rates, people's rights and their yearly
confirmation, adjustments, the monthly payment runs (start, progress, totals, lines, the bank file and the
cash list, marking a month paid) and the paying account. The care duty only (`care.view` / `care.edit`):
executives and the overseeing district and province see none of it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from muang.care import allowances as reads
from muang.care import selectors
from muang.care.access_log import care_organization_for
from muang.care.allowance_schemas import (
    AdjustmentIn,
    AdjustmentOut,
    AllowanceLineOut,
    AllowancePayerIn,
    AllowanceRateOut,
    ConfirmIn,
    PaidIn,
    PayerOut,
    PersonAllowancesOut,
    RightIn,
    RightOut,
    RightUpdateIn,
    RunDetailOut,
    RunIn,
    RunOut,
    WindowIn,
    WindowOut,
)
from muang.care.models import AllowanceRate
from muang.care.permissions import CarePerm
from muang.care.services import allowances as services
from muang.core.api import actor
from muang.core.pagination import paginated
from muang.core.thai_dates import bangkok_date

router = Router(tags=["care allowances"])
BASE = "/organizations/{slug}/care/allowances"
PEOPLE = "/organizations/{slug}/care/people"


def _org(request: HttpRequest, slug: str, perm: str):
    return care_organization_for(actor(request), slug, perm, where=request.path)


def _today():
    return bangkok_date(timezone.now())


@router.get(BASE + "/rates", response=list[AllowanceRateOut])
def rates_list(request: HttpRequest, slug: str):
    """The dated rate rows (national): every rate ever in force, a Cabinet change being a new row."""
    _org(request, slug, CarePerm.CARE_VIEW)
    return list(AllowanceRate.objects.order_by("kind", "valid_from", "welfare_card", "min_age"))


@router.get(BASE + "/rights", response=list[RightOut])
@paginated()
def rights_list(request: HttpRequest, slug: str, kind: str = ""):
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    return reads.rights_of(actor=actor(request), organization=organization, kind=kind)


@router.post(PEOPLE + "/{person_id}/allowances", response={201: RightOut})
def rights_register(request: HttpRequest, slug: str, person_id: int, payload: RightIn):
    """Register a person's right (the application): bank account or cash; people turning 60 in the next
    fiscal year during the organisation's window."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    person = selectors.get_person_for(actor=actor(request), organization=organization, person_id=person_id)
    right = services.right_register(actor=actor(request), person=person, today=_today(), **payload.dict())
    return Status(201, right)


@router.get(PEOPLE + "/{person_id}/allowances", response=PersonAllowancesOut)
def person_allowances(request: HttpRequest, slug: str, person_id: int):
    """A person's rights, their lines month by month (newest first) and their adjustments."""
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    person = selectors.get_person_for(actor=actor(request), organization=organization, person_id=person_id)
    return reads.person_allowances(actor=actor(request), person=person).__dict__


@router.put(BASE + "/rights/{right_id}", response=RightOut)
def rights_update(request: HttpRequest, slug: str, right_id: int, payload: RightUpdateIn):
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    return services.right_update(
        actor=actor(request), organization=organization, right_id=right_id, **payload.dict()
    )


@router.post(BASE + "/rights/{right_id}/confirm", response=RightOut)
def rights_confirm(request: HttpRequest, slug: str, right_id: int, payload: ConfirmIn):
    """The yearly confirmation (ยืนยันสิทธิ) for a fiscal year (B.E.), within its window."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    return services.right_confirm(
        actor=actor(request),
        organization=organization,
        right_id=right_id,
        today=_today(),
        fiscal_year_be=payload.fiscal_year,
    )


@router.post(BASE + "/rights/{right_id}/adjustments", response={201: AdjustmentOut})
def adjustments_create(request: HttpRequest, slug: str, right_id: int, payload: AdjustmentIn):
    """A correction: arrears (positive) or an over-payment to recover (negative) from the following months."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    adjustment = services.adjustment_create(
        actor=actor(request), organization=organization, right_id=right_id, **payload.dict()
    )
    return Status(201, adjustment)


@router.post(BASE + "/windows", response={201: WindowOut})
def windows_create(request: HttpRequest, slug: str, payload: WindowIn):
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    window = services.window_create(
        actor=actor(request),
        organization=organization,
        fiscal_year_be=payload.fiscal_year,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
    )
    return Status(201, window)


@router.put(BASE + "/payer", response=PayerOut)
def payer_set(request: HttpRequest, slug: str, payload: AllowancePayerIn):
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    return services.payer_set(actor=actor(request), organization=organization, **payload.dict())


@router.get(BASE + "/runs", response=list[RunOut])
@paginated()
def runs_list(request: HttpRequest, slug: str):
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    return reads.runs_of(actor=actor(request), organization=organization)


@router.post(BASE + "/runs", response={202: RunOut})
def runs_start(request: HttpRequest, slug: str, payload: RunIn):
    """Start the month's payment run (computed in the background); a month already run is refused (409)."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    run = services.run_start(
        actor=actor(request), organization=organization, month=payload.month, today=_today()
    )
    run.refresh_from_db()
    return Status(202, run)


@router.get(BASE + "/runs/{run_id}", response=RunDetailOut)
def runs_get(request: HttpRequest, slug: str, run_id: int):
    """The run's status and progress, and its totals by allowance, line type and tier (stops by reason)."""
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    run = reads.get_run_for(actor=actor(request), organization=organization, run_id=run_id)
    totals = reads.totals_of(actor=actor(request), run=run)
    return {**RunOut.from_orm(run).dict(), "totals": [t.__dict__ for t in totals]}


@router.get(BASE + "/runs/{run_id}/lines", response=list[AllowanceLineOut])
@paginated()
def runs_lines(request: HttpRequest, slug: str, run_id: int, line_type: str = "", kind: str = ""):
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    run = reads.get_run_for(actor=actor(request), organization=organization, run_id=run_id)
    return reads.lines_of(actor=actor(request), run=run, line_type=line_type, kind=kind)


@router.post(BASE + "/runs/{run_id}/paid", response=RunOut)
def runs_paid(request: HttpRequest, slug: str, run_id: int, payload: PaidIn):
    """Record the day the month was paid (the KPI "paid by the 10th")."""
    organization = _org(request, slug, CarePerm.CARE_EDIT)
    return services.run_mark_paid(
        actor=actor(request), organization=organization, run_id=run_id, paid_on=payload.paid_on
    )


@router.get(BASE + "/runs/{run_id}/files/{fmt}")
def runs_file(request: HttpRequest, slug: str, run_id: int, fmt: str):
    """The bank-transfer file (`csv`, `ktb`: KTB direct credit) or the cash list to sign (`cash-pdf`).
    Audited as an export of personal data."""
    organization = _org(request, slug, CarePerm.CARE_VIEW)
    run = reads.get_run_for(actor=actor(request), organization=organization, run_id=run_id)
    return file_response(actor(request), run, fmt)


def file_response(who, run, fmt: str) -> HttpResponse:
    data, filename, content_type = reads.run_download(actor=who, run=run, fmt=fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
