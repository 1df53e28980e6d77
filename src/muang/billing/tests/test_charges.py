"""Penalty rules come from the app that issues a kind of bill, through billing's registry."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from muang.billing.charges import (
    ChargeRuleSource,
    charge_rules_for,
    register_charge_rules,
    rules_of_year,
    unregister_charge_rules,
)
from muang.billing.dues import ChargeContext, Charges, InstalmentState, amount_due
from muang.billing.models import BillKind
from muang.core.thai_dates import months_late

DUE = dt.date(2026, 4, 30)


@dataclass(frozen=True)
class FlatFee:
    fee: D

    def charges(self, principal, due_date, as_of, ctx):
        return Charges(self.fee, D(0), months_late(due_date, as_of))


@pytest.fixture
def waste_late_fee():
    looked_up = []

    def for_year(organization_id, year):
        looked_up.append((organization_id, year))
        return FlatFee(D(year - 2000))

    register_charge_rules(BillKind.WASTE_FEE, ChargeRuleSource(default=FlatFee(D(5)), for_year=for_year))
    yield looked_up
    unregister_charge_rules(BillKind.WASTE_FEE)


def test_a_kind_nobody_registered_bears_no_charges():
    unregister_charge_rules(BillKind.SERVICE_FEE)
    due = amount_due([InstalmentState(1, D(100), DUE)], dt.date(2027, 1, 1), ChargeContext("service_fee"))
    assert (due.penalty, due.surcharge, due.total) == (D(0), D(0), D(100))


def test_a_registered_kind_charges_by_the_rules_of_the_bills_year_read_once(waste_late_fee):
    cache = {}
    rules = rules_of_year(organization_id=7, kind=BillKind.WASTE_FEE, year=2026, cache=cache)
    on_time = amount_due([InstalmentState(1, D(100), DUE)], DUE, ChargeContext("waste_fee", rules=rules))
    assert on_time.total == D(100) and waste_late_fee == []  # nothing late: no query for the rules
    late = amount_due(
        [InstalmentState(1, D(100), DUE)], dt.date(2026, 5, 2), ChargeContext("waste_fee", rules=rules)
    )
    assert late.penalty == D(26)
    assert charge_rules_for(organization_id=7, kind=BillKind.WASTE_FEE, year=2026, cache=cache) == FlatFee(
        D(26)
    )
    assert waste_late_fee == [(7, 2026)]
    default = amount_due([InstalmentState(1, D(100), DUE)], dt.date(2026, 5, 2), ChargeContext("waste_fee"))
    assert default.penalty == D(5)
