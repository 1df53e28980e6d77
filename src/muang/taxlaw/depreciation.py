"""Building depreciation (ค่าเสื่อมราคาสิ่งปลูกสร้าง) used for the land-and-building tax base (s.35).

The Treasury Department (กรมธนารักษ์) publishes depreciation by construction type and age. The schedules are
data (:class:`DepreciationSchedule`, seeded in :mod:`muang.taxlaw.seed`): an annual percentage that
steps up with age, accumulated year by year, and capped.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from muang.core.money import ZERO, percent_of


class Construction(StrEnum):
    """Construction type that selects the depreciation schedule."""

    MASONRY = "masonry"  # ตึก: concrete / brick
    HALF_MASONRY = "half_masonry"  # ตึกครึ่งไม้: half masonry, half wood
    WOOD = "wood"  # ไม้


@dataclass(frozen=True)
class DepreciationBand:
    """``percent_per_year`` applies to every year of age up to ``through_age`` (None: every later year)."""

    through_age: int | None
    percent_per_year: Decimal


@dataclass(frozen=True)
class DepreciationSchedule:
    bands: tuple[DepreciationBand, ...]
    cap_percent: Decimal

    def __post_init__(self) -> None:
        if not self.bands:
            raise ValueError("a depreciation schedule needs at least one band")
        if self.bands[-1].through_age is not None:
            raise ValueError("the last band must be open-ended (through_age=None)")
        ages = [b.through_age for b in self.bands[:-1]]
        if any(a is None for a in ages) or ages != sorted(set(ages)) or (ages and ages[0] < 1):
            raise ValueError("band ages must be positive and strictly increasing")
        if any(b.percent_per_year < 0 for b in self.bands):
            raise ValueError("annual depreciation must not be negative")
        if not 0 <= self.cap_percent <= 100:
            raise ValueError("cap must be between 0 and 100 percent")


def building_age(tax_year: int, completed_year: int) -> int:
    """Age in whole years for depreciation: ``tax_year − completed_year``.

    Both years in the same era (both C.E. or both B.E.). Counting assumption: a building completed during
    2566 is one year old in tax year 2567 (the tax falls on what stands on 1 January).
    """
    if completed_year > tax_year:
        raise ValueError("the building was completed after the tax year")
    return tax_year - completed_year


def depreciation_percent(age: int, schedule: DepreciationSchedule) -> Decimal:
    """Accumulated depreciation in percent at ``age`` years, capped by the schedule."""
    if age < 0:
        raise ValueError("age must not be negative")
    accumulated = ZERO
    counted = 0  # years of age already depreciated by earlier bands
    for band in schedule.bands:
        last = age if band.through_age is None else min(age, band.through_age)
        if last <= counted:
            break
        accumulated += (last - counted) * band.percent_per_year
        counted = last
    return min(accumulated, schedule.cap_percent)


def depreciation_amount(value: Decimal, age: int, schedule: DepreciationSchedule) -> Decimal:
    """Baht to deduct from the replacement value ``value`` (exact; rounded where printed)."""
    if value < 0:
        raise ValueError("value must not be negative")
    return percent_of(value, depreciation_percent(age, schedule))
