"""Land and Building Tax (ภาษีที่ดินและสิ่งปลูกสร้าง), Act B.E. 2562: assessment rules.

Pure functions: plain values and :class:`TaxYearRules` in, :class:`decimal.Decimal` and explanation
structures out. Every rate, bracket, exemption and reduction is data held by :class:`TaxYearRules` (one per
organisation and tax year; national defaults in :mod:`muang.taxlaw.seed`).

Rounding: every tax amount printed on the calculation sheet (ภ.ด.ส.7/8) — each bracket line, the s.55
reduction — is rounded half-up to the satang (:func:`~muang.core.money.round_satang`); totals are
sums of those printed amounts, so a sheet always adds up. With the statutory brackets (whole millions,
rates in hundredths of a percent) only the top bracket line can carry a fraction of a satang, so this equals
rounding the exact total once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from muang.core.money import ZERO, allocate_satang, percent_of, round_satang
from muang.core.thai_dates import christian_era
from muang.taxlaw.depreciation import DepreciationSchedule, depreciation_amount, depreciation_percent

# C.E. years start around here in any plausible call; B.E. years are 543 more (2567 B.E. = 2024 C.E.).
_FIRST_BE_LOOKING_YEAR = 2400


class Use(StrEnum):
    """The four uses of s.37, each with its own statutory rate ceiling."""

    AGRICULTURAL = "agricultural"  # ประกอบเกษตรกรรม
    RESIDENTIAL = "residential"  # อยู่อาศัย
    OTHER = "other"  # อื่น ๆ (commercial, industrial, …)
    VACANT = "vacant"  # ทิ้งไว้ว่างเปล่าหรือไม่ได้ทำประโยชน์ตามควรแก่สภาพ


class TaxClass(StrEnum):
    """Which rate schedule and exemption a (part of a) property falls under (s.37, s.40, s.41, s.94)."""

    AGRICULTURAL = "agricultural"
    # Land and building, individual owner in the house registration (ทะเบียนบ้าน) on 1 January: s.41 para 1.
    RESIDENCE_MAIN_HOME = "residence_main_home"
    # Building only (on someone else's land), owner in the house registration on 1 January: s.41 para 2.
    RESIDENCE_BUILDING_ONLY = "residence_building_only"
    RESIDENCE_OTHER = "residence_other"  # second homes, rented-out homes, juristic owners, …
    OTHER = "other"
    VACANT = "vacant"

    @property
    def use(self) -> Use:
        if self is TaxClass.AGRICULTURAL:
            return Use.AGRICULTURAL
        if self in (TaxClass.OTHER, TaxClass.VACANT):
            return Use(self.value)
        return Use.RESIDENTIAL


# --- data --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bracket:
    """``rate_percent`` applies to the part of the base up to ``upper`` baht (None: no upper bound)."""

    upper: Decimal | None
    rate_percent: Decimal


@dataclass(frozen=True)
class RateSchedule:
    """Progressive brackets over the base after exemption (s.37, s.94), applied slice by slice."""

    brackets: tuple[Bracket, ...]

    def __post_init__(self) -> None:
        if not self.brackets:
            raise ValueError("a rate schedule needs at least one bracket")
        if self.brackets[-1].upper is not None:
            raise ValueError("the last bracket must be open-ended (upper=None)")
        uppers = [b.upper for b in self.brackets[:-1]]
        if any(u is None or u <= 0 for u in uppers) or uppers != sorted(set(uppers)):
            raise ValueError("bracket upper bounds must be positive and strictly increasing")
        if any(b.rate_percent < 0 for b in self.brackets):
            raise ValueError("rates must not be negative")

    @classmethod
    def of(cls, *brackets: tuple[Decimal | int | str | None, Decimal | int | str]) -> RateSchedule:
        """``RateSchedule.of((50_000_000, "0.3"), (None, "0.4"))``: (upper baht, rate in percent) pairs."""
        return cls(
            brackets=tuple(
                Bracket(upper=None if upper is None else Decimal(upper), rate_percent=Decimal(rate))
                for upper, rate in brackets
            )
        )

    @property
    def max_rate_percent(self) -> Decimal:
        return max(b.rate_percent for b in self.brackets)


@dataclass(frozen=True)
class RateSchedules:
    agricultural: RateSchedule
    residence_main_home: RateSchedule
    residence_building_only: RateSchedule
    residence_other: RateSchedule
    other: RateSchedule
    vacant: RateSchedule

    def for_class(self, tax_class: TaxClass) -> RateSchedule:
        schedule: RateSchedule = getattr(self, tax_class.value)
        return schedule


@dataclass(frozen=True)
class Exemptions:
    """Baht exempt from the base."""

    residence_main_home: Decimal  # s.41 para 1 (50M)
    residence_building_only: Decimal  # s.41 para 2 (10M)
    individual_farmer: Decimal  # s.40 (50M), per owner per organisation
    # s.96: individual farmers paid nothing at all for tax years 2563–2565 B.E.
    individual_farmer_fully_exempt: bool = False

    def for_class(self, tax_class: TaxClass) -> Decimal:
        """Exemption per property for the residence classes; none otherwise (farmers: see s.40 function)."""
        if tax_class is TaxClass.RESIDENCE_MAIN_HOME:
            return self.residence_main_home
        if tax_class is TaxClass.RESIDENCE_BUILDING_ONLY:
            return self.residence_building_only
        return ZERO


@dataclass(frozen=True)
class Ceilings:
    """Statutory maximum rate per use in percent (s.37); local ordinances may not exceed them."""

    agricultural: Decimal
    residential: Decimal
    other: Decimal
    vacant: Decimal

    def for_use(self, use: Use) -> Decimal:
        ceiling: Decimal = getattr(self, use.value)
        return ceiling


@dataclass(frozen=True)
class VacantEscalation:
    """s.43: after ``every_years`` consecutive vacant years, +``step_percent`` on every bracket, again every
    further ``every_years``, the total rate never above ``cap_percent``."""

    every_years: int
    step_percent: Decimal
    cap_percent: Decimal

    def __post_init__(self) -> None:
        if self.every_years < 1:
            raise ValueError("every_years must be at least 1")
        if self.step_percent < 0 or self.cap_percent < 0:
            raise ValueError("step and cap must not be negative")


@dataclass(frozen=True)
class TaxYearRules:
    """Everything that varies by tax year or organisation. ``year`` is the C.E. calendar (= tax) year."""

    year: int
    schedules: RateSchedules
    exemptions: Exemptions
    ceilings: Ceilings
    vacant_escalation: VacantEscalation
    reduction_percent: Decimal  # s.55 royal-decree reduction for this year (0 in most years)
    max_reduction_percent: Decimal  # s.55 limit (90)

    def __post_init__(self) -> None:
        if self.year >= _FIRST_BE_LOOKING_YEAR:
            raise ValueError(
                f"year {self.year} looks like B.E.; pass the C.E. year ({christian_era(self.year)})"
            )
        if not 0 <= self.reduction_percent <= self.max_reduction_percent <= 100:
            raise ValueError("the s.55 reduction must be between 0 and its limit, and the limit at most 100")
        for tax_class in TaxClass:
            ceiling = self.ceilings.for_use(tax_class.use)
            if self.schedules.for_class(tax_class).max_rate_percent > ceiling:
                raise ValueError(f"{tax_class} rates exceed the s.37 ceiling of {ceiling}%")


# --- valuation (s.35) --------------------------------------------------------------------------------------


def land_value(*, price_per_square_wah: Decimal, area_square_wah: Decimal) -> Decimal:
    """s.35: Treasury appraisal per square wah × area in square wah."""
    if price_per_square_wah < 0 or area_square_wah < 0:
        raise ValueError("price and area must not be negative")
    return price_per_square_wah * area_square_wah


def condominium_value(*, price_per_square_metre: Decimal, area_square_metres: Decimal) -> Decimal:
    """s.35: Treasury appraisal per m² of the unit × unit area."""
    if price_per_square_metre < 0 or area_square_metres < 0:
        raise ValueError("price and area must not be negative")
    return price_per_square_metre * area_square_metres


@dataclass(frozen=True)
class BuildingValuation:
    replacement_value: Decimal  # price per m² × floor area
    depreciation_percent: Decimal
    depreciation: Decimal
    value: Decimal  # replacement value − depreciation: the building's part of the base


def building_value(
    *,
    price_per_square_metre: Decimal,
    floor_area_square_metres: Decimal,
    age: int,
    schedule: DepreciationSchedule,
) -> BuildingValuation:
    """s.35: Treasury price per m² for the building-type code × floor area, less depreciation by age."""
    if price_per_square_metre < 0 or floor_area_square_metres < 0:
        raise ValueError("price and area must not be negative")
    replacement = price_per_square_metre * floor_area_square_metres
    depreciation = depreciation_amount(replacement, age, schedule)
    return BuildingValuation(
        replacement_value=replacement,
        depreciation_percent=depreciation_percent(age, schedule),
        depreciation=depreciation,
        value=replacement - depreciation,
    )


# --- progressive computation (s.37, s.42, s.94) ------------------------------------------------------------


@dataclass(frozen=True)
class SliceLine:
    """One line of the calculation sheet: the slice of the base inside one bracket."""

    lower: Decimal
    upper: Decimal | None
    amount: Decimal
    rate_percent: Decimal
    tax: Decimal  # rounded to the satang


def progressive_tax(base: Decimal, schedule: RateSchedule) -> tuple[SliceLine, ...]:
    """Tax each slice of ``base`` at its bracket's rate; one line per bracket the base reaches."""
    if base < 0:
        raise ValueError("base must not be negative")
    lines: list[SliceLine] = []
    lower = ZERO
    for bracket in schedule.brackets:
        if base <= lower:
            break
        top = base if bracket.upper is None else min(base, bracket.upper)
        amount = top - lower
        tax = round_satang(percent_of(amount, bracket.rate_percent))
        lines.append(SliceLine(lower, bracket.upper, amount, bracket.rate_percent, tax))
        if bracket.upper is None:
            break
        lower = bracket.upper
    return tuple(lines)


LAND_BUILDING_TAX_FIRST_YEAR = 2020  # the Act applies from tax year 2563 B.E.


def consecutive_vacant_years(tax_year: int, vacant_since: int | None) -> int:
    """s.43: the consecutive years land has lain vacant, counting ``tax_year`` itself, for the escalation.

    Years count only from the 2020 tax year, when the Act began to apply (the escalation is a sanction of this
    Act, not of the taxes it replaced): land vacant since 2010 has 3 years in 2022 and pays its first
    additional rate in 2023. ``vacant_since`` None, or later than ``tax_year``: 0.
    """
    if vacant_since is None:
        return 0
    return max(0, tax_year - max(vacant_since, LAND_BUILDING_TAX_FIRST_YEAR) + 1)


def vacant_additional_percent(vacant_years: int, escalation: VacantEscalation) -> Decimal:
    """s.43: percentage points added to every bracket for land vacant ``vacant_years`` consecutive years.

    ``vacant_years`` counts the tax year itself: 1–3 → 0, 4–6 → one step, 7–9 → two steps, …
    """
    if vacant_years < 0:
        raise ValueError("vacant_years must not be negative")
    if vacant_years == 0:
        return ZERO
    return ((vacant_years - 1) // escalation.every_years) * escalation.step_percent


def escalated_schedule(
    schedule: RateSchedule, additional_percent: Decimal, cap_percent: Decimal
) -> RateSchedule:
    """Add ``additional_percent`` to every bracket, each total rate capped at ``cap_percent`` (s.43)."""
    return RateSchedule(
        brackets=tuple(
            Bracket(b.upper, min(b.rate_percent + additional_percent, cap_percent)) for b in schedule.brackets
        )
    )


@dataclass(frozen=True)
class Assessment:
    """The computation for one use of one property (or one owner's aggregated holdings), as on ภ.ด.ส.7."""

    tax_class: TaxClass
    value: Decimal  # appraised value (s.35) of what is taxed under this class
    exemption: Decimal  # the part of the exemption used: never more than ``value``
    base: Decimal  # value − exemption, the amount the brackets apply to
    vacant_years: int
    additional_percent: Decimal  # s.43 escalation included in the line rates
    lines: tuple[SliceLine, ...]
    gross_tax: Decimal  # sum of the line taxes
    reduction_percent: Decimal  # s.55
    reduction: Decimal
    tax: Decimal  # gross_tax − reduction: what is due


def _assess(
    value: Decimal, tax_class: TaxClass, rules: TaxYearRules, *, exemption: Decimal, vacant_years: int
) -> Assessment:
    if value < 0:
        raise ValueError("value must not be negative")
    if vacant_years and tax_class is not TaxClass.VACANT:
        raise ValueError("vacant_years applies only to vacant land (s.43)")
    used_exemption = min(value, exemption)
    base = value - used_exemption
    schedule = rules.schedules.for_class(tax_class)
    additional = ZERO
    if tax_class is TaxClass.VACANT:
        additional = vacant_additional_percent(vacant_years, rules.vacant_escalation)
        schedule = escalated_schedule(schedule, additional, rules.vacant_escalation.cap_percent)
    lines = progressive_tax(base, schedule)
    gross = sum((line.tax for line in lines), ZERO)
    reduction = round_satang(percent_of(gross, rules.reduction_percent))
    return Assessment(
        tax_class=tax_class,
        value=value,
        exemption=used_exemption,
        base=base,
        vacant_years=vacant_years,
        additional_percent=additional,
        lines=lines,
        gross_tax=gross,
        reduction_percent=rules.reduction_percent,
        reduction=reduction,
        tax=gross - reduction,
    )


def assess(value: Decimal, tax_class: TaxClass, rules: TaxYearRules, *, vacant_years: int = 0) -> Assessment:
    """Tax on ``value`` under one class: s.42 (base − exemption) × progressive rates, less the s.55 reduction.

    The residence classes get their s.41 exemption. ``AGRICULTURAL`` here gets none (juristic owners); for
    an individual farmer use :func:`assess_individual_farmer`, which applies the s.40 exemption across all
    of the owner's holdings. ``vacant_years`` (consecutive, counting this year) only for ``VACANT`` (s.43).
    """
    return _assess(
        value, tax_class, rules, exemption=rules.exemptions.for_class(tax_class), vacant_years=vacant_years
    )


@dataclass(frozen=True)
class FarmerAssessment:
    holding_values: tuple[Decimal, ...]
    assessment: Assessment  # on the total of the holdings, after the s.40 exemption
    holding_taxes: tuple[Decimal, ...]  # the tax spread over the holdings in proportion to value


def assess_individual_farmer(holding_values: Sequence[Decimal], rules: TaxYearRules) -> FarmerAssessment:
    """s.40: an individual's agricultural holdings in one organisation, with one 50M exemption for all.

    The holdings' values are added up, the exemption taken once from the total, and the brackets applied
    to the remainder, so splitting land into parcels neither multiplies the exemption nor resets the
    brackets. In years of s.96 (2563–2565 B.E.) the whole value is exempt.
    """
    values = tuple(holding_values)
    if not values:
        raise ValueError("at least one holding is needed")
    if any(v < 0 for v in values):
        raise ValueError("values must not be negative")
    total = sum(values, ZERO)
    exemptions = rules.exemptions
    exemption = total if exemptions.individual_farmer_fully_exempt else exemptions.individual_farmer
    assessment = _assess(total, TaxClass.AGRICULTURAL, rules, exemption=exemption, vacant_years=0)
    if assessment.tax == 0:
        holding_taxes = tuple(ZERO for _ in values)
    else:
        holding_taxes = allocate_satang(assessment.tax, values)
    return FarmerAssessment(holding_values=values, assessment=assessment, holding_taxes=holding_taxes)


@dataclass(frozen=True)
class UseShare:
    """Part of a property given to one use, measured by floor or land area (any unit, the same for all)."""

    tax_class: TaxClass
    area: Decimal
    vacant_years: int = 0


@dataclass(frozen=True)
class MixedUseAssessment:
    value: Decimal
    shares: tuple[UseShare, ...]
    parts: tuple[Assessment, ...]  # one per share, same order; part.value is that share of the value
    tax: Decimal


def assess_mixed_use(value: Decimal, shares: Sequence[UseShare], rules: TaxYearRules) -> MixedUseAssessment:
    """s.42: a property with several uses is taxed use by use, in proportion to the area of each.

    The value (rounded to the satang) is split in proportion to the areas, to the satang, so the parts add
    up to it exactly; each part is then assessed under its own class, residence parts with their exemption.
    """
    shares = tuple(shares)
    if not shares:
        raise ValueError("at least one use share is needed")
    classes = [s.tax_class for s in shares]
    if len(set(classes)) != len(classes):
        raise ValueError("each use may appear only once; add up the areas of a use first")
    if any(s.area <= 0 for s in shares):
        raise ValueError("each share needs a positive area")
    if value < 0:
        raise ValueError("value must not be negative")
    part_values = allocate_satang(round_satang(value), [s.area for s in shares])
    parts = tuple(
        assess(part_value, share.tax_class, rules, vacant_years=share.vacant_years)
        for share, part_value in zip(shares, part_values, strict=True)
    )
    return MixedUseAssessment(value=value, shares=shares, parts=parts, tax=sum((p.tax for p in parts), ZERO))


# --- contiguous parcels of one owner (s.42) ----------------------------------------------------------------


def contiguous_groups(
    parcels: Sequence[int], adjoining: Sequence[tuple[int, int]]
) -> tuple[tuple[int, ...], ...]:
    """The pieces of land (ผืนเดียวกัน) formed by ``parcels``, given which pairs of them adjoin.

    Adjoining is transitive along a chain: A–B and B–C put A, B and C in one piece even where A and C do
    not touch. Every parcel is in exactly one group; a parcel that adjoins none is a group of its own.
    Groups and their members are sorted, so the result does not depend on the order of the input. Pairs
    naming a parcel not in ``parcels`` are refused: the caller decides which parcels may be joined.
    """
    parent = {p: p for p in parcels}

    def root(p: int) -> int:
        while parent[p] != p:
            parent[p] = parent[parent[p]]  # path halving
            p = parent[p]
        return p

    for a, b in adjoining:
        if a not in parent or b not in parent:
            raise ValueError(f"pair ({a}, {b}) names a parcel outside the set")
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for p in parent:
        members.setdefault(root(p), []).append(p)
    return tuple(sorted(tuple(sorted(m)) for m in members.values()))


@dataclass(frozen=True)
class ContiguousAssessment:
    parcel_values: tuple[Decimal, ...]  # each parcel's value under the class
    assessment: Assessment  # on the total, as one parcel
    parcel_taxes: tuple[Decimal, ...]  # the tax spread over the parcels in proportion to value


def assess_contiguous(
    parcel_values: Sequence[Decimal],
    tax_class: TaxClass,
    rules: TaxYearRules,
    *,
    vacant_years: Sequence[int] | None = None,
) -> ContiguousAssessment:
    """s.42 para 2: adjoining parcels of the same owner forming one piece of land are taxed as ONE parcel.

    Under each class, the parcels' values are added up, the class's exemption (s.41) is taken once and the
    brackets are applied once to the remainder — so dividing a plot into several title deeds neither
    multiplies the exemption nor restarts the brackets. The tax is spread over the parcels in proportion to
    value, to the satang, for a notice that lists them line by line.

    Vacant land (s.43): the piece has lain vacant only as long as its most recently vacant part, so the
    escalation is that of the fewest ``vacant_years`` among the parcels (one entry per parcel).
    """
    values = tuple(parcel_values)
    if not values:
        raise ValueError("at least one parcel is needed")
    if any(v < 0 for v in values):
        raise ValueError("values must not be negative")
    years = 0
    if vacant_years is not None:
        if len(vacant_years) != len(values):
            raise ValueError("one vacant_years entry per parcel")
        years = min(vacant_years)
    assessment = assess(sum(values, ZERO), tax_class, rules, vacant_years=years)
    if assessment.tax == 0:
        taxes = tuple(ZERO for _ in values)
    elif len(values) == 1:
        taxes = (assessment.tax,)
    else:
        taxes = allocate_satang(assessment.tax, values)
    return ContiguousAssessment(parcel_values=values, assessment=assessment, parcel_taxes=taxes)
