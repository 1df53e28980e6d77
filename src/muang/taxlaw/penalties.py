"""Penalties (เบี้ยปรับ) and surcharges (เงินเพิ่ม) on local taxes.

Land and Building Tax Act B.E. 2562: penalty s.68–69, surcharge s.70. Signboard Tax Act B.E. 2510: s.25.
Percentages are data (:class:`LandBuildingPenaltyRules`, :class:`SignboardPenaltyRules`, seeded in
:mod:`muang.taxlaw.seed`); every amount is rounded half-up to the satang.

Counting months. "A part of a month counts as a whole month" (เศษของเดือนให้นับเป็นหนึ่งเดือน). Months
run as the Civil and Commercial Code counts a period (:func:`muang.core.thai_dates.months_late`): from the
day after the due date (s.193/3), by calendar month, a month not starting on the 1st ending the day before the
same day-number of the next month, or on that month's last day when it has no such day (s.193/5). So with a
due date of 30 April, payment on 1–31 May is one month late and from 1 June two; with a due date of 31
January, 1–28 February is one month and 1 March two. A due date that falls on a holiday is moved by the
caller (CCC s.193/8), not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from muang.core.money import ZERO, percent_of, round_satang
from muang.core.thai_dates import months_late


@dataclass(frozen=True)
class SurchargeRule:
    monthly_rate_percent: Decimal
    capped_at_tax: bool  # s.70: the surcharge may not exceed the tax itself


@dataclass(frozen=True)
class LandBuildingPenaltyRules:
    penalty_percent: Decimal  # s.68: 40 — paid after the warning letter's deadline
    penalty_before_warning_percent: Decimal  # s.69: 10 — paid late but before a warning letter
    penalty_within_warning_deadline_percent: Decimal  # s.69: 20 — paid within the letter's deadline
    surcharge: SurchargeRule  # s.70: 1%/month, capped at the tax
    surcharge_with_extension: SurchargeRule  # s.70: 0.5%/month where payment time was extended


@dataclass(frozen=True)
class SignboardPenaltyRules:
    not_filed_percent: Decimal  # s.25: 10 — no ภ.ป.1 filed; the officer assessed the tax
    filed_late_before_notice_percent: Decimal  # s.25: 5 — filed late, but before being told to
    understatement_percent: Decimal  # s.25: 10 — of the tax understated
    late_payment: SurchargeRule  # s.25: 2%/month (the Act sets no cap)


def surcharge_as_of(
    tax: Decimal,
    due_date: dt.date,
    as_of: dt.date,
    monthly_rate_percent: Decimal,
    *,
    capped_at_tax: bool = True,
) -> Decimal:
    """Surcharge on unpaid ``tax`` due on ``due_date`` if paid on ``as_of`` (s.70; signboard s.25).

    Simple, on the tax only: never on a penalty or an earlier surcharge (no compounding). Land and building
    tax caps it at the tax (``capped_at_tax``); the Signboard Act sets no cap.
    """
    if tax < 0:
        raise ValueError("tax must not be negative")
    if monthly_rate_percent < 0:
        raise ValueError("the monthly rate must not be negative")
    amount = round_satang(percent_of(tax, monthly_rate_percent) * months_late(due_date, as_of))
    return min(amount, tax) if capped_at_tax else amount


def surcharge_by_rule(tax: Decimal, due_date: dt.date, as_of: dt.date, rule: SurchargeRule) -> Decimal:
    return surcharge_as_of(tax, due_date, as_of, rule.monthly_rate_percent, capped_at_tax=rule.capped_at_tax)


# --- land and building tax penalty (s.68–69) ---------------------------------------------------------------


class PaymentStage(StrEnum):
    """When late land-and-building tax was paid, relative to the warning letter (หนังสือแจ้งเตือน)."""

    ON_TIME = "on_time"
    BEFORE_WARNING = "before_warning"
    WITHIN_WARNING_DEADLINE = "within_warning_deadline"
    AFTER_WARNING_DEADLINE = "after_warning_deadline"


def payment_stage(
    *,
    due_date: dt.date,
    paid_on: dt.date,
    warning_received_on: dt.date | None = None,
    warning_deadline: dt.date | None = None,
) -> PaymentStage:
    """Classify a payment for s.68–69. Paying on the day the letter is received is not "before" it."""
    if paid_on <= due_date:
        return PaymentStage.ON_TIME
    if warning_received_on is None or paid_on < warning_received_on:
        return PaymentStage.BEFORE_WARNING
    if warning_deadline is not None and paid_on <= warning_deadline:
        return PaymentStage.WITHIN_WARNING_DEADLINE
    return PaymentStage.AFTER_WARNING_DEADLINE


def penalty_percent(stage: PaymentStage, rules: LandBuildingPenaltyRules) -> Decimal:
    return {
        PaymentStage.ON_TIME: ZERO,
        PaymentStage.BEFORE_WARNING: rules.penalty_before_warning_percent,
        PaymentStage.WITHIN_WARNING_DEADLINE: rules.penalty_within_warning_deadline_percent,
        PaymentStage.AFTER_WARNING_DEADLINE: rules.penalty_percent,
    }[stage]


def land_building_penalty(tax: Decimal, stage: PaymentStage, rules: LandBuildingPenaltyRules) -> Decimal:
    """s.68–69: a one-off percentage of the unpaid tax, smaller the sooner it is paid."""
    if tax < 0:
        raise ValueError("tax must not be negative")
    return round_satang(percent_of(tax, penalty_percent(stage, rules)))


@dataclass(frozen=True)
class Arrears:
    tax: Decimal
    stage: PaymentStage
    penalty: Decimal
    months_late: int
    surcharge_rate_percent: Decimal
    surcharge: Decimal
    total: Decimal  # tax + penalty + surcharge


def land_building_arrears(
    *,
    tax: Decimal,
    due_date: dt.date,
    paid_on: dt.date,
    stage: PaymentStage,
    rules: LandBuildingPenaltyRules,
    within_extension: bool = False,
) -> Arrears:
    """Everything owed on late tax paid on ``paid_on``: penalty (s.68–69) plus surcharge (s.70).

    ``stage`` comes from :func:`payment_stage`; ``within_extension`` selects the reduced s.70 rate for
    payment within an extension granted by the organisation.
    """
    rule = rules.surcharge_with_extension if within_extension else rules.surcharge
    penalty = land_building_penalty(tax, stage, rules)
    surcharge = surcharge_by_rule(tax, due_date, paid_on, rule)
    return Arrears(
        tax=tax,
        stage=stage,
        penalty=penalty,
        months_late=months_late(due_date, paid_on),
        surcharge_rate_percent=rule.monthly_rate_percent,
        surcharge=surcharge,
        total=tax + penalty + surcharge,
    )


# --- signboard tax (s.25) ----------------------------------------------------------------------------------


class SignFilingStatus(StrEnum):
    ON_TIME = "on_time"
    FILED_LATE_BEFORE_NOTICE = "filed_late_before_notice"
    NOT_FILED = "not_filed"


def signboard_filing_surcharge(
    tax: Decimal, status: SignFilingStatus, rules: SignboardPenaltyRules
) -> Decimal:
    """s.25: surcharge for not filing ภ.ป.1 in time (smaller if filed before the officer's notice)."""
    if tax < 0:
        raise ValueError("tax must not be negative")
    percent = {
        SignFilingStatus.ON_TIME: ZERO,
        SignFilingStatus.FILED_LATE_BEFORE_NOTICE: rules.filed_late_before_notice_percent,
        SignFilingStatus.NOT_FILED: rules.not_filed_percent,
    }[status]
    return round_satang(percent_of(tax, percent))


def signboard_understatement_surcharge(understated_tax: Decimal, rules: SignboardPenaltyRules) -> Decimal:
    """s.25: surcharge on the tax that an incorrect ภ.ป.1 left out."""
    if understated_tax < 0:
        raise ValueError("understated tax must not be negative")
    return round_satang(percent_of(understated_tax, rules.understatement_percent))


def signboard_late_payment_surcharge(
    tax: Decimal, due_date: dt.date, as_of: dt.date, rules: SignboardPenaltyRules
) -> Decimal:
    """s.25: 2% a month on signboard tax paid late, a part month counted whole."""
    return surcharge_by_rule(tax, due_date, as_of, rules.late_payment)
