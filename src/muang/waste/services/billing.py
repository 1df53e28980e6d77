"""The waste-fee run: one bill per account and month (or fee year, for accounts billed yearly), through billing's
bill sync (its set-based twin, ``bills_sync_set``), so a second run changes nothing, a changed rate re-issues
unpaid bills and never touches paid ones.

Bills are kind ``waste_fee``, one line, source ``waste:account:<period>.<id>`` (``waste.sources``):

- monthly: period ``YYYYMM``, bill year = the calendar year of the month, due on the month's last day;
- yearly: the **fee year follows the rate schedule's period**: it starts on the first day of the month in which
  the schedule in force on the day asked for took effect, and runs twelve months. The ordinances in the data
  take effect on 1 October, the start of the Thai government's fiscal year (and of the local budget), so their
  fee year is October–September; an ordinance in force from 1 January bills the calendar year. Period
  ``Y<YYYYMM of the first month>`` (the letter keeps a yearly key from ever sharing a prefix with a month's),
  bill year = the year in which the fee year ends (fiscal year 2569 = October 2568 – September 2569, Ref2
  ``2569``), billed at the rates in force on its first day and due on the last day of its first month.

Each run compares one period only: ``bills_sync_set(within="<period>.")``, so the whole-year sync of yearly
accounts leaves the monthly bills of the same months alone, and the reverse. A period billed after it began
gets at least 15 days from the issue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.models import BillKind
from muang.billing.services.bills import LineDraft, Payer
from muang.billing.services.sets import SetSyncResult, bills_sync_set
from muang.billing.services.sync import WantedBill
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.models import AuditEntry, Organization
from muang.core.thai_dates import add_months, buddhist_era
from muang.waste import sources
from muang.waste.models import Account, Cycle, Rate
from muang.waste.permissions import WastePerm
from muang.waste.selectors import rates_in_force, schedule_in_force

ACCOUNT_FIELDS = ("pk", "number", "holder_name", "holder_tax_id", "address", "rate_class")


def period_of(period: dt.date, cycle: str, year_starts: int = 1) -> tuple[dt.date, dt.date, str, int]:
    """(first day, last day, source key, months billed) of the period that holds ``period``; a fee year starts
    on the first of month ``year_starts`` (see the module)."""
    if cycle == Cycle.YEARLY:
        first = dt.date(period.year if period.month >= year_starts else period.year - 1, year_starts, 1)
        return first, add_months(first, 12) - dt.timedelta(days=1), f"Y{first:%Y%m}", 12
    first = period.replace(day=1)
    return first, add_months(first, 1) - dt.timedelta(days=1), f"{first:%Y%m}", 1


def fee_year_start(organization: Organization, day: dt.date) -> int:
    """The month a yearly account's fee year starts: that of the schedule in force on ``day`` (January when none
    is, and the run then refuses for want of a schedule)."""
    schedule = schedule_in_force(organization, day)
    return schedule.effective_from.month if schedule is not None else 1


PAY_WITHIN = dt.timedelta(days=15)  # a period billed late (or in its last days) still gets 15 days to pay


def wanted_bills(
    *, rows: Iterable[tuple], rates: dict[str, Rate], cycle: str, period: dt.date, issued_on: dt.date
) -> tuple[list[WantedBill], list[str]]:
    """The bills the accounts (``ACCOUNT_FIELDS`` tuples) owe for the period, and the numbers of accounts whose
    rate class the schedule does not have. Pure: the bench calls it too."""
    first, last, key, months = period_of(period, cycle, period.month if cycle == Cycle.YEARLY else 1)
    due = last if cycle == Cycle.MONTHLY else add_months(first, 1) - dt.timedelta(days=1)
    due = max(due, issued_on + PAY_WITHIN) if issued_on > first else due
    label = f"{first.month:02d}/{buddhist_era(first.year)}"
    if cycle == Cycle.YEARLY:
        label += f"–{last.month:02d}/{buddhist_era(last.year)}"
    description = _("Waste collection fee %(period)s") % {"period": label}
    fees = {code: rate.monthly_fee * months for code, rate in rates.items()}
    wanted, unrated = [], []
    for pk, number, name, tax_id, address, rate_class in rows:
        fee = fees.get(rate_class)
        if fee is None:
            unrated.append(number)
            continue
        if fee <= 0:
            continue
        source = sources.account_ref(key, pk)
        wanted.append(
            WantedBill(
                source=source,
                payer=Payer(name=name, tax_id=tax_id, address=address),
                lines=(
                    LineDraft(description=f"{description} ({number})", amount=fee, source_ref=str(source)),
                ),
                due_date=due,
            )
        )
    return wanted, unrated


def billable_accounts(organization: Organization, cycle: str, first: dt.date, last: dt.date):
    return (
        Account.objects.filter(organization=organization, cycle=cycle, opened_on__lte=last)
        .exclude(closed_on__lt=first)
        .order_by("pk")
        .values_list(*ACCOUNT_FIELDS)
    )


@transaction.atomic
def waste_billing_run(
    *,
    actor: Actor,
    organization: Organization,
    period: dt.date,
    cycle: str = Cycle.MONTHLY,
    issued_on: dt.date | None = None,
) -> SetSyncResult:
    """Bill every account of ``cycle`` open in the period holding ``period`` (all or nothing)."""
    require(actor, organization, WastePerm.WASTE_BILL)
    if cycle not in Cycle.values:
        raise InvalidInput.for_field("cycle", _("Monthly or yearly."))
    year_starts = fee_year_start(organization, period) if cycle == Cycle.YEARLY else 1
    first, last, key, _months = period_of(period, cycle, year_starts)
    issued_on = issued_on or timezone.localdate()
    schedule = schedule_in_force(organization, first)
    if schedule is None:
        raise InvalidInput.for_field("period", _("No rate schedule is in force at the start of this period."))
    rates = rates_in_force(organization, first)
    wanted, unrated = wanted_bills(
        rows=billable_accounts(organization, cycle, first, last).iterator(chunk_size=10_000),
        rates=rates,
        cycle=cycle,
        period=first,
        issued_on=issued_on,
    )
    if unrated:
        raise InvalidInput.for_field(
            "rate_class",
            _("Accounts with a rate class the schedule does not have: %(numbers)s.")
            % {"numbers": ", ".join(unrated[:20]) + (" …" if len(unrated) > 20 else "")},
        )
    result = bills_sync_set(
        actor=actor,
        organization=organization,
        kind=BillKind.WASTE_FEE,
        year=last.year,  # a month's year; the year a fee year ends in (its fiscal year)
        source_kind=sources.ACCOUNT,
        within=sources.period_prefix(key),
        wanted=wanted,
        issued_on=issued_on,
        reason=_("Waste fees of %(period)s billed again under %(ordinance)s.")
        % {"period": key, "ordinance": schedule.ordinance},
    )
    audit.record(
        actor=actor,
        organization=organization,
        instance=schedule,
        action=AuditEntry.Action.UPDATE,
        changes={
            "billing_run": [
                None,
                {
                    "period": key,
                    "issued": result.issued,
                    "unchanged": result.unchanged,
                    "reissued": result.reissued,
                    "cancelled": result.cancelled,
                    "conflicts": len(result.conflicts),
                    "issued_total": str(result.issued_total),
                },
            ]
        },
    )
    return result
