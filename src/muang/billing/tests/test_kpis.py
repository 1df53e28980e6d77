"""Billing's KPI sources (billing.kpis): collection against what fell due, and arrears on a day."""

import datetime as dt
from decimal import Decimal as D

import pytest

from muang.billing import kpis
from muang.billing.selectors import amount_due_of
from muang.billing.services.bills import bill_cancel
from muang.billing.services.payments import payment_record
from muang.billing.tests.factories import billing_organization, issue
from muang.core.access import SYSTEM

pytestmark = pytest.mark.django_db
APRIL = {"start": dt.date(2026, 4, 1), "end": dt.date(2026, 4, 30)}


def test_collected_share_counts_payments_made_by_the_end_of_the_period(org):
    paid = issue(org, "1000.00", due_date=dt.date(2026, 4, 30))
    half = issue(org, "1000.00", due_date=dt.date(2026, 4, 15))
    issue(org, "1000.00", due_date=dt.date(2026, 5, 31))  # due in May: not April's
    payment_record(actor=SYSTEM, bill=paid, amount=D("1000.00"), channel="cash", paid_on=dt.date(2026, 4, 20))
    payment_record(actor=SYSTEM, bill=half, amount=D("500.00"), channel="cash", paid_on=dt.date(2026, 4, 10))
    payment_record(actor=SYSTEM, bill=half, amount=D("400.00"), channel="cash", paid_on=dt.date(2026, 5, 2))
    assert kpis.collected_share(organization=org, **APRIL) == D("75.0")
    cancelled = issue(org, "500.00", due_date=dt.date(2026, 4, 30))
    bill_cancel(actor=SYSTEM, bill=cancelled, reason="ออกใหม่")
    assert kpis.collected_share(organization=org, **APRIL) == D("75.0")  # a cancelled bill is not owed
    assert kpis.collected_share(organization=billing_organization(), **APRIL) is None


def test_arrears_on_the_last_day_of_the_period(org):
    bill = issue(org, "1000.00", due_date=dt.date(2026, 4, 30))
    issue(org, "700.00", due_date=dt.date(2026, 6, 30))  # not yet due at the end of April
    payment_record(actor=SYSTEM, bill=bill, amount=D("300.00"), channel="cash", paid_on=dt.date(2026, 4, 5))
    assert kpis.arrears(organization=org, **APRIL) == D("700.00")
    late = dt.date(2026, 5, 5)
    bill.refresh_from_db()
    due = amount_due_of(bill, late)  # the rest of the tax, with its penalty and surcharge
    payment_record(actor=SYSTEM, bill=bill, amount=due.total, channel="cash", paid_on=late)
    assert kpis.arrears(organization=org, **APRIL) == D("700.00")  # April's figure does not move
    may = {"start": dt.date(2026, 5, 1), "end": dt.date(2026, 5, 31)}
    assert kpis.arrears(organization=org, **may) == D("0.00")
    assert kpis.arrears(organization=billing_organization(), **APRIL) is None
