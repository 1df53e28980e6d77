"""Bank reconciliation: import a bank's statement, match its lines to bills, apply the exact matches.

Matching (Ref1 = bill number, Ref2 = B.E. year, amount as due on the day the line was paid):

- ``matched`` — the amount settles the whole balance (tax, penalty and surcharge that day) or, while the
  instalment right holds, the next one or more instalments exactly: applied as a payment with a receipt;
- ``unmatched`` — no bill with that Ref1 (and Ref2), or the bill is cancelled;
- ``duplicate`` — the bank transaction number was seen before (in this file or an earlier one), or the
  bill is already paid in full;
- ``wrong_amount`` — the amount printed on the notice (the QR code's), paid after charges were added;
- ``partial`` — less than due; ``over_payment`` — more than due.

Nothing but ``matched`` is applied: staff resolve the rest (:func:`bank_line_resolve`).

The import is set-based so that a 100,000-line file takes seconds: one query per table reads the bills,
instalments and warning letters the file names (locked, in the same order as counter payments lock them),
the matching runs in memory with the same rules as the counter (:mod:`muang.billing.dues`), and the results
go back with ``COPY`` (lines, payments, receipts) and one ``UPDATE … FROM unnest(…)`` per table. Imports of
one organisation hold its payments lock exclusively (:func:`~muang.billing.services.payments.lock_payments`):
two files cannot both apply one transaction, and no counter payment changes a bill meanwhile, so the
bills need no row locks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.bank_formats import ParsedLine, get_format
from muang.billing.charges import RulesCache, rules_of_year
from muang.billing.dues import ChargeContext, InstalmentState, allocate, amount_due, instalments_paid
from muang.billing.models import (
    BankStatementImport,
    BankStatementLine,
    Bill,
    BillingProfile,
    BillStatus,
    Instalment,
    LineResolution,
    MatchStatus,
    Payment,
    PaymentChannel,
    Receipt,
    Refund,
    RefundReason,
    RefundStatus,
    WarningLetter,
)
from muang.billing.permissions import BillingPerm
from muang.billing.selectors import charge_context, instalment_states
from muang.billing.services.numbers import reserve_numbers
from muang.billing.services.payments import (
    apply_payment,
    bill_status_for,
    lock_bill,
    lock_payments,
    receipt_number,
)
from muang.core import audit, bulk, thai_dates
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput, NotFound
from muang.core.models import AuditEntry, Organization
from muang.core.money import ZERO
from muang.core.thai_dates import ICT

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _BillState:
    id: int
    number: str
    ref2: str
    status: str
    amount: Decimal
    paid_principal: Decimal
    paid_penalty: Decimal
    paid_surcharge: Decimal
    ctx: ChargeContext
    instalments: list[InstalmentState]
    changed: bool = False


@dataclass(slots=True)
class _Outcome:
    line: ParsedLine
    status: str
    detail: str = ""
    bill_id: int | None = None
    expected: Decimal | None = None
    payment: tuple | None = None  # (principal, penalty, surcharge, allocations json)


@transaction.atomic
def bank_statement_import(
    *, actor: Actor, organization: Organization, data: bytes, filename: str, bank_format: str = "muang"
) -> BankStatementImport:
    """Import a bank statement file and apply its exact matches; returns the import with its summary.

    A file that cannot be read, or was imported before, is refused whole and nothing is written."""
    require(actor, organization, BillingPerm.BANK_RECONCILE)
    started, timings = time.perf_counter(), {}
    parser = get_format(bank_format)
    digest = hashlib.sha256(data).hexdigest()
    parsed = parser.parse(data)
    lock_payments(organization.pk, exclusive=True)
    earlier = BankStatementImport.objects.filter(organization=organization, sha256=digest).first()
    if earlier is not None:
        raise Conflict(
            _("This file was already imported on %(when)s (import %(id)s).")
            % {"when": timezone.localtime(earlier.imported_at).strftime("%Y-%m-%d %H:%M"), "id": earlier.pk}
        )
    statement = BankStatementImport.objects.create(
        organization=organization,
        bank_format=bank_format,
        filename=filename[:255],
        sha256=digest,
        line_count=len(parsed),
        total_amount=sum((p.amount for p in parsed), ZERO),
        imported_by=actor.user,
    )
    timings["parse"] = time.perf_counter() - started
    bills = _load_bills(organization, {p.ref1 for p in parsed})
    timings["load bills"] = time.perf_counter() - started - sum(timings.values())
    outcomes = _match(organization, parsed, bills)
    timings["match"] = time.perf_counter() - started - sum(timings.values())
    _write(actor, organization, statement, outcomes, [b for b in bills.values() if b.changed], timings)
    audit.record_create(actor=actor, organization=organization, instance=statement)
    statement.timings = timings  # seconds per phase, for the bench and the logs (not stored)
    logger.info("bank statement %s: %s lines in %s", statement.pk, len(parsed), timings)
    return statement


# --- matching ----------------------------------------------------------------------------------------------------


def _match(
    organization: Organization, parsed: Sequence[ParsedLine], bills: dict[str, _BillState]
) -> list[_Outcome]:
    seen_before = _known_transactions(organization, {p.transaction_id for p in parsed})
    outcomes: list[_Outcome] = []
    first_line_of: dict[str, int] = {}
    days: dict[dt.datetime, dt.date] = {}  # the Bangkok day of each distinct payment time, computed once
    # Bank order: a file may pay instalment 1 and later instalment 2 of one bill.
    for line in sorted(parsed, key=itemgetter(1, 0)):  # (paid_at, line_no)
        txn = line.transaction_id
        if txn in seen_before:
            outcomes.append(
                _Outcome(
                    line, MatchStatus.DUPLICATE, _("Transaction %(t)s was imported before.") % {"t": txn}
                )
            )
            continue
        if txn in first_line_of:
            outcomes.append(
                _Outcome(
                    line,
                    MatchStatus.DUPLICATE,
                    _("Transaction %(t)s is also on line %(n)s.") % {"t": txn, "n": first_line_of[txn]},
                )
            )
            continue
        first_line_of[txn] = line.line_no
        paid_on = days.get(line.paid_at)
        if paid_on is None:
            paid_on = days[line.paid_at] = line.paid_at.astimezone(ICT).date()
        outcomes.append(_match_line(line, bills.get(line.ref1), paid_on))
    return outcomes


def _match_line(line: ParsedLine, bill: _BillState | None, paid_on: dt.date) -> _Outcome:
    if bill is None:
        return _Outcome(line, MatchStatus.UNMATCHED, _("No bill %(r)s.") % {"r": line.ref1 or "—"})
    if line.ref2 and line.ref2 != bill.ref2:
        return _Outcome(
            line,
            MatchStatus.UNMATCHED,
            _("Ref2 %(got)s does not match bill %(n)s (%(want)s).")
            % {"got": line.ref2, "n": bill.number, "want": bill.ref2},
        )
    if bill.status == BillStatus.CANCELLED:
        return _Outcome(
            line, MatchStatus.UNMATCHED, _("Bill %(n)s is cancelled.") % {"n": bill.number}, bill.id
        )
    amount = line.amount
    if len(bill.instalments) == 1:
        fast = _single_on_time(line, bill, paid_on)
        if fast is not None:
            return fast
    due = amount_due(bill.instalments, paid_on, bill.ctx)
    if due.total <= 0:
        return _Outcome(
            line, MatchStatus.DUPLICATE, _("Bill %(n)s is already paid.") % {"n": bill.number}, bill.id, ZERO
        )
    if amount in due.exact_amounts:
        allocation = allocate(amount, bill.instalments, paid_on, bill.ctx)
        paid = {p.seq: p.principal for p in allocation.parts}
        bill.instalments = [
            InstalmentState(i.seq, i.amount, i.due_date, i.paid + paid[i.seq]) if i.seq in paid else i
            for i in bill.instalments
        ]
        bill.paid_principal += allocation.principal
        bill.paid_penalty += allocation.penalty
        bill.paid_surcharge += allocation.surcharge
        bill.status = bill_status_for(bill.amount, bill.paid_principal)
        bill.changed = True
        allocations = _allocations_json(allocation.parts)
        return _Outcome(
            line,
            MatchStatus.MATCHED,
            "",
            bill.id,
            amount,
            (allocation.principal, allocation.penalty, allocation.surcharge, allocations),
        )
    expected = due.payable_now
    if amount in due.printed_amounts:
        detail = _("Paid the notice's %(a)s baht on %(d)s, when %(due)s baht was due with charges.")
        return _Outcome(
            line,
            MatchStatus.WRONG_AMOUNT,
            detail % {"a": f"{amount:,.2f}", "d": paid_on.isoformat(), "due": f"{expected:,.2f}"},
            bill.id,
            expected,
        )
    if amount < due.total:
        detail = _("%(a)s baht is less than the %(due)s baht due.") % {
            "a": f"{amount:,.2f}",
            "due": f"{expected:,.2f}",
        }
        return _Outcome(line, MatchStatus.PARTIAL, detail, bill.id, expected)
    detail = _("%(a)s baht is more than the %(due)s baht due.") % {
        "a": f"{amount:,.2f}",
        "due": f"{due.total:,.2f}",
    }
    return _Outcome(line, MatchStatus.OVER_PAYMENT, detail, bill.id, due.total)


def _single_on_time(line: ParsedLine, bill: _BillState, paid_on: dt.date) -> _Outcome | None:
    """The common case without building the general structures: a one-instalment bill paid in full on time."""
    (inst,) = bill.instalments
    unpaid = inst.amount - inst.paid
    if paid_on > inst.due_date or unpaid <= 0 or line.amount != unpaid:
        return None
    bill.instalments = [InstalmentState(inst.seq, inst.amount, inst.due_date, inst.amount)]
    bill.paid_principal += unpaid
    bill.status = bill_status_for(bill.amount, bill.paid_principal)
    bill.changed = True
    allocations = f'[{{"seq": {inst.seq}, "principal": "{unpaid}", "penalty": "0.00", "surcharge": "0.00", "months_late": 0}}]'
    return _Outcome(line, MatchStatus.MATCHED, "", bill.id, unpaid, (unpaid, ZERO, ZERO, allocations))


def _allocations_json(parts) -> str:
    return json.dumps([p.as_json() for p in parts])


def _known_transactions(organization: Organization, txns: set[str]) -> set[str]:
    with connection.cursor() as cursor:
        # Joined row by row to the partial unique index (its predicate repeated so that it applies), whatever
        # the table's statistics say: `= ANY(100,000 values)` as a filter would compare every pair.
        cursor.execute(
            f"""SELECT l.transaction_id FROM unnest(%s::text[]) AS t(transaction_id)
                JOIN {BankStatementLine._meta.db_table} l
                  ON l.organization_id = %s AND l.transaction_id = t.transaction_id
                 AND NOT l.status = %s AND NOT l.transaction_id = ''""",  # noqa: S608
            [_text_array(txns), organization.pk, MatchStatus.DUPLICATE],
        )
        return {row[0] for row in cursor.fetchall()}


def _load_bills(organization: Organization, numbers: set[str]) -> dict[str, _BillState]:
    """The bills named by the file, with their instalments and first received warning letter (no row
    locks: the caller holds the organisation's payments lock exclusively)."""
    bill_table, inst_table = Bill._meta.db_table, Instalment._meta.db_table
    letter_table = WarningLetter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT id, number, ref2, kind, status, amount, paid_principal, paid_penalty, paid_surcharge,
                       extension_until, year
                FROM {bill_table} WHERE organization_id = %s AND number = ANY(%s::text[])""",  # noqa: S608
            [organization.pk, _text_array(numbers)],
        )
        bill_rows = cursor.fetchall()
        id_array = "{" + ",".join(str(r[0]) for r in bill_rows) + "}"
        cursor.execute(
            f"""SELECT DISTINCT ON (bill_id) bill_id, received_on, deadline FROM {letter_table}
                WHERE organization_id = %s AND bill_id = ANY(%s::bigint[]) AND received_on IS NOT NULL
                ORDER BY bill_id, received_on""",  # noqa: S608
            [organization.pk, id_array],
        )
        letters = {r[0]: (r[1], r[2]) for r in cursor.fetchall()}
        cursor.execute(
            f"""SELECT bill_id, seq, amount, due_date FROM {inst_table}
                WHERE organization_id = %s AND bill_id = ANY(%s::bigint[]) ORDER BY bill_id, seq""",  # noqa: S608
            [organization.pk, id_array],
        )
        inst_rows = cursor.fetchall()
    instalments: dict[int, list] = defaultdict(list)
    for bid, seq, amount, due_date in inst_rows:
        instalments[bid].append((seq, amount, due_date))
    contexts: dict[tuple, ChargeContext] = {}  # most bills share one: build each once
    rules_cache: RulesCache = {}  # the penalty rules of each kind and year, read once for the whole file
    out: dict[str, _BillState] = {}
    for bid, number, ref2, kind, status, amount, pp, pen, sur, ext, year in bill_rows:
        received, deadline = letters.get(bid, (None, None))
        key = (kind, received, deadline, ext, year)
        ctx = contexts.get(key)
        if ctx is None:
            rules = rules_of_year(organization_id=organization.pk, kind=kind, year=year, cache=rules_cache)
            ctx = contexts[key] = ChargeContext(kind, received, deadline, ext, rules)
        parts = instalments[bid]
        if len(parts) == 1:  # most bills: what instalments_paid computes, without the general loop
            ((seq, i_amount, due_date),) = parts
            states = [InstalmentState(seq, i_amount, due_date, min(i_amount, pp if pp > ZERO else ZERO))]
        else:
            states = instalments_paid(parts, pp)
        out[number] = _BillState(bid, number, ref2, status, amount, pp, pen, sur, ctx, states)
    return out


_ARRAY_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"'})


def _text_array(values: Collection[str]) -> str:
    """A large text array as ONE ``text[]`` literal, for ``%s::text[]``: Django's client-side binding would
    otherwise quote 100,000 list items one by one in Python."""
    return '{"' + '","'.join(v.translate(_ARRAY_ESCAPES) for v in values) + '"}' if values else "{}"


# --- writing -----------------------------------------------------------------------------------------------------


def _write(
    actor: Actor,
    organization: Organization,
    statement: BankStatementImport,
    outcomes: list[_Outcome],
    changed: list[_BillState],
    timings: dict[str, float],
) -> None:
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now_ = time.perf_counter()
        timings[name] = now_ - mark
        mark = now_

    outcomes.sort(key=lambda o: o.line.line_no)
    now = timezone.now()
    user_id = actor.user.pk if actor.user is not None else None
    org_id = organization.pk
    matched = [o for o in outcomes if o.status == MatchStatus.MATCHED]
    line_table, pay_table = BankStatementLine._meta.db_table, Payment._meta.db_table
    statement_id, nul = statement.pk, bulk.NULL
    stamps = {p: p.isoformat() for p in {o.line.paid_at for o in outcomes}}
    with connection.cursor() as cursor:
        line_ids = bulk.reserve_ids(cursor, line_table, len(outcomes))
        bulk.copy_text(
            cursor,
            f"COPY {line_table} (id, organization_id, statement_id, line_no, paid_at, ref1, ref2, amount, "
            "payer_name, channel, branch, transaction_id, status, detail, expected_amount, bill_id, resolution, "
            "resolution_note) FROM STDIN",
            (
                f"{line_id}\t{org_id}\t{statement_id}\t{p.line_no}\t{stamps[p.paid_at]}\t{bulk.text_columns(p[2:4])}\t"
                f"{p.amount:f}\t{bulk.text_columns(p[5:9])}\t{o.status}\t{bulk.escape(o.detail[:300]) if o.detail else ''}\t"
                f"{nul if o.expected is None else format(o.expected, 'f')}\t{nul if o.bill_id is None else o.bill_id}"
                "\t\t\n"
                for line_id, o in zip(line_ids, outcomes, strict=True)
                for p in (o.line,)
            ),
        )
        line_id_of = {o.line.line_no: i for i, o in zip(line_ids, outcomes, strict=True)}
        lap("copy lines")
        if matched:
            pay_ids = bulk.reserve_ids(cursor, pay_table, len(matched))
            user = nul if user_id is None else user_id
            recorded_at = now.isoformat()
            days = {t: t.astimezone(ICT).date().isoformat() for t in {o.line.paid_at for o in matched}}
            bulk.copy_text(
                cursor,
                f"COPY {pay_table} (id, organization_id, bill_id, channel, paid_on, amount, principal, penalty, "
                "surcharge, allocations, reference, cheque_bank, cheque_number, bank_line_id, note, recorded_by_id, "
                "recorded_at) FROM STDIN",
                (
                    f"{pay_id}\t{org_id}\t{o.bill_id}\t{PaymentChannel.BANK}\t"
                    f"{days[o.line.paid_at]}\t{o.line.amount:f}\t"
                    f"{o.payment[0]:f}\t{o.payment[1]:f}\t{o.payment[2]:f}\t{bulk.escape(o.payment[3])}\t"
                    f"{bulk.escape(o.line.transaction_id)}\t\t\t{line_id_of[o.line.line_no]}\t\t{user}\t{recorded_at}\n"
                    for pay_id, o in zip(pay_ids, matched, strict=True)
                ),
            )
            lap("copy payments")
            _copy_receipts(cursor, organization, pay_ids, user_id, now)
            lap("copy receipts")
        if changed:
            _update_bills(cursor, org_id, changed)
            lap("update bills")
    summary: dict[str, dict[str, str | int]] = {}
    counts: Counter[str] = Counter()
    amounts: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for o in outcomes:
        counts[o.status] += 1
        amounts[o.status] += o.line.amount
    for status in MatchStatus.values:
        summary[status] = {"lines": counts[status], "amount": str(amounts[status])}
    statement.summary = summary
    statement.applied_amount = amounts[MatchStatus.MATCHED]
    statement.save(update_fields=["summary", "applied_amount"])


def _copy_receipts(
    cursor, organization: Organization, payment_ids: list[int], user_id, now: dt.datetime
) -> None:
    fiscal_year = thai_dates.fiscal_year(timezone.localtime(now).date())
    prefix = (
        BillingProfile.objects.filter(organization=organization)
        .values_list("receipt_prefix", flat=True)
        .first()
        or ""
    )
    seqs = reserve_numbers(
        organization_id=organization.pk, name="receipt", year=fiscal_year, count=len(payment_ids)
    )
    prefix = bulk.escape(prefix)  # the rest of a receipt number is digits
    user, issued_at = (bulk.NULL if user_id is None else user_id), now.isoformat()
    bulk.copy_text(
        cursor,
        f"COPY {Receipt._meta.db_table} (organization_id, payment_id, fiscal_year, seq, number, issued_at, "
        "issued_by_id) FROM STDIN",
        (
            f"{organization.pk}\t{pay_id}\t{fiscal_year}\t{seq}\t{receipt_number(prefix, fiscal_year, seq)}\t"
            f"{issued_at}\t{user}\n"
            for pay_id, seq in zip(payment_ids, seqs, strict=True)
        ),
    )


def _update_bills(cursor, org_id: int, changed: list[_BillState]) -> None:
    """New paid amounts and statuses: COPY into a scratch table, then one UPDATE … FROM. (Instalments do
    not change: what each has received follows from the bill's principal paid.)"""
    cursor.execute(
        # Dropped first as well: two imports can share one transaction (a test, or a caller's atomic block).
        "DROP TABLE IF EXISTS pg_temp.billing_bill_paid; "
        "CREATE TEMP TABLE billing_bill_paid (id bigint, pp numeric, pen numeric, sur numeric, status text) "
        "ON COMMIT DROP"
    )
    bulk.copy_text(
        cursor,
        "COPY billing_bill_paid FROM STDIN",
        (
            f"{b.id}\t{b.paid_principal:f}\t{b.paid_penalty:f}\t{b.paid_surcharge:f}\t{b.status}\n"
            for b in changed
        ),
    )
    cursor.execute(
        f"""UPDATE {Bill._meta.db_table} AS b
            SET paid_principal = v.pp, paid_penalty = v.pen, paid_surcharge = v.sur, status = v.status
            FROM billing_bill_paid v WHERE b.organization_id = %s AND b.id = v.id""",  # noqa: S608
        [org_id],
    )


# --- staff resolution ------------------------------------------------------------------------------------------


class Resolution:
    APPLY = "apply"
    REFUND = "refund"
    REJECT = "reject"
    ALL = (APPLY, REFUND, REJECT)


@transaction.atomic
def bank_line_resolve(
    *,
    actor: Actor,
    line: BankStatementLine,
    action: str,
    bill_number: str | None = None,
    note: str = "",
) -> BankStatementLine:
    """Settle a line the import did not apply.

    - ``apply``: pay the line's bill (or ``bill_number``, for an unmatched line) with what is due that day at
      most; any excess is recorded as a refund to the payer. Not for duplicates.
    - ``refund``: the whole amount goes back to the payer (e.g. a bill paid twice).
    - ``reject``: no money moves in Muang (e.g. a reversal the bank already made); ``note`` says why.
    """
    organization = line.organization
    require(actor, organization, BillingPerm.BANK_RECONCILE)
    if action not in Resolution.ALL:
        raise InvalidInput.for_field("action", _("One of: apply, refund, reject."))
    line = BankStatementLine.objects.select_for_update().get(pk=line.pk, organization=organization)
    if line.status == MatchStatus.MATCHED or line.resolution:
        raise Conflict(_("This line is already settled."))
    before = audit.snapshot(line)
    today = timezone.localdate()
    if action == Resolution.APPLY:
        _apply_line(actor, organization, line, bill_number, note, today)
    elif action == Resolution.REFUND:
        refund = Refund.objects.create(
            organization=organization,
            bill=line.bill,
            bank_line=line,
            payee_name=line.payer_name or "—",
            amount=line.amount,
            reason=RefundReason.DUPLICATE if line.status == MatchStatus.DUPLICATE else RefundReason.OTHER,
            claimed_on=today,
            note=note[:300],
            recorded_by=actor.user,
        )
        audit.record_create(actor=actor, organization=organization, instance=refund)
        line.resolution = LineResolution.REFUNDED
    else:
        if not note.strip():
            raise InvalidInput.for_field("note", _("Say why the line is rejected."))
        line.resolution = LineResolution.REJECTED
    line.resolution_note = note.strip()[:300]
    line.resolved_by = actor.user
    line.resolved_at = timezone.now()
    line.save(update_fields=["bill", "resolution", "resolution_note", "resolved_by", "resolved_at"])
    audit.record(
        actor=actor,
        organization=organization,
        instance=line,
        action=AuditEntry.Action.UPDATE,
        changes=audit.diff(before, audit.snapshot(line)),
        reason=action,
    )
    return line


def _apply_line(
    actor: Actor,
    organization: Organization,
    line: BankStatementLine,
    bill_number: str | None,
    note: str,
    today: dt.date,
) -> None:
    if line.status == MatchStatus.DUPLICATE:
        raise Conflict(_("A duplicate line cannot be applied again: refund or reject it."))
    if bill_number:
        bill = Bill.objects.filter(organization=organization, number=bill_number.strip().upper()).first()
        if bill is None:
            raise NotFound(_("No bill %(n)s.") % {"n": bill_number})
    elif line.bill_id is not None:
        bill = line.bill
    else:
        raise InvalidInput.for_field("bill_number", _("Name the bill this payment is for."))
    bill, instalments = lock_bill(bill)
    if bill.status == BillStatus.CANCELLED:
        raise Conflict(_("Bill %(number)s is cancelled: it cannot be paid.") % {"number": bill.number})
    paid_on = timezone.localtime(line.paid_at).date()
    due = amount_due(instalment_states(bill, instalments), paid_on, charge_context(bill))
    if due.total <= 0:
        raise Conflict(_("Bill %(n)s has nothing left to pay: refund the line instead.") % {"n": bill.number})
    pay = min(line.amount, due.total)
    apply_payment(
        actor=actor,
        bill=bill,
        instalments=instalments,
        amount=pay,
        paid_on=paid_on,
        channel=PaymentChannel.BANK,
        reference=line.transaction_id,
        note=note,
        bank_line=line,
    )
    if line.amount > pay:
        refund = Refund.objects.create(
            organization=organization,
            bill=bill,
            bank_line=line,
            payee_name=line.payer_name or bill.payer_name,
            amount=line.amount - pay,
            reason=RefundReason.OVER_PAYMENT,
            claimed_on=today,
            status=RefundStatus.CLAIMED,
            recorded_by=actor.user,
        )
        audit.record_create(actor=actor, organization=organization, instance=refund)
    line.bill = bill
    line.resolution = LineResolution.APPLIED
