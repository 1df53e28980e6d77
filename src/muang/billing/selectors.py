"""Reads of the billing domain. Every read takes the actor and checks its billing permission."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.charges import RulesCache, charge_rules_for, rules_of_year
from muang.billing.dues import AmountDue, ChargeContext, InstalmentState, amount_due, instalments_paid
from muang.billing.models import (
    BankStatementImport,
    BankStatementLine,
    Bill,
    BillKind,
    BillLine,
    BillStatus,
    Instalment,
    MatchStatus,
    Receipt,
    WarningLetter,
)
from muang.billing.permissions import BillingPerm
from muang.billing.sources import SourceRef, locate
from muang.core.access import Actor, require
from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.core.money import ZERO

OPEN_STATUSES = (BillStatus.OPEN, BillStatus.PARTLY_PAID)


# --- what a bill asks for ----------------------------------------------------------------------------------------


def charge_context(
    bill: Bill, letters: list[WarningLetter] | None = None, rules_cache: RulesCache | None = None
) -> ChargeContext:
    """The facts besides instalments that change a bill's charges: its first received warning letter (s.69),
    any extension of time (s.70), and the penalty rules of its organisation and year (``rules_cache`` keeps
    them across the bills of one report)."""
    if letters is None:
        letters = list(bill.warning_letters.all())
    received = sorted((w for w in letters if w.received_on is not None), key=lambda w: w.received_on)
    first = received[0] if received else None
    return ChargeContext(
        kind=bill.kind,
        warning_received_on=first.received_on if first else None,
        warning_deadline=first.deadline if first else None,
        extension_until=bill.extension_until,
        rules=rules_of_year(
            organization_id=bill.organization_id, kind=bill.kind, year=bill.year, cache=rules_cache
        ),
    )


def charge_rules_of(bills) -> RulesCache:
    """The penalty rules of every organisation, kind and year among ``bills``, read now (one query per
    registered kind and year): a page of bills then costs the same queries however many are late."""
    cache: RulesCache = {}
    for organization_id, kind, year in sorted({(b.organization_id, b.kind, b.year) for b in bills}):
        charge_rules_for(organization_id=organization_id, kind=kind, year=year, cache=cache)
    return cache


def instalment_states(bill: Bill, instalments=None) -> list[InstalmentState]:
    rows = instalments if instalments is not None else bill.instalments.all()
    return instalments_paid([(i.seq, i.amount, i.due_date) for i in rows], bill.paid_principal)


def amount_due_of(
    bill: Bill, as_of: dt.date | None = None, rules_cache: RulesCache | None = None
) -> AmountDue:
    """Principal, penalty and surcharge the bill asks for on ``as_of`` (today by default). Uses the
    prefetched instalments and warning letters when there are any."""
    as_of = as_of or timezone.localdate()
    if bill.status == BillStatus.CANCELLED:
        return AmountDue(as_of=as_of, instalments=(), instalment_right_ended=False)
    return amount_due(instalment_states(bill), as_of, charge_context(bill, rules_cache=rules_cache))


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
    require(actor, organization, BillingPerm.BILL_VIEW)
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
    require(actor, organization, BillingPerm.BILL_VIEW)
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
    require(actor, organization, BillingPerm.BILL_VIEW)
    return BankStatementImport.objects.filter(organization=organization).order_by("-imported_at", "-id")


def get_statement_for(*, actor: Actor, organization: Organization, statement_id: int) -> BankStatementImport:
    statement = statements_of(actor=actor, organization=organization).filter(pk=statement_id).first()
    if statement is None:
        raise NotFound(_("No bank statement %(id)s in %(org)s.") % {"id": statement_id, "org": organization})
    return statement


def statement_lines(
    *, actor: Actor, statement: BankStatementImport, status: str | None = None, attention_only: bool = False
) -> QuerySet[BankStatementLine]:
    require(actor, statement.organization, BillingPerm.BILL_VIEW)
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
    days_overdue: int = 0


@dataclass(frozen=True)
class ArrearsGroup:
    """The arrears of one kind of charge and year: what the report groups its rows by."""

    kind: str
    year: int
    count: int
    principal: Decimal
    penalty: Decimal
    surcharge: Decimal
    total: Decimal

    @property
    def kind_label(self) -> str:
        return str(BillKind(self.kind).label) if self.kind in BillKind.values else self.kind


@dataclass(frozen=True)
class ArrearsReport:
    as_of: dt.date
    rows: list[ArrearsRow]

    @property
    def groups(self) -> list[ArrearsGroup]:
        """Totals per kind and year, newest year first."""
        by_key: dict[tuple[str, int], list[ArrearsRow]] = {}
        for r in self.rows:
            by_key.setdefault((r.bill.kind, r.bill.year), []).append(r)
        return [
            ArrearsGroup(
                kind=kind,
                year=year,
                count=len(rows),
                principal=sum((r.principal for r in rows), ZERO),
                penalty=sum((r.penalty for r in rows), ZERO),
                surcharge=sum((r.surcharge for r in rows), ZERO),
                total=sum((r.total for r in rows), ZERO),
            )
            for (kind, year), rows in sorted(by_key.items(), key=lambda kv: (-kv[0][1], kv[0][0]))
        ]

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
    rules_cache: RulesCache = {}
    for bill in bills.prefetch_related("instalments", "warning_letters"):
        due = amount_due_of(bill, as_of, rules_cache)
        if not due.overdue:
            continue
        oldest = min(i.due_date for i in due.instalments)
        rows.append(
            ArrearsRow(
                bill=bill,
                principal=due.principal,
                penalty=due.penalty,
                surcharge=due.surcharge,
                total=due.total,
                months_late=due.months_late,
                oldest_due_date=oldest,
                warning_letters=len(bill.warning_letters.all()),
                days_overdue=(as_of - oldest).days,
            )
        )
    rows.sort(key=lambda r: (r.oldest_due_date, r.bill.number))
    return ArrearsReport(as_of=as_of, rows=rows)


# --- where a bill's property is -------------------------------------------------------------------------------


def bill_locations(
    *, actor: Actor, organization: Organization, bills: list[Bill]
) -> dict[int, list[tuple[float, float]]]:
    """(lon, lat) points of the things each bill's lines are for, by bill id (bills without any are left out).

    Billing knows only the lines' source references; the app that owns each reference places it (a parcel's
    pin, a building's parcel), through the locator it registered in :mod:`muang.billing.sources`, checking
    that the actor may read its registry. Someone who may not gets no points (the export then carries null
    geometries)."""
    require(actor, organization, BillingPerm.BILL_VIEW)
    refs_by_bill: dict[int, list[SourceRef]] = {}
    lines = (
        BillLine.objects.filter(organization=organization, bill_id__in=[b.pk for b in bills])
        .exclude(source_ref="")
        .values_list("bill_id", "source_ref")
        .order_by("bill_id", "position")
    )
    for bill_id, text in lines:
        if (ref := SourceRef.parse_or_none(text)) is not None:
            refs_by_bill.setdefault(bill_id, []).append(ref)
    if not refs_by_bill:
        return {}
    points = locate(actor, organization, sorted({r for refs in refs_by_bill.values() for r in refs}))
    out: dict[int, list[tuple[float, float]]] = {}
    for bill_id, refs in refs_by_bill.items():
        seen = list(dict.fromkeys(points[r] for r in refs if r in points))
        if seen:
            out[bill_id] = seen
    return out


# --- warning letters ---------------------------------------------------------------------------------------------


def warning_letters_of(
    *, actor: Actor, organization: Organization, ids: list[int] | None = None
) -> QuerySet[WarningLetter]:
    require(actor, organization, BillingPerm.BILL_VIEW)
    qs = WarningLetter.objects.filter(organization=organization).select_related("bill")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("-issued_on", "-id")
