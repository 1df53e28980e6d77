"""Input and output shapes of the billing API. Money is a decimal string in baht with 2 places."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from muang.billing.models import BillKind, BillStatus, MatchStatus

Money = Decimal
KINDS = Literal["land_building_tax", "signboard_tax", "waste_fee", "service_fee"]
assert set(KINDS.__args__) == set(BillKind.values)  # noqa: S101 (kept in step with the model)


class PayerIn(Schema):
    name: str = Field(..., min_length=1, max_length=300)
    tax_id: str = Field("", max_length=17, description="13-digit national ID or tax ID (hyphens allowed)")
    address: str = Field("", max_length=1000)


class BillLineIn(Schema):
    description: str = Field(..., min_length=1, max_length=300)
    amount: Money = Field(..., gt=0, max_digits=14, decimal_places=2)
    source_ref: str = Field("", max_length=100)


class BillIn(Schema):
    kind: KINDS
    year: int = Field(..., ge=2000, le=2200, description="Tax or fee year, Christian Era")
    payer: PayerIn
    lines: list[BillLineIn] = Field(..., min_length=1, max_length=500)
    due_date: dt.date
    source_ref: str = Field("", max_length=100)
    number: str | None = Field(
        None, max_length=40, description="Ref1: 1–20 of A–Z 0–9; generated (e.g. LB2569000042) when omitted"
    )
    instalments: bool = Field(False, description="Split into 3 instalments (allowed from 3,000 baht)")
    instalment_due_dates: list[dt.date] | None = None


class BillLineOut(Schema):
    position: int
    description: str
    source_ref: str
    amount: Money


class InstalmentOut(Schema):
    seq: int
    amount: Money
    due_date: dt.date
    paid: Money = Field(..., description="What the instalment has received (payments fill them in order)")


class InstalmentDueOut(Schema):
    seq: int
    due_date: dt.date
    principal: Money
    penalty: Money
    surcharge: Money
    months_late: int
    total: Money


class AmountDueOut(Schema):
    as_of: dt.date
    principal: Money
    penalty: Money
    surcharge: Money
    total: Money
    payable_now: Money
    overdue: bool
    instalment_right_ended: bool
    instalments: list[InstalmentDueOut]


class PaymentSummaryOut(Schema):
    id: int
    paid_on: dt.date
    channel: str
    amount: Money
    principal: Money
    penalty: Money
    surcharge: Money
    receipt_number: str

    @staticmethod
    def resolve_receipt_number(obj) -> str:
        return obj.receipt.number


class BillOut(Schema):
    number: str
    ref2: str
    kind: str
    year: int
    source_ref: str
    payer_name: str
    payer_tax_id: str
    amount: Money
    paid_principal: Money
    status: Literal["open", "partly_paid", "paid", "cancelled"]
    issued_on: dt.date
    due_date: dt.date
    has_instalments: bool


assert set(BillOut.model_fields["status"].annotation.__args__) == set(BillStatus.values)  # noqa: S101


class BillDetailOut(BillOut):
    payer_address: str
    paid_penalty: Money
    paid_surcharge: Money
    notified_on: dt.date | None
    extension_until: dt.date | None
    lines: list[BillLineOut]
    instalments: list[InstalmentOut]
    payments: list[PaymentSummaryOut]
    amount_due: AmountDueOut
    qr_payload: str = Field(..., description="Thai QR bill-payment payload for the full amount")


class PaymentIn(Schema):
    amount: Money = Field(..., gt=0, max_digits=14, decimal_places=2)
    channel: Literal["cash", "cheque", "transfer"]
    paid_on: dt.date | None = Field(None, description="Today when omitted")
    reference: str = Field("", max_length=100)
    cheque_bank: str = Field("", max_length=100)
    cheque_number: str = Field("", max_length=40)
    note: str = Field("", max_length=300)


class PaymentOut(Schema):
    id: int
    bill_number: str
    paid_on: dt.date
    channel: str
    amount: Money
    principal: Money
    penalty: Money
    surcharge: Money
    allocations: list[dict]
    receipt_number: str
    bill_status: str

    @staticmethod
    def resolve_bill_number(obj) -> str:
        return obj.bill.number

    @staticmethod
    def resolve_receipt_number(obj) -> str:
        return obj.receipt.number

    @staticmethod
    def resolve_bill_status(obj) -> str:
        return obj.bill.status


class StatementOut(Schema):
    id: int
    bank_format: str
    filename: str
    line_count: int
    total_amount: Money
    applied_amount: Money
    summary: dict[str, dict[str, str | int]] = Field(..., description="Lines and amount by match status")
    imported_at: dt.datetime


class LineOut(Schema):
    line_no: int
    paid_at: dt.datetime
    ref1: str
    ref2: str
    amount: Money
    payer_name: str
    channel: str
    branch: str
    transaction_id: str
    status: Literal["matched", "unmatched", "partial", "duplicate", "wrong_amount", "over_payment"]
    detail: str
    expected_amount: Money | None
    bill_number: str | None
    resolution: str
    resolution_note: str

    @staticmethod
    def resolve_bill_number(obj) -> str | None:
        return obj.bill.number if obj.bill_id else None


assert set(LineOut.model_fields["status"].annotation.__args__) == set(MatchStatus.values)  # noqa: S101


class StatementReportOut(StatementOut):
    attention: list[LineOut] = Field(..., description="Lines staff must resolve (the first 500)")
    attention_count: int


class ResolveIn(Schema):
    action: Literal["apply", "refund", "reject"]
    bill_number: str | None = Field(
        None, max_length=20, description="For an unmatched line: the bill it pays"
    )
    note: str = Field("", max_length=300)


class ArrearsRowOut(Schema):
    bill_number: str
    kind: str
    year: int
    payer_name: str
    payer_tax_id: str
    principal: Money
    penalty: Money
    surcharge: Money
    total: Money
    months_late: int
    oldest_due_date: dt.date
    days_overdue: int = Field(..., description="Days since the oldest unpaid due date")
    status: Literal["open", "partly_paid"]
    warning_letters: int


class ArrearsOut(Schema):
    as_of: dt.date
    count: int
    principal: Money
    penalty: Money
    surcharge: Money
    total: Money
    rows: list[ArrearsRowOut]
