"""The case engine's KPI sources (cases.kpis), through the real lifecycle services with a fixed clock."""

import datetime as dt
from decimal import Decimal

from muang.cases import kpis
from muang.cases.services import case_change_status, case_rate
from muang.cases.tests.factories import submit_case
from muang.core.thai_dates import BANGKOK

BKK = BANGKOK
JAN = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 1, 31)}


def at(day: int, hour: int = 9, month: int = 1) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=BKK)


def resolve(town, case, now, stars=None):
    case_change_status(actor=town.admin, case=case, status="resolved", now=now)
    if stars:
        case_rate(actor=town.admin, case=case, stars=stars, now=now)


def test_share_resolved_within_sla_median_days_and_rating(town, other_town):
    # 8 working hours of SLA: received Monday 5 January 09:00, due the same day at the end of the working day.
    on_time = submit_case(town.category, now=at(5))
    late = submit_case(town.category, now=at(5))
    slow = submit_case(town.category, now=at(5))
    resolve(town, on_time, at(5, 11), stars=5)  # 2 hours
    resolve(town, late, at(8, 10), stars=2)  # 3 days and 1 hour
    resolve(town, slow, at(2, 9, month=2))  # in February: not January's
    submit_case(other_town.category, now=at(5))  # another organisation's
    assert kpis.resolved_within_sla(organization=town.org, **JAN) == Decimal("50.0")
    assert kpis.median_days_to_resolve(organization=town.org, **JAN) == Decimal("1.6")
    assert kpis.satisfaction(organization=town.org, **JAN) == Decimal("3.50")
    feb = {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 2, 28)}
    assert kpis.resolved_within_sla(organization=town.org, **feb) == Decimal("0.0")
    assert kpis.satisfaction(organization=town.org, **feb) is None  # nobody rated February's


def test_nothing_resolved_is_no_figure(town):
    submit_case(town.category, now=at(5))
    assert kpis.resolved_within_sla(organization=town.org, **JAN) is None
    assert kpis.median_days_to_resolve(organization=town.org, **JAN) is None


def test_the_period_is_in_bangkok_days(town):
    case = submit_case(town.category, now=at(30, 9))
    resolve(town, case, dt.datetime(2026, 1, 31, 23, 30, tzinfo=BKK))  # 16:30 UTC: still 31 January here
    assert kpis.median_days_to_resolve(organization=town.org, **JAN) == Decimal("1.6")
