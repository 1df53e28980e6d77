"""Reads of the billing domain. Every read takes the actor and checks its billing permission."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.access import require_billing
from muang.billing.dues import AmountDue, ChargeContext, InstalmentState, amount_due, instalments_paid
from muang.billing.models import (
    BankStatementImport,
    BankStatementLine,
    Bill,
    BillStatus,
    Instalment,
    MatchStatus,
    Receipt,
    WarningLetter,
)
from muang.core.access import Actor
from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.core.permissions import Perm
from muang.property.rules.money import ZERO

OPEN_STATUSES = (BillStatus.OPEN, BillStatus.PARTLY_PAID)


# --- what a bill asks for ----------------------------------------------------------------------------------------


def charge_context(bill: Bill, letters: list[WarningLetter] | None = None) -> ChargeContext:
    """The facts besides instalments that change a bill's charges: its first received warning letter (s.69)
    and any extension of time (s.70)."""
    if letters is None:
        letters = list(bill.warning_letters.all())
    received = sorted((w for w in letters if w.received_on is not None), key=lambda w: w.received_on)
    first = received[0] if received else None
    return ChargeContext(
        kind=bill.kind,
        warning_received_on=first.received_on if first else None,
        warning_deadline=first.deadline if first else None,
        extension_until=bill.extension_until,
    )


def instalment_states(bill: Bill, instalments=None) -> list[InstalmentState]:
    rows = instalments if instalments is not None else bill.instalments.all()
    return instalments_paid([(i.seq, i.amount, i.due_date) for i in rows], bill.paid_principal)


def amount_due_of(bill: Bill, as_of: dt.date | None = None) -> AmountDue:
    """Principal, penalty and surcharge the bill asks for on ``as_of`` (today by default). Uses the
    prefetched instalments and warning letters when there are any."""
    as_of = as_of or timezone.localdate()
    if bill.status == BillStatus.CANCELLED:
        return AmountDue(as_of=as_of, instalments=(), instalment_right_ended=False)
    return amount_due(instalment_states(bill), as_of, charge_context(bill))


# --- bills --------------------------------------------------------------------------------------------------------


def bills_of(
    *,
    actor: Actor,
    organization: Organization,
    status: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    q: str = "",
    overdue_on: dt.date | None = None,
) -> QuerySet[Bill]:
    require_billing(actor, organization, Perm.BILL_VIEW)
    qs = Bill.objects.filter(organization=organization)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if q := q.strip():
        qs = qs.filter(Q(number=q.upper()) | Q(payer_tax_id=q.replace("-", "")) | Q(payer_name__icontains=q))
    if overdue_on:
        late = Instalment.objects.filter(
            organization=organization, due_date__lt=overdue_on, running_total__gt=F("bill__paid_principal")
        ).values("bill_id")
        qs = qs.filter(status__in=OPEN_STATUSES, pk__in=late)
    return qs.order_by("-year", "number")


def get_bill_for(*, actor: Actor, organization: Organization, number: str) -> Bill:
    """A bill with its lines, instalments, payments (with receipts) and warning letters prefetched."""
    bill = (
        bills_of(actor=actor, organization=organization)
        .filter(number=number)
        .prefetch_related("lines", "instalments", "payments__receipt", "warning_letters")
        .first()
    )
    if bill is None:
        raise NotFound(_("No bill %(number)s in %(org)s.") % {"number": number, "org": organization})
    return bill


def get_receipt_for(*, actor: Actor, organization: Organization, number: str) -> Receipt:
    require_billing(actor, organization, Perm.BILL_VIEW)
    receipt = (
        Receipt.objects.filter(organization=organization, number=number)
        .select_related("payment__bill", "issued_by")
        .first()
    )
    if receipt is None:
        raise NotFound(_("No receipt %(number)s in %(org)s.") % {"number": number, "org": organization})
    return receipt


# --- bank statements ---------------------------------------------------------------------------------------------


def statements_of(*, actor: Actor, organization: Organization) -> QuerySet[BankStatementImport]:
    require_billing(actor, organization, Perm.BILL_VIEW)
    return BankStatementImport.objects.filter(organization=organization).order_by("-imported_at", "-id")


def get_statement_for(*, actor: Actor, organization: Organization, statement_id: int) -> BankStatementImport:
    statement = statements_of(actor=actor, organization=organization).filter(pk=statement_id).first()
    if statement is None:
        raise NotFound(_("No bank statement %(id)s in %(org)s.") % {"id": statement_id, "org": organization})
    return statement


def statement_lines(
    *, actor: Actor, statement: BankStatementImport, status: str | None = None, attention_only: bool = False
) -> QuerySet[BankStatementLine]:
    require_billing(actor, statement.organization, Perm.BILL_VIEW)
    qs = BankStatementLine.objects.filter(organization=statement.organization, statement=statement)
    if status:
        qs = qs.filter(status=status)
    if attention_only:
        qs = qs.exclude(status=MatchStatus.MATCHED).filter(resolution="")
    return qs.select_related("bill").order_by("line_no")


def get_statement_line_for(
    *, actor: Actor, organization: Organization, statement_id: int, line_no: int
) -> BankStatementLine:
    statement = get_statement_for(actor=actor, organization=organization, statement_id=statement_id)
    line = statement_lines(actor=actor, statement=statement).filter(line_no=line_no).first()
    if line is None:
        raise NotFound(_("No line %(n)s in bank statement %(id)s.") % {"n": line_no, "id": statement_id})
    return line


# --- arrears -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrearsRow:
    bill: Bill
    principal: Decimal
    penalty: Decimal
    surcharge: Decimal
    total: Decimal
    months_late: int
    oldest_due_date: dt.date
    warning_letters: int


@dataclass(frozen=True)
class ArrearsReport:
    as_of: dt.date
    rows: list[ArrearsRow]

    @property
    def principal(self) -> Decimal:
        return sum((r.principal for r in self.rows), ZERO)

    @property
    def penalty(self) -> Decimal:
        return sum((r.penalty for r in self.rows), ZERO)

    @property
    def surcharge(self) -> Decimal:
        return sum((r.surcharge for r in self.rows), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.rows), ZERO)


def arrears_report(
    *,
    actor: Actor,
    organization: Organization,
    as_of: dt.date | None = None,
    kind: str | None = None,
    year: int | None = None,
) -> ArrearsReport:
    """Every open bill with an instalment overdue on ``as_of``, with its penalty and surcharge that day,
    oldest first (what goes to warning letters in May and to the Land Office in June)."""
    as_of = as_of or timezone.localdate()
    bills = bills_of(actor=actor, organization=organization, kind=kind, year=year, overdue_on=as_of)
    rows = []
    for bill in bills.prefetch_related("instalments", "warning_letters"):
        due = amount_due_of(bill, as_of)
        if not due.overdue:
            continue
        rows.append(
            ArrearsRow(
                bill=bill,
                principal=due.principal,
                penalty=due.penalty,
                surcharge=due.surcharge,
                total=due.total,
                months_late=due.months_late,
                oldest_due_date=min(i.due_date for i in due.instalments),
                warning_letters=len(bill.warning_letters.all()),
            )
        )
    rows.sort(key=lambda r: (r.oldest_due_date, r.bill.number))
    return ArrearsReport(as_of=as_of, rows=rows)
