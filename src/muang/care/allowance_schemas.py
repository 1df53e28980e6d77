"""API shapes of the allowances (input apart from output)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class AllowanceRateOut(Schema):
    id: int
    kind: str
    min_age: int
    max_age: int | None
    welfare_card: bool
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    source: str


class RightIn(Schema):
    kind: str = Field(..., max_length=12)
    method: str = Field(..., max_length=8)
    bank_code: str = Field("", max_length=3)
    account_number: str = Field("", max_length=20)
    account_name: str = Field("", max_length=200)
    welfare_card: bool = False
    state_pensioner: bool = False


class RightUpdateIn(Schema):
    method: str | None = Field(None, max_length=8)
    bank_code: str = Field("", max_length=3)
    account_number: str = Field("", max_length=20)
    account_name: str = Field("", max_length=200)
    welfare_card: bool | None = None
    state_pensioner: bool | None = None
    moved_out_on: dt.date | None = None


class RightOut(Schema):
    id: int
    person_id: int
    kind: str
    status: str
    applied_on: dt.date
    first_month: dt.date
    confirmed_fiscal_year: int
    confirmed_on: dt.date
    method: str
    bank_code: str
    account_number: str
    welfare_card: bool
    state_pensioner: bool
    moved_out_on: dt.date | None
    stopped_on: dt.date | None
    stop_reason: str


class ConfirmIn(Schema):
    fiscal_year: int = Field(..., ge=2500, le=2700, description="B.E.")


class WindowIn(Schema):
    fiscal_year: int = Field(..., ge=2500, le=2700, description="B.E.")
    opens_on: dt.date
    closes_on: dt.date


class WindowOut(Schema):
    id: int
    fiscal_year: int
    opens_on: dt.date
    closes_on: dt.date


class AdjustmentIn(Schema):
    amount: Decimal = Field(..., max_digits=12, decimal_places=2)
    reason: str = Field(..., max_length=300)
    corrects_line_id: int | None = None


class AdjustmentOut(Schema):
    id: int
    right_id: int
    amount: Decimal
    remaining: Decimal
    reason: str
    corrects_line_id: int | None


class RunIn(Schema):
    month: dt.date = Field(..., description="Any day of the month to pay")


class RunOut(Schema):
    id: int
    month: dt.date
    due_on: dt.date
    status: str
    progress_done: int
    progress_total: int
    lines_count: int
    paid_count: int
    total: Decimal
    paid_on: dt.date | None
    error: str


class TotalOut(Schema):
    kind: str
    line_type: str
    amount_each: Decimal | None
    min_age: int | None
    max_age: int | None
    stop_reason: str
    count: int
    total: Decimal


class RunDetailOut(RunOut):
    totals: list[TotalOut]


class AllowanceLineOut(Schema):
    id: int
    person_id: int
    right_id: int
    month: dt.date
    kind: str
    line_type: str
    rate_id: int | None
    adjustment_id: int | None
    age: int | None
    amount: Decimal
    stop_reason: str
    method: str


class PaidIn(Schema):
    paid_on: dt.date


class AllowancePayerIn(Schema):
    bank_code: str = Field(..., max_length=3)
    branch_code: str = Field(..., max_length=4, pattern=r"^\d{4}$")
    account_number: str = Field(..., max_length=20)
    account_name: str = Field(..., max_length=100)
    company_id: str = Field("", max_length=16)


class PayerOut(Schema):
    bank_code: str
    branch_code: str
    account_number: str
    account_name: str
    company_id: str


class PersonAllowancesOut(Schema):
    rights: list[RightOut]
    lines: list[AllowanceLineOut]
    adjustments: list[AdjustmentOut]
