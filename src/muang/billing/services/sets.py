"""Set-based twins of :func:`~muang.billing.services.bills.bills_issue` and
:func:`~muang.billing.services.sync.bills_sync`, for billing runs of hundreds of thousands of bills (the monthly
waste-fee run: 200,000 accounts in a few seconds, issue 14).

Same inputs, same checks and error messages, same rows: the same gap-free bill numbers (one block reserved per
kind and year, in the caller's order), the same bills, lines and instalments, one "created" audit entry per bill
with the same changes (``test_services_sets.py`` compares both paths row by row). What differs is how the rows
travel:

- no model instance per row: bills, lines and instalments are formatted straight into COPY's text format, their
  ids reserved in one statement each (``core.bulk.reserve_ids``);
- the audit entries are written by one ``INSERT … SELECT`` over the new bills, their changes built by PostgreSQL
  (``jsonb_build_object``) instead of a Python snapshot per bill;
- the sync reads the bills in force as tuples, not models, and builds a :class:`Bill` only for the few it
  cancels;
- the result names the bills issued as :class:`IssuedBill` tuples (id, number, Ref2, amount), enough for their
  Thai QR payloads (``thaiqr.build_bill_payments``) without reading them back.

The one-bill and staff paths (``bill_issue``, ``bills_issue``, ``bills_sync``) are unchanged; any app may call
either. Amounts are best given with their satang (``Decimal("20.00")``): the audit entry writes the amount as
the database holds it (``20.00``), where ``bills_issue``'s snapshot writes the Decimal as given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing import thaiqr
from muang.billing.dues import split_instalments
from muang.billing.models import Bill, BillKind, BillLine, BillStatus, Instalment
from muang.billing.permissions import BillingPerm
from muang.billing.services.bills import (
    BillDraft,
    _assign_numbers,
    _validate,
    bill_cancel_authorised,
    profile_of,
)
from muang.billing.services.payments import lock_payments
from muang.billing.services.sync import (
    SyncResult,
    WantedBill,
    checked_wanted,
    compare,
    paid_bills,
    require_issue,
)
from muang.billing.sources import SourceKind
from muang.core.access import Actor, require
from muang.core.bulk import NULL, array_literal, copy_sql, copy_text, escape, reserve_ids
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import AuditEntry, Organization
from muang.core.money import ZERO
from muang.core.thai_dates import BUDDHIST_ERA_OFFSET
from muang.core.thai_id import is_valid_tax_id, normalize_thai_id

BILL_COLUMNS = (
    "id",
    "organization_id",
    "number",
    "ref2",
    "kind",
    "year",
    "source_ref",
    "payer_name",
    "payer_tax_id",
    "payer_address",
    "amount",
    "paid_principal",
    "paid_penalty",
    "paid_surcharge",
    "issued_on",
    "notified_on",
    "due_date",
    "extension_until",
    "has_instalments",
    "status",
    "cancelled_at",
    "cancel_reason",
    "issued_by_id",
    "created_at",
)
# Lines and instalments take their ids from their identity columns (nobody refers to them here).
LINE_COLUMNS = ("organization_id", "bill_id", "position", "description", "source_ref", "amount")
INSTALMENT_COLUMNS = ("organization_id", "bill_id", "seq", "amount", "due_date", "running_total")


class IssuedBill(NamedTuple):
    pk: int
    number: str
    ref2: str
    amount: Decimal


# One "created" entry per new bill, as `audit.record_created` writes it: changes = {field: [null, value]} for
# every field whose value is not null, values as `audit.snapshot` renders them (Decimal and dates as text, the
# default 0 of the paid amounts as the number 0, foreign keys as ids).
_AUDIT_SQL = """
INSERT INTO core_auditentry (organization_id, actor_user_id, actor_token_id, actor_label, action, object_type,
    object_id, object_repr, changes, reason, request_id, ip_address, at)
SELECT b.organization_id, %(user)s, %(token)s, %(label)s, %(action)s, %(type)s, b.id::text,
    left(b.number || ' ' || b.payer_name, 300),
    jsonb_build_object(
        'amount', jsonb_build_array(NULL, b.amount::text),
        'cancel_reason', jsonb_build_array(NULL, b.cancel_reason),
        'created_at', jsonb_build_array(NULL, %(created_at)s::text),
        'due_date', jsonb_build_array(NULL, b.due_date::text),
        'has_instalments', jsonb_build_array(NULL, b.has_instalments),
        'id', jsonb_build_array(NULL, b.id),
        'issued_on', jsonb_build_array(NULL, b.issued_on::text),
        'kind', jsonb_build_array(NULL, b.kind),
        'number', jsonb_build_array(NULL, b.number),
        'organization', jsonb_build_array(NULL, b.organization_id),
        'paid_penalty', jsonb_build_array(NULL, 0),
        'paid_principal', jsonb_build_array(NULL, 0),
        'paid_surcharge', jsonb_build_array(NULL, 0),
        'payer_address', jsonb_build_array(NULL, b.payer_address),
        'payer_name', jsonb_build_array(NULL, b.payer_name),
        'payer_tax_id', jsonb_build_array(NULL, b.payer_tax_id),
        'ref2', jsonb_build_array(NULL, b.ref2),
        'source_ref', jsonb_build_array(NULL, b.source_ref),
        'status', jsonb_build_array(NULL, b.status),
        'year', jsonb_build_array(NULL, b.year)
    ) || CASE WHEN b.issued_by_id IS NULL THEN '{}'::jsonb
              ELSE jsonb_build_object('issued_by', jsonb_build_array(NULL, b.issued_by_id)) END,
    '', %(request_id)s, %(ip)s, %(at)s
FROM billing_bill b
WHERE b.organization_id = %(org)s AND b.id BETWEEN %(low)s AND %(high)s __SCATTERED__
ORDER BY b.id
"""


# A whole source reference in one match: what `SourceRef.parse` accepts (app and kind words, a key; no colon).
_SOURCE_REF = re.compile(r"[a-z][a-z0-9-]{0,29}:[a-z][a-z0-9-]{0,29}:[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_KINDS = frozenset(BillKind.values)


def _plainly_valid(draft: BillDraft, issued_on: dt.date, tax_ids: dict[str, bool]) -> Decimal | None:
    """The total of a draft that plainly passes every check of `bills._validate` (the common case, checked
    fast), else None: the draft then goes through `_validate` itself, which accepts it or says what is wrong.
    Never accepts what `_validate` refuses: each condition here is one of its checks, or stricter."""
    if (
        draft.number is not None
        or draft.instalments
        or draft.kind not in _KINDS
        or not 2000 <= draft.year <= 2200
        or draft.due_date < issued_on
        or not draft.lines
        or not draft.payer.name.strip()
    ):
        return None
    if draft.source_ref and (len(draft.source_ref) > 100 or not _SOURCE_REF.fullmatch(draft.source_ref)):
        return None
    if tax_id := draft.payer.tax_id:
        valid = tax_ids.get(tax_id)
        if valid is None:
            valid = tax_ids[tax_id] = is_valid_tax_id(tax_id)
        if not valid:
            return None
    total = Decimal(0)
    for line in draft.lines:
        amount = line.amount
        if type(amount) is not Decimal or not amount.is_finite() or amount <= 0:
            return None
        if amount.as_tuple().exponent not in (-2, -1, 0) or not line.description.strip():
            return None
        if (
            line.source_ref
            and line.source_ref != draft.source_ref
            and not _SOURCE_REF.fullmatch(line.source_ref)
        ):
            return None
        total += amount
    return total if total <= thaiqr.MAX_AMOUNT else None


def _validate_all(drafts: Sequence[BillDraft], profile, issued_on: dt.date) -> list[tuple]:
    """`bills_issue`'s checks and messages, draft by draft; all errors at once."""
    single = len(drafts) == 1
    errors: dict[str, list[str]] = {}
    checked = []
    tax_ids: dict[str, bool] = {}
    for i, draft in enumerate(drafts):
        total = _plainly_valid(draft, issued_on, tax_ids)
        if total is not None:
            checked.append((draft, total, (draft.due_date,)))
            continue
        draft_errors, total, due_dates = _validate(draft, profile, issued_on, "" if single else f"{i}.")
        if draft_errors:
            errors.update(draft_errors)
        checked.append((draft, total, due_dates))
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, field_errors=errors)
    return checked


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _text(value: str) -> str:
    """A text value for COPY's text format: escaped only when it holds a backslash, tab or line break."""
    return escape(value) if _COPY_SPECIAL.search(value) else value


@transaction.atomic
def bills_issue_set(
    *,
    actor: Actor,
    organization: Organization,
    drafts: Sequence[BillDraft],
    issued_on: dt.date | None = None,
) -> list[IssuedBill]:
    """Issue many bills at once, as :func:`bills_issue` does (all or none, the same numbers and rows), with COPY
    and one audit statement; returns the bills issued in the drafts' order."""
    require(actor, organization, BillingPerm.BILL_ISSUE)
    return _bills_issue_set(actor=actor, organization=organization, drafts=drafts, issued_on=issued_on)


def _bills_issue_set(
    *,
    actor: Actor,
    organization: Organization,
    drafts: Sequence[BillDraft],
    issued_on: dt.date | None = None,
) -> list[IssuedBill]:
    """`bills_issue_set` once the actor's right is established (by it, or by `bills_sync_set`)."""
    profile = profile_of(organization)
    issued_on = issued_on or timezone.localdate()
    checked = _validate_all(drafts, profile, issued_on)
    if not checked:
        return []
    numbers = _assign_numbers(organization, drafts)
    now = timezone.now()
    org = str(organization.pk)
    user = NULL if actor.user is None else str(actor.user.pk)
    created_at = now.isoformat()
    issued = issued_on.isoformat()
    bills: list[IssuedBill] = []
    bill_rows: list[str] = []
    line_rows: list[str] = []
    instalment_rows: list[str] = []
    with connection.cursor() as cursor:
        bill_ids = reserve_ids(cursor, Bill._meta.db_table, len(checked))
        for (draft, total, due_dates), pk, number in zip(checked, bill_ids, numbers, strict=True):
            ref2 = str(draft.year + BUDDHIST_ERA_OFFSET)
            bill_id = str(pk)
            bills.append(IssuedBill(pk, number, ref2, total))
            bill_rows.append(
                f"{bill_id}\t{org}\t{number}\t{ref2}\t{_text(draft.kind)}\t{draft.year}\t{_text(draft.source_ref)}\t"
                f"{_text(draft.payer.name.strip())}\t{_text(normalize_thai_id(draft.payer.tax_id))}\t"
                f"{_text(draft.payer.address.strip())}\t{total}\t0\t0\t0\t{issued}\t{NULL}\t"
                f"{draft.due_date.isoformat()}\t{NULL}\t{'t' if draft.instalments else 'f'}\t{BillStatus.OPEN}\t"
                f"{NULL}\t\t{user}\t{created_at}\n"
            )
            for position, line in enumerate(draft.lines, start=1):
                line_rows.append(
                    f"{org}\t{bill_id}\t{position}\t{_text(line.description.strip())}\t"
                    f"{_text(line.source_ref)}\t{Decimal(str(line.amount))}\n"
                )
            amounts = split_instalments(total) if draft.instalments else (total,)
            running = Decimal(0)
            for seq, (amount, due) in enumerate(zip(amounts, due_dates, strict=True), start=1):
                running += amount
                instalment_rows.append(f"{org}\t{bill_id}\t{seq}\t{amount}\t{due.isoformat()}\t{running}\n")
        try:
            with transaction.atomic():
                copy_text(cursor, copy_sql(Bill._meta.db_table, BILL_COLUMNS), bill_rows)
        except (IntegrityError, psycopg.IntegrityError) as e:
            raise Conflict(
                _("A bill number is already used, or one of these sources is already billed for this year.")
            ) from e
        copy_text(cursor, copy_sql(BillLine._meta.db_table, LINE_COLUMNS), line_rows)
        copy_text(cursor, copy_sql(Instalment._meta.db_table, INSTALMENT_COLUMNS), instalment_rows)
        scattered = "" if isinstance(bill_ids, range) else "AND b.id = ANY(%(ids)s::bigint[])"
        cursor.execute(
            _AUDIT_SQL.replace("__SCATTERED__", scattered),
            {
                "user": actor.user.pk if actor.user is not None else None,
                "token": actor.token.pk if actor.token is not None else None,
                "label": actor.label,
                "action": AuditEntry.Action.CREATE,
                "type": Bill._meta.label,
                "created_at": created_at,
                "request_id": actor.request_id,
                "ip": actor.ip_address,
                "at": now,
                "org": organization.pk,
                "ids": "" if isinstance(bill_ids, range) else array_literal(bill_ids),
                "low": min(bill_ids),
                "high": max(bill_ids),
            },
        )
    return bills


@dataclass
class SetSyncResult(SyncResult):
    """`SyncResult`, with the bills issued or re-issued now as :class:`IssuedBill` rows (``wanted``'s order)."""

    issued_bills: list[IssuedBill] = field(default_factory=list)


class _InForce(NamedTuple):
    """What the comparison reads of a bill in force (the attributes `_untouched` and `_conflict` use)."""

    pk: int
    source_ref: str
    amount: Decimal
    status: str
    paid_principal: Decimal
    number: str
    payer_name: str


@transaction.atomic
def bills_sync_set(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    year: int,
    source_kind: SourceKind,
    wanted: Sequence[WantedBill],
    issued_on: dt.date,
    reason: str,
    within: str = "",
) -> SetSyncResult:
    """:func:`~muang.billing.services.sync.bills_sync` (the same rules, checks, messages and counts), with the
    bills issued by :func:`bills_issue_set`; the result also lists them as :class:`IssuedBill` rows."""
    require_issue(actor, organization, source_kind)
    by_source = checked_wanted(wanted, source_kind=source_kind, within=within, reason=reason)

    lock_payments(organization.pk)  # billing's lock order: the payments lock, then the bills' rows
    in_force = [
        _InForce(*row)
        for row in Bill.objects.select_for_update()
        .filter(
            organization=organization,
            kind=kind,
            year=year,
            source_ref__startswith=source_kind.prefix + within,
            cancelled_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "source_ref", "amount", "status", "paid_principal", "number", "payer_name")
    ]
    result = SetSyncResult()
    cancel, drafts = compare(
        kind=kind,
        year=year,
        by_source=by_source,
        in_force=in_force,
        paid_something=paid_bills(organization, in_force),
        result=result,
    )
    to_cancel = [bill.pk for bill in cancel]
    for bill in Bill.objects.filter(organization=organization, pk__in=to_cancel).order_by("pk"):
        bill_cancel_authorised(actor=actor, bill=bill, reason=reason)
    if drafts:
        bills = _bills_issue_set(actor=actor, organization=organization, drafts=drafts, issued_on=issued_on)
        result.bill_ids = [b.pk for b in bills]
        result.issued_total = sum((b.amount for b in bills), ZERO)
        result.issued_bills = bills
    return result
