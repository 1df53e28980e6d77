"""National default values of the rule data, as the law stands (Land and Building Tax Act B.E. 2562 with
the Royal Decree of B.E. 2564; Signboard Tax Act B.E. 2510 with the ministerial regulation of B.E. 2563).

These seed an organisation's per-year settings; an organisation may adopt higher land-and-building rates by
ordinance (up to the s.37 ceilings) and every year may bring a new s.55 reduction, so callers store the
result as data and edit it there. Years are C.E. (B.E. − 543).
"""

from __future__ import annotations

from decimal import Decimal

from muang.taxlaw.depreciation import Construction, DepreciationBand, DepreciationSchedule
from muang.taxlaw.land_building import (
    LAND_BUILDING_TAX_FIRST_YEAR,
    Ceilings,
    Exemptions,
    RateSchedule,
    RateSchedules,
    TaxYearRules,
    VacantEscalation,
)
from muang.taxlaw.penalties import LandBuildingPenaltyRules, SignboardPenaltyRules, SurchargeRule
from muang.taxlaw.signboard import SignRates, SignTypeRate

SIGN_RATES_2563_FIRST_YEAR = 2021  # the B.E. 2563 ministerial regulation applies from 1 January 2564

_M = 1_000_000

# s.55 royal-decree reductions by tax year (percent of the tax): 90% in 2563–2564 B.E., 15% in 2566 B.E.
_REDUCTIONS_PERCENT: dict[int, str] = {2020: "90", 2021: "90", 2023: "15"}
# s.96: individual farmers owed nothing for tax years 2563–2565 B.E.
_FARMER_FULL_EXEMPTION_YEARS = frozenset({2020, 2021, 2022})


def default_rate_schedules() -> RateSchedules:
    """Brackets of s.94 (re-adopted by the Royal Decree of B.E. 2564 from 2565), base after exemption."""
    other = RateSchedule.of(
        (50 * _M, "0.3"), (200 * _M, "0.4"), (1000 * _M, "0.5"), (5000 * _M, "0.6"), (None, "0.7")
    )
    return RateSchedules(
        agricultural=RateSchedule.of(
            (75 * _M, "0.01"), (100 * _M, "0.03"), (500 * _M, "0.05"), (1000 * _M, "0.07"), (None, "0.1")
        ),
        residence_main_home=RateSchedule.of((25 * _M, "0.03"), (50 * _M, "0.05"), (None, "0.1")),
        residence_building_only=RateSchedule.of(
            (40 * _M, "0.02"), (65 * _M, "0.03"), (90 * _M, "0.05"), (None, "0.1")
        ),
        residence_other=RateSchedule.of(
            (50 * _M, "0.02"), (75 * _M, "0.03"), (100 * _M, "0.05"), (None, "0.1")
        ),
        other=other,
        vacant=other,
    )


def default_tax_year_rules(year: int) -> TaxYearRules:
    """National defaults for land-and-building tax year ``year`` (C.E.)."""
    if year < LAND_BUILDING_TAX_FIRST_YEAR:
        raise ValueError(
            f"the Land and Building Tax Act applies from {LAND_BUILDING_TAX_FIRST_YEAR} (2563 B.E.)"
        )
    return TaxYearRules(
        year=year,
        schedules=default_rate_schedules(),
        exemptions=Exemptions(
            residence_main_home=Decimal(50 * _M),
            residence_building_only=Decimal(10 * _M),
            individual_farmer=Decimal(50 * _M),
            individual_farmer_fully_exempt=year in _FARMER_FULL_EXEMPTION_YEARS,
        ),
        ceilings=Ceilings(
            agricultural=Decimal("0.15"),
            residential=Decimal("0.3"),
            other=Decimal("1.2"),
            vacant=Decimal("1.2"),
        ),
        vacant_escalation=VacantEscalation(
            every_years=3, step_percent=Decimal("0.3"), cap_percent=Decimal(3)
        ),
        reduction_percent=Decimal(_REDUCTIONS_PERCENT.get(year, "0")),
        max_reduction_percent=Decimal(90),
    )


def default_depreciation_schedules() -> dict[Construction, DepreciationSchedule]:
    """Treasury depreciation by age (percent of replacement value)."""

    def schedule(*bands: tuple[int | None, str], cap: str) -> DepreciationSchedule:
        return DepreciationSchedule(
            bands=tuple(DepreciationBand(age, Decimal(rate)) for age, rate in bands), cap_percent=Decimal(cap)
        )

    return {
        Construction.MASONRY: schedule((10, "1"), (None, "2"), cap="76"),
        Construction.HALF_MASONRY: schedule((5, "2"), (15, "4"), (None, "5"), cap="85"),
        Construction.WOOD: schedule((5, "3"), (15, "5"), (None, "7"), cap="93"),
    }


def default_sign_rates(year: int) -> SignRates:
    """Signboard rates of the B.E. 2563 ministerial regulation, in force from 2021 (2564 B.E.)."""
    if year < SIGN_RATES_2563_FIRST_YEAR:
        raise ValueError("no seeded signboard rates before 2021 (2564 B.E.); enter that year's rates as data")
    return SignRates(
        thai_only=SignTypeRate(moving=Decimal(10), static=Decimal(5)),
        thai_mixed=SignTypeRate(moving=Decimal(52), static=Decimal(26)),
        no_thai_or_thai_below=SignTypeRate(moving=Decimal(52), static=Decimal(50)),
        unit_area_cm2=500,
        remainder_counted_above_cm2=250,
        minimum_per_sign=Decimal(200),
    )


def default_land_building_penalty_rules() -> LandBuildingPenaltyRules:
    return LandBuildingPenaltyRules(
        penalty_percent=Decimal(40),
        penalty_before_warning_percent=Decimal(10),
        penalty_within_warning_deadline_percent=Decimal(20),
        surcharge=SurchargeRule(monthly_rate_percent=Decimal(1), capped_at_tax=True),
        surcharge_with_extension=SurchargeRule(monthly_rate_percent=Decimal("0.5"), capped_at_tax=True),
    )


def default_signboard_penalty_rules() -> SignboardPenaltyRules:
    return SignboardPenaltyRules(
        not_filed_percent=Decimal(10),
        filed_late_before_notice_percent=Decimal(5),
        understatement_percent=Decimal(10),
        late_payment=SurchargeRule(monthly_rate_percent=Decimal(2), capped_at_tax=False),
    )
