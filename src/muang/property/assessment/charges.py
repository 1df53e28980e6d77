"""The penalty and surcharge rules of the bills the property app issues, handed to billing.

Billing asks :mod:`muang.billing.charges` what a late bill of a kind bears; this module answers for
land-and-building tax (Land and Building Tax Act s.68–70) and signboard tax (Signboard Tax Act s.25), with
the percentages of the bill's tax year as the tax office set them (``TaxYear.land_building_penalties`` and
``signboard_penalties``), or the Acts' own figures where the organisation has no such tax year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from muang.billing.charges import ChargeRuleSource, register_charge_rules
from muang.billing.dues import NO_CHARGES, ChargeContext, Charges
from muang.billing.models import BillKind
from muang.core.money import ZERO
from muang.core.thai_dates import months_late
from muang.taxlaw import penalties
from muang.taxlaw.seed import default_land_building_penalty_rules, default_signboard_penalty_rules


@dataclass(frozen=True)
class LandBuildingCharges:
    rules: penalties.LandBuildingPenaltyRules

    def charges(self, principal: Decimal, due_date: dt.date, as_of: dt.date, ctx: ChargeContext) -> Charges:
        if as_of <= due_date or principal <= 0:
            return NO_CHARGES
        months = months_late(due_date, as_of)
        if ctx.extension_until is not None and as_of <= ctx.extension_until:
            # s.70: paid within an extension of time, no penalty and the reduced surcharge.
            surcharge = penalties.surcharge_by_rule(
                principal, due_date, as_of, self.rules.surcharge_with_extension
            )
            return Charges(ZERO, surcharge, months)
        stage = penalties.payment_stage(
            due_date=due_date,
            paid_on=as_of,
            warning_received_on=ctx.warning_received_on,
            warning_deadline=ctx.warning_deadline,
        )
        return Charges(
            penalties.land_building_penalty(principal, stage, self.rules),
            penalties.surcharge_by_rule(principal, due_date, as_of, self.rules.surcharge),
            months,
        )


@dataclass(frozen=True)
class SignboardCharges:
    rules: penalties.SignboardPenaltyRules

    def charges(self, principal: Decimal, due_date: dt.date, as_of: dt.date, ctx: ChargeContext) -> Charges:
        if as_of <= due_date or principal <= 0:
            return NO_CHARGES
        surcharge = penalties.signboard_late_payment_surcharge(principal, due_date, as_of, self.rules)
        return Charges(ZERO, surcharge, months_late(due_date, as_of))


@cache
def statutory_land_building() -> LandBuildingCharges:
    return LandBuildingCharges(default_land_building_penalty_rules())


@cache
def statutory_signboard() -> SignboardCharges:
    return SignboardCharges(default_signboard_penalty_rules())


def _tax_year(organization_id: int, year: int):
    from muang.property.models import TaxYear

    return (
        TaxYear.objects.filter(organization_id=organization_id, year=year)
        .only("pk", "organization_id", "year", "land_building_penalties", "signboard_penalties")
        .first()
    )


def land_building_for_year(organization_id: int, year: int) -> LandBuildingCharges:
    tax_year = _tax_year(organization_id, year)
    if tax_year is None or not tax_year.land_building_penalties:
        return statutory_land_building()
    return LandBuildingCharges(tax_year.land_building_penalty_rules())


def signboard_for_year(organization_id: int, year: int) -> SignboardCharges:
    tax_year = _tax_year(organization_id, year)
    if tax_year is None or not tax_year.signboard_penalties:
        return statutory_signboard()
    return SignboardCharges(tax_year.signboard_penalty_rules())


def register() -> None:
    """Called from the app's ``ready``: billing then charges these kinds by the tax year's rules."""
    register_charge_rules(
        BillKind.LAND_BUILDING_TAX,
        ChargeRuleSource(default=statutory_land_building(), for_year=land_building_for_year),
    )
    register_charge_rules(
        BillKind.SIGNBOARD_TAX,
        ChargeRuleSource(default=statutory_signboard(), for_year=signboard_for_year),
    )
