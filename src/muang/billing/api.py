"""Billing endpoints: bills, counter payments, bank statements, arrears, notice and receipt PDFs."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from muang.billing import selectors
from muang.billing.bank_formats import FORMATS
from muang.billing.models import Bill
from muang.billing.schemas import (
    AmountDueOut,
    ArrearsOut,
    ArrearsRowOut,
    BillDetailOut,
    BillIn,
    BillOut,
    LineOut,
    PaymentIn,
    PaymentOut,
    ResolveIn,
    StatementOut,
    StatementReportOut,
)
from muang.billing.services import bills as bill_services
from muang.billing.services import notices, payments, reconciliation
from muang.core.access import Actor, get_organization_for
from muang.core.api import actor
from muang.core.errors import InvalidInput
from muang.core.pagination import paginated

router = Router(tags=["billing"])
MAX_STATEMENT_BYTES = 30 * 1024 * 1024
ATTENTION_SHOWN = 500
PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "A PDF document",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


_COMPUTED = frozenset({"lines", "instalments", "payments", "amount_due", "qr_payload"})


def _detail(bill: Bill, as_of: dt.date | None = None) -> dict:
    due = selectors.amount_due_of(bill, as_of)
    profile = bill_services.profile_of(bill.organization)
    return {
        **{
            f: getattr(bill, f) for f in BillDetailOut.model_fields if hasattr(bill, f) and f not in _COMPUTED
        },
        "lines": list(bill.lines.all()),
        "instalments": [s._asdict() for s in selectors.instalment_states(bill)],
        "payments": list(bill.payments.all()),
        "amount_due": AmountDueOut(
            as_of=due.as_of,
            principal=due.principal,
            penalty=due.penalty,
            surcharge=due.surcharge,
            total=due.total,
            payable_now=due.payable_now,
            overdue=due.overdue,
            instalment_right_ended=due.instalment_right_ended,
            instalments=[{**vars(i), "total": i.total} for i in due.instalments],
        ),
        "qr_payload": notices.qr_payload(profile, bill, bill.amount),
    }


# --- bills -----------------------------------------------------------------------------------------------------


@router.get("/organizations/{slug}/bills", response=list[BillOut])
@paginated()
def bills_list(
    request: HttpRequest,
    slug: str,
    status: str | None = Query(None, pattern="^(open|partly_paid|paid|cancelled)$"),
    kind: str | None = Query(None, pattern="^(land_building_tax|signboard_tax|waste_fee|service_fee)$"),
    year: int | None = Query(None, ge=2000, le=2200),
    q: str = Query("", max_length=100, description="Bill number, payer's tax ID, or part of the name"),
    overdue_on: dt.date | None = None,
):
    """The organisation's bills, newest year first."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    return selectors.bills_of(
        actor=a, organization=organization, status=status, kind=kind, year=year, q=q, overdue_on=overdue_on
    )


@router.post("/organizations/{slug}/bills", response={201: BillDetailOut})
def bills_issue(request: HttpRequest, slug: str, payload: BillIn):
    """Issue a bill (e.g. a waste or service fee; tax bills come from the property assessment run)."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    bill = bill_services.bill_issue(
        actor=a,
        organization=organization,
        kind=payload.kind,
        year=payload.year,
        payer=bill_services.Payer(**payload.payer.dict()),
        lines=[bill_services.LineDraft(**line.dict()) for line in payload.lines],
        due_date=payload.due_date,
        source_ref=payload.source_ref,
        number=payload.number,
        instalments=payload.instalments,
        instalment_due_dates=payload.instalment_due_dates,
    )
    bill = selectors.get_bill_for(actor=a, organization=organization, number=bill.number)
    return Status(201, _detail(bill))


@router.get("/organizations/{slug}/bills/{number}", response=BillDetailOut)
def bills_get(
    request: HttpRequest,
    slug: str,
    number: str,
    as_of: dt.date | None = None,
):
    """A bill with its lines, instalments, payments and what it asks for on ``as_of``."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    return _detail(selectors.get_bill_for(actor=a, organization=organization, number=number), as_of)


@router.get("/organizations/{slug}/bills/{number}/notice.pdf", openapi_extra=PDF_RESPONSE)
def bills_notice_pdf(request: HttpRequest, slug: str, number: str):
    """The notice (ภ.ด.ส.6, ภ.ป.3 or fee bill) with its Thai QR payment code."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    bill = selectors.get_bill_for(actor=a, organization=organization, number=number)
    return _pdf(notices.bill_notice_pdf(actor=a, bill=bill), f"notice-{bill.number}.pdf")


@router.post("/organizations/{slug}/bills/{number}/payments", response={201: PaymentOut})
def payments_record(request: HttpRequest, slug: str, number: str, payload: PaymentIn):
    """A payment at the counter; answers with the receipt number. Refused if more than is due."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    bill = selectors.get_bill_for(actor=a, organization=organization, number=number)
    payment = payments.payment_record(actor=a, bill=bill, **payload.dict())
    return Status(201, payment)


@router.get("/organizations/{slug}/receipts/{number}.pdf", openapi_extra=PDF_RESPONSE)
def receipts_pdf(request: HttpRequest, slug: str, number: str):
    a = actor(request)
    organization = get_organization_for(a, slug)
    receipt = selectors.get_receipt_for(actor=a, organization=organization, number=number)
    return _pdf(notices.receipt_pdf(actor=a, receipt=receipt), f"receipt-{receipt.number}.pdf")


# --- bank statements ------------------------------------------------------------------------------------------


def _report(a: Actor, statement) -> dict:
    attention = selectors.statement_lines(actor=a, statement=statement, attention_only=True)
    return {
        **{f: getattr(statement, f) for f in StatementOut.model_fields},
        "attention": list(attention[:ATTENTION_SHOWN]),
        "attention_count": attention.count(),
    }


@router.post("/organizations/{slug}/bank-statements", response={201: StatementReportOut})
def bank_statements_import(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    bank_format: Form[str] = "muang",
):
    """Upload a bank's bill-payment CSV (multipart ``file``, ``bank_format``): exact matches are applied,
    the rest reported for staff. Formats: see ``muang.billing.bank_formats``."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    if bank_format not in FORMATS:
        raise InvalidInput.for_field("bank_format", f"One of: {', '.join(sorted(FORMATS))}.")
    if file.size > MAX_STATEMENT_BYTES:
        raise InvalidInput.for_field("file", "The file is larger than 30 MB.")
    statement = reconciliation.bank_statement_import(
        actor=a, organization=organization, data=file.read(), filename=file.name or "statement.csv",
        bank_format=bank_format,
    )  # fmt: skip
    return Status(201, _report(a, statement))


@router.get("/organizations/{slug}/bank-statements", response=list[StatementOut])
@paginated()
def bank_statements_list(request: HttpRequest, slug: str):
    a = actor(request)
    return selectors.statements_of(actor=a, organization=get_organization_for(a, slug))


@router.get("/organizations/{slug}/bank-statements/{statement_id}", response=StatementReportOut)
def bank_statements_get(request: HttpRequest, slug: str, statement_id: int):
    """The import's summary and the lines still waiting for staff."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    return _report(
        a, selectors.get_statement_for(actor=a, organization=organization, statement_id=statement_id)
    )


@router.get("/organizations/{slug}/bank-statements/{statement_id}/lines", response=list[LineOut])
@paginated()
def bank_statement_lines(
    request: HttpRequest,
    slug: str,
    statement_id: int,
    status: str | None = Query(
        None, pattern="^(matched|unmatched|partial|duplicate|wrong_amount|over_payment)$"
    ),
    attention: bool = Query(False, description="Only lines not yet resolved"),
):
    a = actor(request)
    organization = get_organization_for(a, slug)
    statement = selectors.get_statement_for(actor=a, organization=organization, statement_id=statement_id)
    return selectors.statement_lines(actor=a, statement=statement, status=status, attention_only=attention)


@router.post("/organizations/{slug}/bank-statements/{statement_id}/lines/{line_no}/resolve", response=LineOut)
def bank_statement_line_resolve(
    request: HttpRequest, slug: str, statement_id: int, line_no: int, payload: ResolveIn
):
    """Apply (to its bill or ``bill_number``), refund or reject a line the import did not apply."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    line = selectors.get_statement_line_for(
        actor=a, organization=organization, statement_id=statement_id, line_no=line_no
    )
    return reconciliation.bank_line_resolve(
        actor=a, line=line, action=payload.action, bill_number=payload.bill_number, note=payload.note
    )


# --- arrears ---------------------------------------------------------------------------------------------------


@router.get("/organizations/{slug}/arrears", response=ArrearsOut)
def arrears(
    request: HttpRequest,
    slug: str,
    as_of: dt.date | None = None,
    kind: str | None = Query(None, pattern="^(land_building_tax|signboard_tax|waste_fee|service_fee)$"),
    year: int | None = Query(None, ge=2000, le=2200),
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0),
):
    """Overdue bills with penalty and surcharge as of a day; totals cover every row, ``rows`` one page."""
    a = actor(request)
    organization = get_organization_for(a, slug)
    report = selectors.arrears_report(actor=a, organization=organization, as_of=as_of, kind=kind, year=year)
    rows = [
        ArrearsRowOut(
            bill_number=r.bill.number,
            kind=r.bill.kind,
            year=r.bill.year,
            payer_name=r.bill.payer_name,
            payer_tax_id=r.bill.payer_tax_id,
            principal=r.principal,
            penalty=r.penalty,
            surcharge=r.surcharge,
            total=r.total,
            months_late=r.months_late,
            oldest_due_date=r.oldest_due_date,
            days_overdue=r.days_overdue,
            status=r.bill.status,
            warning_letters=r.warning_letters,
        )
        for r in report.rows[offset : offset + limit]
    ]
    return ArrearsOut(
        as_of=report.as_of,
        count=len(report.rows),
        principal=report.principal,
        penalty=report.penalty,
        surcharge=report.surcharge,
        total=report.total,
        rows=rows,
    )
