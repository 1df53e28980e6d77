"""Signboard Tax (ภาษีป้าย), Act B.E. 2510 as amended, rates of the ministerial regulation B.E. 2563.

Rates, the area unit, the rounding threshold and the per-sign minimum are data (:class:`SignRates`, seeded in
:mod:`muang.taxlaw.seed`).

First-year proration and the minimum. s.8 taxes a sign installed during the year by quarters (งวดละสาม
เดือน), from the quarter of installation to the last quarter, each quarter at 25% of the annual rate of
s.18. The 200-baht minimum ("ป้ายใดคำนวณพื้นที่แล้วมีอัตราภาษีต่ำกว่าป้ายละ 200 บาท ให้เสียป้ายละ 200 บาท")
belongs to that annual rate: it is part of the rate schedule, not a floor on the amount finally payable.
So the minimum is applied first and the result prorated: a small sign installed in the fourth quarter
pays 25% of 200 = 50 baht. Applying the minimum after proration would make a one-quarter sign pay a full
year's minimum, which the quarterly rule exists to avoid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from muang.core.money import ZERO, round_satang

QUARTERS_PER_YEAR = 4


class SignType(IntEnum):
    """Sign categories of the rate schedule (ประเภทป้าย)."""

    THAI_ONLY = 1  # อักษรไทยล้วน
    THAI_MIXED = 2  # อักษรไทยปนกับอักษรต่างประเทศ ภาพ หรือเครื่องหมาย
    NO_THAI_OR_THAI_BELOW = 3  # ไม่มีอักษรไทย หรืออักษรไทยอยู่ใต้/ต่ำกว่าอักษรต่างประเทศ


@dataclass(frozen=True)
class SignTypeRate:
    """Baht per area unit for one sign type."""

    moving: Decimal  # moving or changeable message (เคลื่อนที่หรือเปลี่ยนข้อความได้)
    static: Decimal


@dataclass(frozen=True)
class SignRates:
    """The signboard rate schedule in force for a year (s.18 and the ministerial regulation)."""

    thai_only: SignTypeRate
    thai_mixed: SignTypeRate
    no_thai_or_thai_below: SignTypeRate
    unit_area_cm2: int  # 500
    remainder_counted_above_cm2: int  # 250: a larger remainder counts as a whole unit
    minimum_per_sign: Decimal  # 200

    def __post_init__(self) -> None:
        if self.unit_area_cm2 <= 0:
            raise ValueError("unit area must be positive")
        if not 0 <= self.remainder_counted_above_cm2 < self.unit_area_cm2:
            raise ValueError("the remainder threshold must be within one unit")
        if self.minimum_per_sign < 0:
            raise ValueError("the minimum must not be negative")

    def rate(self, sign_type: SignType, *, moving: bool) -> Decimal:
        type_rate = {
            SignType.THAI_ONLY: self.thai_only,
            SignType.THAI_MIXED: self.thai_mixed,
            SignType.NO_THAI_OR_THAI_BELOW: self.no_thai_or_thai_below,
        }[sign_type]
        return type_rate.moving if moving else type_rate.static


def sign_area_cm2(width_cm: Decimal | int, height_cm: Decimal | int) -> Decimal:
    """Widest × longest extent of the sign (outermost letters or marks where it has no border)."""
    if width_cm < 0 or height_cm < 0:
        raise ValueError("dimensions must not be negative")
    return Decimal(width_cm) * Decimal(height_cm)


def sign_units(area_cm2: Decimal | int, rates: SignRates) -> int:
    """Whole units of ``unit_area_cm2``; a remainder above the threshold counts as one more, else dropped."""
    area = Decimal(area_cm2)
    if area < 0:
        raise ValueError("area must not be negative")
    units, remainder = divmod(area, rates.unit_area_cm2)
    return int(units) + (1 if remainder > rates.remainder_counted_above_cm2 else 0)


def quarter_of(day: dt.date) -> int:
    """Calendar quarter 1–4 (งวด) of ``day``."""
    return (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class SignTaxComputation:
    """The figures of a signboard assessment (ภ.ป.3)."""

    area_cm2: Decimal
    units: int
    rate_per_unit: Decimal
    by_area: Decimal  # units × rate
    minimum_applied: bool
    annual_tax: Decimal  # max(by_area, minimum)
    quarters: int  # quarters taxed this year: 4, or 5 − quarter of installation in the first year
    tax: Decimal  # annual_tax × quarters / 4, to the satang


def signboard_tax(
    *,
    area_cm2: Decimal | int,
    sign_type: SignType,
    moving: bool,
    rates: SignRates,
    installed_quarter: int | None = None,
) -> SignTaxComputation:
    """Tax for one sign for one year.

    ``installed_quarter`` (1–4) only in the year the sign was first installed (s.8): it then pays for the
    quarters from installation to year end. The minimum is applied before proration (see module docstring).
    """
    if installed_quarter is not None and not 1 <= installed_quarter <= QUARTERS_PER_YEAR:
        raise ValueError("installed_quarter must be 1–4")
    area = Decimal(area_cm2)
    units = sign_units(area, rates)
    rate = rates.rate(sign_type, moving=moving)
    by_area = units * rate
    minimum_applied = by_area < rates.minimum_per_sign
    annual = rates.minimum_per_sign if minimum_applied else by_area
    quarters = QUARTERS_PER_YEAR if installed_quarter is None else QUARTERS_PER_YEAR + 1 - installed_quarter
    return SignTaxComputation(
        area_cm2=area,
        units=units,
        rate_per_unit=rate,
        by_area=by_area,
        minimum_applied=minimum_applied,
        annual_tax=annual,
        quarters=quarters,
        tax=round_satang(annual * quarters / QUARTERS_PER_YEAR),
    )


def signboard_tax_total(computations: Sequence[SignTaxComputation]) -> Decimal:
    """Total of one owner's signs: the minimum is per sign, so signs are never merged before the minimum."""
    return sum((c.tax for c in computations), ZERO)
