"""Reads: rates in force, accounts, routes and their stops, today's round for a crew, arrears by account."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import NotFound
from muang.core.models import Organization
from muang.core.sms import thai_mobile_local
from muang.waste.models import Account, Rate, RateSchedule, Route, Stop
from muang.waste.permissions import WastePerm


def schedule_in_force(organization: Organization, day: dt.date) -> RateSchedule | None:
    return (
        RateSchedule.objects.filter(organization=organization, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


def rates_in_force(organization: Organization, day: dt.date) -> dict[str, Rate]:
    """The rate classes of the schedule in force on ``day``, by code (empty before the first schedule)."""
    schedule = schedule_in_force(organization, day)
    if schedule is None:
        return {}
    return {r.code: r for r in Rate.objects.filter(schedule=schedule)}


def rate_schedules_of(*, actor: Actor, organization: Organization) -> QuerySet[RateSchedule]:
    require(actor, organization, WastePerm.WASTE_VIEW)
    return (
        RateSchedule.objects.filter(organization=organization)
        .prefetch_related("rates")
        .order_by("-effective_from")
    )


def accounts_of(*, actor: Actor, organization: Organization, q: str = "") -> QuerySet[Account]:
    require(actor, organization, WastePerm.WASTE_VIEW)
    qs = Account.objects.filter(organization=organization).select_related("route")
    if q := q.strip():
        qs = qs.filter(number__istartswith=q) | qs.filter(holder_name__icontains=q)
    return qs.order_by("number")


def get_account_for(*, actor: Actor, organization: Organization, number: str) -> Account:
    account = accounts_of(actor=actor, organization=organization).filter(number=number).first()
    if account is None:
        raise NotFound(_("No waste-fee account %(number)s.") % {"number": number})
    return account


def routes_of(
    *, actor: Actor, organization: Organization, perm: str = WastePerm.WASTE_VIEW
) -> QuerySet[Route]:
    require(actor, organization, perm)
    return Route.objects.filter(organization=organization).select_related("crew").order_by("code")


def get_route_for(
    *, actor: Actor, organization: Organization, route_id: int, perm: str = WastePerm.WASTE_VIEW
) -> Route:
    route = routes_of(actor=actor, organization=organization, perm=perm).filter(pk=route_id).first()
    if route is None:
        raise NotFound(_("No collection route %(id)s.") % {"id": route_id})
    return route


def stops_of(route: Route) -> list[Stop]:
    """The route's stops in the order the crew collects them: full bins first, then the route's order."""
    return list(Stop.objects.filter(route=route).order_by("-priority", "seq"))


@dataclass
class AccountArrears:
    account: Account | None
    source_key: str
    bills: list = field(default_factory=list)  # billing's ArrearsRow
    total: Decimal = Decimal("0.00")

    @property
    def months(self) -> int:
        return len(self.bills)

    @property
    def oldest_due_date(self) -> dt.date:
        return min(r.oldest_due_date for r in self.bills)


def arrears_by_account(
    *, actor: Actor, organization: Organization, as_of: dt.date | None = None
) -> list[AccountArrears]:
    """The waste-fee bills overdue on ``as_of`` (billing's arrears report), by account, oldest debt first."""
    from muang.billing.models import BillKind
    from muang.billing.selectors import arrears_report
    from muang.waste.sources import account_id_of

    require(actor, organization, WastePerm.WASTE_ARREARS)
    report = arrears_report(actor=actor, organization=organization, as_of=as_of, kind=BillKind.WASTE_FEE)
    grouped: dict[int | None, AccountArrears] = {}
    for row in report.rows:
        account_id = account_id_of(row.bill.source_ref)
        entry = grouped.setdefault(account_id, AccountArrears(account=None, source_key=row.bill.source_ref))
        entry.bills.append(row)
        entry.total += row.total
    accounts = Account.objects.filter(organization=organization, pk__in=[k for k in grouped if k]).in_bulk()
    out = []
    for account_id, entry in grouped.items():
        entry.account = accounts.get(account_id)
        out.append(entry)
    out.sort(key=lambda e: (e.oldest_due_date, e.account.number if e.account else ""))
    return out


@dataclass(frozen=True)
class CrewStop:
    stop: Stop
    missed: list  # the open missed-collection reports matched to this stop (MissedCollection rows)


@dataclass(frozen=True)
class CrewDay:
    route: Route
    day: dt.date
    runs_today: bool
    stops: list[CrewStop]
    missed_elsewhere: list  # matched to the route, the stop since removed
    trip: object | None


def crew_routes(*, actor: Actor, organization: Organization) -> QuerySet[Route]:
    """The routes whose crew is the actor's department (all routes for a member without one)."""
    routes = routes_of(actor=actor, organization=organization, perm=WastePerm.WASTE_CREW)
    membership = actor.user.memberships.filter(organization=organization).first() if actor.user else None
    if membership is not None and membership.department_id:
        routes = routes.filter(crew_id=membership.department_id)
    return routes


def crew_day(*, actor: Actor, organization: Organization, route: Route, day: dt.date) -> CrewDay:
    """Today's round for the crew's phone: stops (full bins first), open missed-collection reports, the trip."""
    from muang.waste.models import MissedCollection, Trip

    require(actor, organization, WastePerm.WASTE_CREW)
    stops = stops_of(route)
    missed = list(
        MissedCollection.objects.filter(organization=organization, route=route, case__is_open=True)
        .select_related("case")
        .order_by("dispatched_at", "pk")
    )
    by_stop: dict[int | None, list] = defaultdict(list)
    for m in missed:
        by_stop[m.stop_id].append(m)
    known = {s.pk for s in stops}
    return CrewDay(
        route=route,
        day=day,
        runs_today=day.weekday() in route.weekdays,
        stops=[CrewStop(stop=s, missed=by_stop.get(s.pk, [])) for s in stops],
        missed_elsewhere=[m for m in missed if m.stop_id not in known],
        trip=Trip.objects.filter(organization=organization, route=route, day=day).first(),
    )


# --- the household's own page (a citizen signed in as the taxpayer self-service does) ------------------------


@dataclass
class HouseholdAccount:
    account: Account
    rate_name: str
    rows: list = field(default_factory=list)  # selfservice's BillRow: the bill and what is due on it today

    @property
    def owed(self) -> Decimal:
        return sum((r.due.payable_now for r in self.rows if not r.settled), Decimal(0))

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if not r.settled and r.due.overdue)


def accounts_with_phone(organization: Organization, phone: str) -> list[Account]:
    """The accounts registered with this mobile number (its local 10-digit form, as a sign-in proves it; the
    register may hold it written 081-234-5678 or +66 81 234 5678)."""
    local = thai_mobile_local(phone)
    if local is None:
        return []
    return list(
        Account.objects.filter(
            organization=organization, phone_digits__in=[local, "66" + local[1:]]
        ).order_by("number")
    )


def _period_keys(account: Account, today: dt.date) -> list[str]:
    """Every source key the account's bills can have: a month (``202603``) or a fee year (``Y202510``) from a
    year before it was opened to a year ahead (the fee year may start in any month)."""
    first = account.opened_on.replace(day=1)
    first = first.replace(year=first.year - 1)
    last = min(account.closed_on or today, today).replace(day=1)
    last = last.replace(year=last.year + 1)
    keys = []
    month = first
    while month <= last:
        keys += [f"{month:%Y%m}", f"Y{month:%Y%m}"]
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return keys


def household_scope(organization: Organization, accounts: list[Account], today: dt.date):
    """The billing scope of a household signed in by its mobile number: the waste-fee bills of its accounts,
    by their exact source references (found through billing's (organisation, kind, year, source) index)."""
    from muang.billing.access import PayerScope
    from muang.billing.models import Bill, BillKind
    from muang.waste.sources import account_ref

    refs: set[str] = set()
    years: set[int] = set()
    for account in accounts:
        for key in _period_keys(account, today):
            refs.add(str(account_ref(key, account.pk)))
            years.add(int(key.lstrip("Y")[:4]))
            years.add(int(key.lstrip("Y")[:4]) + 1)  # a fee year is billed in the year it ends
    billed = (
        Bill.objects.filter(
            organization=organization,
            kind=BillKind.WASTE_FEE,
            year__in=sorted(years),
            source_ref__in=sorted(refs),
        ).values_list("source_ref", flat=True)
        if refs
        else []
    )
    return PayerScope(source_refs=frozenset(billed))


def household_accounts(
    *, organization: Organization, owner=None, phone: str = "", today: dt.date
) -> list[HouseholdAccount]:
    """The accounts of the signed-in household: by the taxpayer's ID (`owner`) or by the mobile number it
    proved (`phone`, a household not on the tax register), each with its bills."""
    if owner is None:
        return _phone_household_accounts(organization=organization, phone=phone, today=today)
    return _owner_household_accounts(organization=organization, owner=owner, today=today)


def _phone_household_accounts(
    *, organization: Organization, phone: str, today: dt.date
) -> list[HouseholdAccount]:
    from muang.billing.models import Bill, BillKind, BillStatus
    from muang.selfservice.selectors import bill_rows
    from muang.waste.sources import account_id_of

    accounts = accounts_with_phone(organization, phone)
    if not accounts:
        return []
    names = {r.code: r.name for r in rates_in_force(organization, today).values()}
    out = {a.pk: HouseholdAccount(a, names.get(a.rate_class, a.rate_class)) for a in accounts}
    bills = (
        Bill.objects.filter(organization=organization, kind=BillKind.WASTE_FEE)
        .filter(household_scope(organization, accounts, today).q())
        .exclude(status=BillStatus.CANCELLED)
        .prefetch_related("instalments", "warning_letters", "lines")
    )
    for row in bill_rows(bills.order_by("-due_date", "-number"), today):
        if (entry := out.get(account_id_of(row.bill.source_ref))) is not None:
            entry.rows.append(row)
    return list(out.values())


def _owner_household_accounts(*, organization: Organization, owner, today: dt.date) -> list[HouseholdAccount]:
    """The waste-fee accounts held under the signed-in taxpayer's national or tax ID in ``organization``, each
    with its waste-fee bills (newest first) and what is due on them today. Only bills the taxpayer's billing
    grant covers are read (`selfservice.selectors.bills_of`: billed to their ID), so another household's
    account, or another organisation's, never shows even under the same ID."""
    from muang.billing.models import BillKind
    from muang.selfservice.selectors import bill_rows, bills_of, owner_tax_id
    from muang.waste.sources import account_id_of

    tax_id = owner_tax_id(owner)
    if not tax_id:
        return []
    accounts = list(
        Account.objects.filter(organization=organization, holder_tax_id=tax_id).order_by("number")
    )
    if not accounts:
        return []
    names = {
        r.code: r.name for r in rates_in_force(organization, today).values()
    }  # the rate classes' names today
    out = {a.pk: HouseholdAccount(a, names.get(a.rate_class, a.rate_class)) for a in accounts}
    bills = bills_of(organization=organization, owner=owner).filter(kind=BillKind.WASTE_FEE)
    for row in bill_rows(bills.order_by("-due_date", "-number"), today):
        if (entry := out.get(account_id_of(row.bill.source_ref))) is not None:
            entry.rows.append(row)
    return list(out.values())


def household_bill(*, organization: Organization, owner=None, phone: str = "", number: str, today: dt.date):
    """One waste-fee bill of the signed-in household (taxpayer or mobile number), with its lines and payments
    (NotFound otherwise: another household's bill reads as no bill)."""
    from muang.billing.models import Bill, BillKind, BillStatus
    from muang.selfservice.selectors import get_bill_of

    if owner is not None:
        bill = get_bill_of(organization=organization, owner=owner, number=number)
    else:
        scope = household_scope(organization, accounts_with_phone(organization, phone), today)
        bill = (
            Bill.objects.filter(organization=organization, number=(number or "").upper()[:20])
            .filter(scope.q())
            .exclude(status=BillStatus.CANCELLED)
            .select_related("organization")
            .prefetch_related("lines", "payments__receipt", "instalments")
            .first()
        )
        if bill is None:
            raise NotFound(_("No waste-fee bill %(number)s.") % {"number": number})
    if bill.kind != BillKind.WASTE_FEE:
        raise NotFound(_("No waste-fee bill %(number)s.") % {"number": number})
    return bill
