"""A tax year's small rule data as JSON, and back into the frozen dataclasses of `muang.taxlaw`.

Pure: no ORM. Decimals travel as strings ("0.3"), so nothing is lost to floats. Every `*_from_json` raises
`RuleDataError(field, message)` for bad data; building the dataclasses is the validation (the rules modules
check bracket order, ceilings, the s.55 limit, …), so stored data always converts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from muang.taxlaw import seed
from muang.taxlaw.depreciation import Construction, DepreciationBand, DepreciationSchedule
from muang.taxlaw.land_building import (
    Bracket,
    Ceilings,
    Exemptions,
    RateSchedule,
    RateSchedules,
    TaxClass,
    TaxYearRules,
    VacantEscalation,
)
from muang.taxlaw.penalties import LandBuildingPenaltyRules, SignboardPenaltyRules, SurchargeRule
from muang.taxlaw.signboard import SignRates, SignTypeRate

CALENDAR_DATES = (
    "appraisal_announced_by",  # ภ.ด.ส.1 / ภ.ด.ส.3 announced (by law before 1 February)
    "notice_by",  # ภ.ด.ส.6 sent (February)
    "payment_due",  # April
    "warning_by",  # warning letters (May)
    "arrears_report_by",  # arrears reported to the Land Office (June)
    "signboard_filing_due",  # ภ.ป.1 (end of March)
)


class RuleDataError(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _dec(value: Any, field: str, *, allow_none: bool = False) -> Decimal | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise RuleDataError(field, "give a decimal number as a string or an integer")
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as e:
        raise RuleDataError(field, f"not a number: {value!r}") from e
    if not number.is_finite():
        raise RuleDataError(field, "not a finite number")
    return number


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RuleDataError(field, "expected an object")
    return value


def _built(field: str, build):
    try:
        return build()
    except (TypeError, ValueError) as e:
        if isinstance(e, RuleDataError):
            raise
        raise RuleDataError(field, str(e)) from e


# --- land and building tax -------------------------------------------------------------------------------------


def schedule_to_json(schedule: RateSchedule) -> list[dict[str, str | None]]:
    return [{"upper": _s(b.upper), "rate_percent": str(b.rate_percent)} for b in schedule.brackets]


def schedule_from_json(value: Any, field: str) -> RateSchedule:
    if not isinstance(value, list) or not value:
        raise RuleDataError(field, "expected a non-empty list of brackets")
    brackets = []
    for i, item in enumerate(value):
        item = _mapping(item, f"{field}[{i}]")
        brackets.append(
            Bracket(
                upper=_dec(item.get("upper"), f"{field}[{i}].upper", allow_none=True),
                rate_percent=_dec(item.get("rate_percent"), f"{field}[{i}].rate_percent"),
            )
        )
    return _built(field, lambda: RateSchedule(brackets=tuple(brackets)))


def schedules_to_json(schedules: RateSchedules) -> dict[str, list]:
    return {c.value: schedule_to_json(schedules.for_class(c)) for c in TaxClass}


def schedules_from_json(value: Any, field: str = "rate_schedules") -> RateSchedules:
    value = _mapping(value, field)
    unknown = set(value) - {c.value for c in TaxClass}
    if unknown:
        raise RuleDataError(field, f"unknown tax classes: {', '.join(sorted(unknown))}")
    missing = [c.value for c in TaxClass if c.value not in value]
    if missing:
        raise RuleDataError(field, f"missing tax classes: {', '.join(missing)}")
    return RateSchedules(
        **{c.value: schedule_from_json(value[c.value], f"{field}.{c.value}") for c in TaxClass}
    )


def exemptions_to_json(e: Exemptions) -> dict[str, Any]:
    return {
        "residence_main_home": str(e.residence_main_home),
        "residence_building_only": str(e.residence_building_only),
        "individual_farmer": str(e.individual_farmer),
        "individual_farmer_fully_exempt": e.individual_farmer_fully_exempt,
    }


def exemptions_from_json(value: Any, field: str = "exemptions") -> Exemptions:
    value = _mapping(value, field)
    fully = value.get("individual_farmer_fully_exempt", False)
    if not isinstance(fully, bool):
        raise RuleDataError(f"{field}.individual_farmer_fully_exempt", "expected true or false")
    amounts = {
        k: _dec(value.get(k), f"{field}.{k}")
        for k in ("residence_main_home", "residence_building_only", "individual_farmer")
    }
    for k, v in amounts.items():
        if v < 0:
            raise RuleDataError(f"{field}.{k}", "must not be negative")
    return Exemptions(**amounts, individual_farmer_fully_exempt=fully)


def ceilings_to_json(c: Ceilings) -> dict[str, str]:
    return {k: str(getattr(c, k)) for k in ("agricultural", "residential", "other", "vacant")}


def ceilings_from_json(value: Any, field: str = "ceilings") -> Ceilings:
    value = _mapping(value, field)
    return Ceilings(
        **{k: _dec(value.get(k), f"{field}.{k}") for k in ("agricultural", "residential", "other", "vacant")}
    )


def escalation_to_json(v: VacantEscalation) -> dict[str, Any]:
    return {
        "every_years": v.every_years,
        "step_percent": str(v.step_percent),
        "cap_percent": str(v.cap_percent),
    }


def escalation_from_json(value: Any, field: str = "vacant_escalation") -> VacantEscalation:
    value = _mapping(value, field)
    every = value.get("every_years")
    if not isinstance(every, int) or isinstance(every, bool):
        raise RuleDataError(f"{field}.every_years", "expected a whole number of years")
    return _built(
        field,
        lambda: VacantEscalation(
            every_years=every,
            step_percent=_dec(value.get("step_percent"), f"{field}.step_percent"),
            cap_percent=_dec(value.get("cap_percent"), f"{field}.cap_percent"),
        ),
    )


def tax_year_rules_from_json(
    *,
    year: int,
    rate_schedules: Any,
    exemptions: Any,
    ceilings: Any,
    vacant_escalation: Any,
    reduction_percent: Decimal,
    max_reduction_percent: Decimal,
) -> TaxYearRules:
    schedules = schedules_from_json(rate_schedules)
    return _built(
        "rate_schedules",
        lambda: TaxYearRules(
            year=year,
            schedules=schedules,
            exemptions=exemptions_from_json(exemptions),
            ceilings=ceilings_from_json(ceilings),
            vacant_escalation=escalation_from_json(vacant_escalation),
            reduction_percent=Decimal(reduction_percent),
            max_reduction_percent=Decimal(max_reduction_percent),
        ),
    )


# --- depreciation ----------------------------------------------------------------------------------------------


def depreciation_to_json(schedules: Mapping[Construction, DepreciationSchedule]) -> dict[str, Any]:
    return {
        str(c): {
            "bands": [
                {"through_age": b.through_age, "percent_per_year": str(b.percent_per_year)} for b in s.bands
            ],
            "cap_percent": str(s.cap_percent),
        }
        for c, s in schedules.items()
    }


def depreciation_from_json(
    value: Any, field: str = "depreciation"
) -> dict[Construction, DepreciationSchedule]:
    value = _mapping(value, field)
    unknown = set(value) - {c.value for c in Construction}
    if unknown:
        raise RuleDataError(field, f"unknown construction types: {', '.join(sorted(unknown))}")
    result = {}
    for construction in Construction:
        f = f"{field}.{construction.value}"
        if construction.value not in value:
            raise RuleDataError(f, "missing")
        item = _mapping(value[construction.value], f)
        bands_json = item.get("bands")
        if not isinstance(bands_json, list):
            raise RuleDataError(f"{f}.bands", "expected a list")
        bands = []
        for i, b in enumerate(bands_json):
            b = _mapping(b, f"{f}.bands[{i}]")
            age = b.get("through_age")
            if age is not None and (not isinstance(age, int) or isinstance(age, bool)):
                raise RuleDataError(f"{f}.bands[{i}].through_age", "expected a whole number of years or null")
            bands.append(
                DepreciationBand(age, _dec(b.get("percent_per_year"), f"{f}.bands[{i}].percent_per_year"))
            )
        cap = _dec(item.get("cap_percent"), f"{f}.cap_percent")
        result[construction] = _built(f, lambda bands=bands, cap=cap: DepreciationSchedule(tuple(bands), cap))
    return result


# --- signboards and penalties ----------------------------------------------------------------------------------

_SIGN_TYPES = ("thai_only", "thai_mixed", "no_thai_or_thai_below")


def sign_rates_to_json(r: SignRates) -> dict[str, Any]:
    data: dict[str, Any] = {
        t: {"moving": str(getattr(r, t).moving), "static": str(getattr(r, t).static)} for t in _SIGN_TYPES
    }
    data.update(
        unit_area_cm2=r.unit_area_cm2,
        remainder_counted_above_cm2=r.remainder_counted_above_cm2,
        minimum_per_sign=str(r.minimum_per_sign),
    )
    return data


def sign_rates_from_json(value: Any, field: str = "sign_rates") -> SignRates:
    value = _mapping(value, field)
    types = {}
    for t in _SIGN_TYPES:
        item = _mapping(value.get(t), f"{field}.{t}")
        types[t] = SignTypeRate(
            moving=_dec(item.get("moving"), f"{field}.{t}.moving"),
            static=_dec(item.get("static"), f"{field}.{t}.static"),
        )
    ints = {}
    for k in ("unit_area_cm2", "remainder_counted_above_cm2"):
        v = value.get(k)
        if not isinstance(v, int) or isinstance(v, bool):
            raise RuleDataError(f"{field}.{k}", "expected a whole number of cm²")
        ints[k] = v
    return _built(
        field,
        lambda: SignRates(
            **types, **ints, minimum_per_sign=_dec(value.get("minimum_per_sign"), f"{field}.minimum_per_sign")
        ),
    )


def _surcharge_to_json(s: SurchargeRule) -> dict[str, Any]:
    return {"monthly_rate_percent": str(s.monthly_rate_percent), "capped_at_tax": s.capped_at_tax}


def _surcharge_from_json(value: Any, field: str) -> SurchargeRule:
    value = _mapping(value, field)
    capped = value.get("capped_at_tax")
    if not isinstance(capped, bool):
        raise RuleDataError(f"{field}.capped_at_tax", "expected true or false")
    return SurchargeRule(_dec(value.get("monthly_rate_percent"), f"{field}.monthly_rate_percent"), capped)


_LB_PERCENTS = (
    "penalty_percent",
    "penalty_before_warning_percent",
    "penalty_within_warning_deadline_percent",
)
_SB_PERCENTS = ("not_filed_percent", "filed_late_before_notice_percent", "understatement_percent")


def land_building_penalties_to_json(p: LandBuildingPenaltyRules) -> dict[str, Any]:
    data: dict[str, Any] = {k: str(getattr(p, k)) for k in _LB_PERCENTS}
    data["surcharge"] = _surcharge_to_json(p.surcharge)
    data["surcharge_with_extension"] = _surcharge_to_json(p.surcharge_with_extension)
    return data


def land_building_penalties_from_json(
    value: Any, field: str = "land_building_penalties"
) -> LandBuildingPenaltyRules:
    value = _mapping(value, field)
    return LandBuildingPenaltyRules(
        **{k: _dec(value.get(k), f"{field}.{k}") for k in _LB_PERCENTS},
        surcharge=_surcharge_from_json(value.get("surcharge"), f"{field}.surcharge"),
        surcharge_with_extension=_surcharge_from_json(
            value.get("surcharge_with_extension"), f"{field}.surcharge_with_extension"
        ),
    )


def signboard_penalties_to_json(p: SignboardPenaltyRules) -> dict[str, Any]:
    data: dict[str, Any] = {k: str(getattr(p, k)) for k in _SB_PERCENTS}
    data["late_payment"] = _surcharge_to_json(p.late_payment)
    return data


def signboard_penalties_from_json(value: Any, field: str = "signboard_penalties") -> SignboardPenaltyRules:
    value = _mapping(value, field)
    return SignboardPenaltyRules(
        **{k: _dec(value.get(k), f"{field}.{k}") for k in _SB_PERCENTS},
        late_payment=_surcharge_from_json(value.get("late_payment"), f"{field}.late_payment"),
    )


# --- calendar --------------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> str:
    return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def default_calendar(year: int) -> dict[str, Any]:
    """The statutory calendar; the Ministry of Interior moves these dates most years, so they are editable."""
    return {
        "appraisal_announced_by": _month_end(year, 1),
        "notice_by": _month_end(year, 2),
        "payment_due": _month_end(year, 4),
        "instalments": [_month_end(year, 4), _month_end(year, 5), _month_end(year, 6)],
        "instalment_minimum": "3000",
        "warning_by": _month_end(year, 5),
        "arrears_report_by": _month_end(year, 6),
        "signboard_filing_due": _month_end(year, 3),
    }


def calendar_from_json(value: Any, field: str = "calendar") -> dict[str, Any]:
    value = _mapping(value, field)
    unknown = set(value) - {*CALENDAR_DATES, "instalments", "instalment_minimum"}
    if unknown:
        raise RuleDataError(field, f"unknown keys: {', '.join(sorted(unknown))}")

    def date(v: Any, f: str) -> dt.date:
        try:
            return dt.date.fromisoformat(v)
        except (TypeError, ValueError) as e:
            raise RuleDataError(f, "expected a date YYYY-MM-DD") from e

    for k in CALENDAR_DATES:
        if k in value:
            date(value[k], f"{field}.{k}")
    if "instalments" in value:
        items = value["instalments"]
        if not isinstance(items, list) or not items:
            raise RuleDataError(f"{field}.instalments", "expected a list of dates")
        dates = [date(v, f"{field}.instalments[{i}]") for i, v in enumerate(items)]
        if dates != sorted(set(dates)):
            raise RuleDataError(f"{field}.instalments", "instalment dates must increase")
    if "instalment_minimum" in value and _dec(value["instalment_minimum"], f"{field}.instalment_minimum") < 0:
        raise RuleDataError(f"{field}.instalment_minimum", "must not be negative")
    return dict(value)


# --- the seed of a new year ------------------------------------------------------------------------------------


def seed_fields(year: int) -> dict[str, Any]:
    """Model field values of a tax year from the national defaults of `rules.seed`."""
    rules = seed.default_tax_year_rules(year)
    sign_rates = (
        sign_rates_to_json(seed.default_sign_rates(year)) if year >= seed.SIGN_RATES_2563_FIRST_YEAR else None
    )
    return {
        "rate_schedules": schedules_to_json(rules.schedules),
        "exemptions": exemptions_to_json(rules.exemptions),
        "ceilings": ceilings_to_json(rules.ceilings),
        "vacant_escalation": escalation_to_json(rules.vacant_escalation),
        "reduction_percent": rules.reduction_percent,
        "max_reduction_percent": rules.max_reduction_percent,
        "depreciation": depreciation_to_json(seed.default_depreciation_schedules()),
        "sign_rates": sign_rates,
        "land_building_penalties": land_building_penalties_to_json(
            seed.default_land_building_penalty_rules()
        ),
        "signboard_penalties": signboard_penalties_to_json(seed.default_signboard_penalty_rules()),
        "calendar": default_calendar(year),
    }
