"""Reads of the allowance payment runs (selectors): the runs of an organisation, a run's lines and totals by
allowance and tier, the transfers of its bank file, its cash list (and that list as a signed PDF), a person's
allowance history. Every read checks the care permission; the writes are in `services.allowances`."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db.models import Count, QuerySet, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.care.models import (
    AllowanceAdjustment,
    AllowanceKind,
    AllowanceLine,
    AllowancePayer,
    AllowanceRight,
    AllowanceRun,
    AllowanceRunStatus,
    LineType,
    PaymentMethod,
    Person,
    StopReason,
)
from muang.care.payment_files import Payer, Transfer, payment_file
from muang.care.permissions import CarePerm
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput, NotFound
from muang.core.models import Organization
from muang.core.process import collector_paused
from muang.core.thai_dates import bangkok_date, fiscal_year

READY = (AllowanceRunStatus.DONE, AllowanceRunStatus.PAID)


def runs_of(*, actor: Actor, organization: Organization) -> QuerySet[AllowanceRun]:
    require(actor, organization, CarePerm.CARE_VIEW)
    return AllowanceRun.objects.filter(organization=organization).order_by("-month", "-id")


def get_run_for(*, actor: Actor, organization: Organization, run_id: int) -> AllowanceRun:
    require(actor, organization, CarePerm.CARE_VIEW)
    run = (
        AllowanceRun.objects.filter(organization=organization, pk=run_id).select_related("started_by").first()
    )
    if run is None:  # another organisation's run is simply not found
        raise NotFound(_("No payment run %(id)s.") % {"id": run_id})
    return run


def lines_of(
    *, actor: Actor, run: AllowanceRun, line_type: str = "", kind: str = ""
) -> QuerySet[AllowanceLine]:
    require(actor, run.organization, CarePerm.CARE_VIEW)
    lines = (
        AllowanceLine.objects.filter(organization_id=run.organization_id, run=run)
        .select_related("person", "rate", "adjustment")
        .order_by("person__full_name", "person_id", "kind", "id")
    )
    if line_type:
        lines = lines.filter(line_type=line_type)
    if kind:
        lines = lines.filter(kind=kind)
    return lines


@dataclass(frozen=True)
class TotalRow:
    kind: str
    line_type: str
    amount_each: Decimal | None  # the tier (the rate's monthly amount), None for adjustments and stops
    min_age: int | None
    max_age: int | None
    stop_reason: str
    count: int
    total: Decimal


def totals_of(*, actor: Actor, run: AllowanceRun) -> list[TotalRow]:
    """Lines and money by allowance, line type and tier (the rate row), and stops by reason."""
    require(actor, run.organization, CarePerm.CARE_VIEW)
    rows = (
        AllowanceLine.objects.filter(organization_id=run.organization_id, run=run)
        .values("kind", "line_type", "rate__amount", "rate__min_age", "rate__max_age", "stop_reason")
        .annotate(count=Count("id"), total=Sum("amount"))
        .order_by("kind", "line_type", "rate__min_age", "rate__amount", "stop_reason")
    )
    return [
        TotalRow(
            kind=r["kind"],
            line_type=r["line_type"],
            amount_each=r["rate__amount"],
            min_age=r["rate__min_age"],
            max_age=r["rate__max_age"],
            stop_reason=r["stop_reason"],
            count=r["count"],
            total=r["total"] or Decimal(0),
        )
        for r in rows
    ]


def _net_by_payee(run: AllowanceRun, method: str):
    return (
        AllowanceLine.objects.filter(organization_id=run.organization_id, run=run, method=method)
        .exclude(line_type=LineType.STOP)
        .values("person_id", "right__bank_code", "right__account_number", "right__account_name")
        .annotate(amount=Sum("amount"))
        .filter(amount__gt=0)
        .order_by("person_id", "right__bank_code", "right__account_number")
    )


def _require_ready(run: AllowanceRun) -> None:
    if run.status not in READY:
        raise InvalidInput.for_field("run", _("The run has not finished computing."))


_TRANSFERS_SQL = """
SELECT %(prefix)s || l.person_id, r.bank_code COLLATE "C", r.account_number COLLATE "C",
       r.account_name COLLATE "C", sum(l.amount)
FROM care_allowanceline l
JOIN care_allowanceright r ON r.id = l.right_id
WHERE l.organization_id = %(org)s AND l.run_id = %(run)s AND l.method = %(method)s AND l.line_type <> %(stop)s
GROUP BY l.person_id, r.bank_code COLLATE "C", r.account_number COLLATE "C", r.account_name COLLATE "C"
HAVING sum(l.amount) > 0
ORDER BY l.person_id, r.bank_code COLLATE "C", r.account_number COLLATE "C"
"""
# Grouped and sorted by bytes (COLLATE "C"): the same groups (equal text is equal bytes) and the same order (bank
# codes and account numbers are digits), without the locale's comparison of every pair of names in the sort. A run's
# lines are all of its month: the reference's "YYYYMM-" is a parameter, not a to_char per payee and a group key.


def transfers_of(*, actor: Actor, run: AllowanceRun) -> list[Transfer]:
    """One transfer per payee and account: the month's lines paid by bank, added up (recoveries deducted).
    One statement straight into the bank adapter's tuples (the ORM's per-row work was most of the file's
    time); the same grouping as `_net_by_payee`, which the cash list uses."""
    from django.db import connection, transaction

    require(actor, run.organization, CarePerm.CARE_VIEW)
    _require_ready(run)
    params = {
        "org": run.organization_id,
        "run": run.pk,
        "method": PaymentMethod.BANK.value,
        "stop": LineType.STOP.value,
        "prefix": f"{run.month:%Y%m}-",
    }
    # The plan is asked for (transaction-local) rather than left to statistics that a run just written is not
    # in yet, or is, depending on whether autovacuum has analysed the table since: the planner either takes the
    # run for a handful of rows and walks it in a nested loop (×3 slower on 100,000 lines), or knows its size
    # and groups it in a hash table of wide account keys, which spills past work_mem (×2 slower). The rows
    # are wanted sorted by payee anyway: one hash join of the lines and the rights, one sort, the groups read
    # off it in order, in this backend (a parallel worker on a two-core box only adds a gather and a merge).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL enable_nestloop = off; SET LOCAL enable_hashagg = off;"
            " SET LOCAL max_parallel_workers_per_gather = 0"
        )
        cursor.execute(_TRANSFERS_SQL, params)
        # Each row becomes a Transfer by tuple.__new__ straight from C (Transfer._make is a Python function).
        return list(map(partial(tuple.__new__, Transfer), cursor.fetchall()))


def payer_of(organization: Organization) -> Payer | None:
    row = AllowancePayer.objects.filter(organization=organization).first()
    if row is None:
        return None
    return Payer(row.bank_code, row.branch_code, row.account_number, row.account_name, row.company_id)


def bank_file(*, actor: Actor, run: AllowanceRun, fmt: str) -> tuple[bytes, str, str]:
    """The run's bank-transfer file in format `fmt` (`care.payment_files`): (bytes, filename, content type).
    Personal data leaving the system: the export is audited."""
    from muang.care.payment_files import FORMATS

    effective = max(run.due_on, run.month)
    # 100,000 transfers are 100,000 tuples of numbers and strings and a file built from them: nothing the cyclic
    # collector could free, and each of its passes on the way would walk them all.
    with collector_paused():
        transfers = transfers_of(actor=actor, run=run)
        data = payment_file(fmt, transfers, payer=payer_of(run.organization), effective=effective)
    spec = FORMATS[fmt]
    filename = f"allowances-{run.month:%Y-%m}-{fmt}{spec.filename_suffix}"
    audit.record_export(
        actor=actor,
        organization=run.organization,
        what="care.allowance_bank_file",
        filename=filename,
        rows=len(transfers),
        filters={"run": run.pk, "format": fmt},
    )
    return data, filename, spec.content_type


@dataclass(frozen=True)
class CashRow:
    person: Person
    amount: Decimal


def cash_list_of(*, actor: Actor, run: AllowanceRun) -> list[CashRow]:
    require(actor, run.organization, CarePerm.CARE_VIEW)
    _require_ready(run)
    rows = list(_net_by_payee(run, PaymentMethod.CASH))
    people = Person.objects.in_bulk([r["person_id"] for r in rows])
    out = [CashRow(people[r["person_id"]], r["amount"]) for r in rows]
    return sorted(out, key=lambda row: (row.person.full_name, row.person.pk))


def cash_list_pdf(*, actor: Actor, run: AllowanceRun) -> tuple[bytes, str]:
    """The cash list to sign (each payee signs beside their amount), as PDF with a Thai font, B.E. dates."""
    import weasyprint  # imported late: it loads Pango and fonts, which only PDF requests need

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    rows = cash_list_of(actor=actor, run=run)
    html = render_to_string(
        "care/allowances/cash_list_pdf.html",
        {
            "run": run,
            "organization": run.organization,
            "rows": rows,
            "total": sum((r.amount for r in rows), Decimal(0)),
            "printed_on": bangkok_date(timezone.now()),
        },
    )
    filename = f"allowances-{run.month:%Y-%m}-cash.pdf"
    audit.record_export(
        actor=actor,
        organization=run.organization,
        what="care.allowance_cash_list",
        filename=filename,
        rows=len(rows),
        filters={"run": run.pk},
    )
    return weasyprint.HTML(string=html, base_url=None).write_pdf(), filename


FILE_FORMATS = ("csv", "ktb", "cash-pdf")


def run_download(*, actor: Actor, run: AllowanceRun, fmt: str) -> tuple[bytes, str, str]:
    """A run's file: a bank file (`csv`, `ktb`) or the cash list to sign (`cash-pdf`)."""
    if fmt == "cash-pdf":
        data, filename = cash_list_pdf(actor=actor, run=run)
        return data, filename, "application/pdf"
    return bank_file(actor=actor, run=run, fmt=fmt)


@dataclass(frozen=True)
class PersonAllowances:
    rights: list[AllowanceRight]
    lines: list[AllowanceLine]
    adjustments: list[AllowanceAdjustment]


def person_allowances(*, actor: Actor, person: Person, limit: int = 36) -> PersonAllowances:
    """A person's rights, their latest lines (newest month first) and their adjustments."""
    require(actor, person.organization, CarePerm.CARE_VIEW)
    org = person.organization_id
    rights = list(AllowanceRight.objects.filter(organization_id=org, person=person).order_by("kind", "-id"))
    return PersonAllowances(
        rights=rights,
        lines=list(  # through the rights: the lines' index leads with the right (a person has one or two)
            AllowanceLine.objects.filter(organization_id=org, right_id__in=[r.pk for r in rights])
            .select_related("rate", "run")
            .order_by("-month", "kind", "id")[:limit]
        ),
        adjustments=list(
            AllowanceAdjustment.objects.filter(organization_id=org, right__person=person)
            .select_related("right")
            .order_by("-created_at", "-id")
        ),
    )


def rights_of(*, actor: Actor, organization: Organization, kind: str = "") -> QuerySet[AllowanceRight]:
    require(actor, organization, CarePerm.CARE_VIEW)
    rights = AllowanceRight.objects.filter(organization=organization).select_related("person")
    if kind:
        if kind not in AllowanceKind.values:
            raise InvalidInput.for_field("kind", _("Unknown allowance: %(kind)s") % {"kind": kind})
        rights = rights.filter(kind=kind)
    return rights.order_by("person__full_name", "id")


def sql_totals(*, organization_id: int, month: dt.date) -> dict:
    """The bench's yardstick: the run's total for `month` in ONE SQL statement over the same rules
    (only payments, no adjustments). Not used by the application."""
    from django.db import connection

    from muang.care.services.allowances import ELDERLY_AGE

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), coalesce(sum(rate.amount), 0)
            FROM care_allowanceright r
            JOIN care_person p ON p.id = r.person_id
            JOIN care_enrolment e ON e.person_id = r.person_id AND e.programme = r.kind AND e.status = 'active'
            CROSS JOIN LATERAL (
                SELECT x.amount FROM care_allowancerate x
                WHERE x.kind = r.kind AND x.valid_from <= %(m)s AND (x.valid_to IS NULL OR x.valid_to >= %(m)s)
                  AND x.min_age <= date_part('year', age(%(b)s::date, p.birth_date))
                  AND (x.max_age IS NULL OR x.max_age >= date_part('year', age(%(b)s::date, p.birth_date)))
                  AND (NOT x.welfare_card OR r.welfare_card)
                ORDER BY x.amount DESC, x.id LIMIT 1) rate
            WHERE r.organization_id = %(o)s AND r.status = 'active' AND r.first_month <= %(m)s
              AND p.anonymized_at IS NULL AND (p.died_on IS NULL OR p.died_on >= %(m)s)
              AND (r.moved_out_on IS NULL OR r.moved_out_on >= %(m)s)
              AND NOT (r.kind = 'elderly' AND (r.state_pensioner
                       OR date_part('year', age(%(b)s::date, p.birth_date)) < %(min_age)s))
              AND NOT (r.kind = 'disability' AND e.card_expires_on < %(m)s)
              AND r.confirmed_fiscal_year >= %(fy)s
            """,
            {
                "o": organization_id,
                "m": month,
                "b": month - dt.timedelta(days=1),
                "min_age": ELDERLY_AGE,
                "fy": fiscal_year(month),
            },
        )
        count, total = cursor.fetchone()
    return {"count": count, "total": total}


STOP_LABELS = dict(StopReason.choices)
