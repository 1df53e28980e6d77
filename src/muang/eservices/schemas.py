import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class StepOut(Schema):
    name: str
    department: str
    days: int
    unit: str = Field("days", description="working_days (วันทำการ) or days (calendar days)")


class DocumentOut(Schema):
    code: str
    name: str
    required: bool = False


class FeeOut(Schema):
    label: str
    amount: Decimal | None = None
    rate: Decimal | None = None
    per: str | None = None


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool = False


class ServiceSummary(Schema):
    code: str
    name: str
    total_days: int


class ServiceOut(Schema):
    """A service's manual as s.7 of the Licensing Facilitation Act B.E. 2558 asks (fees: an empty list means
    "no fee")."""

    code: str
    name: str
    licence_title: str
    legal_basis: str
    criteria: str
    steps: list[StepOut]
    total_days: int
    documents: list[DocumentOut]
    fees: list[FeeOut]
    channels: list[str]
    complaints: str
    fields: list[FieldOut]
    validity_months: int


class ApplicationOut(Schema):
    reference: str
    service: str
    channel: str
    status: str
    applicant_name: str
    submitted_at: dt.datetime
    due_on: dt.date
    step_due: list[dt.date] = Field(..., description="the due day of each step of the manual, in order")
    data: dict[str, Any]
    documents: list[str]
    missing_documents: list[str]
    missing_requested_at: dt.datetime | None
    inspection_at: dt.datetime | None
    late_notices: int
    decided_at: dt.datetime | None
    decision_reasons: str
    fee: Decimal
    bill_number: str

    @staticmethod
    def resolve_service(application) -> str:
        return application.service.code

    @staticmethod
    def resolve_documents(application) -> list[str]:
        return sorted({d.code for d in application.uploads.all()})


class MissingDocumentsIn(Schema):
    codes: list[str] = Field(..., max_length=20)
    note: str = Field("", max_length=1000)


class InspectionIn(Schema):
    at: dt.datetime


class DecisionIn(Schema):
    approve: bool
    reasons: str = Field(..., min_length=1, max_length=2000)


class ChargeIn(Schema):
    kind: str = Field(..., max_length=20)
    payer_name: str = Field(..., max_length=200)
    description: str = Field(..., max_length=200)
    quantity: int = Field(1, ge=1, le=10000)
    unit_price: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)


class ChargeOut(Schema):
    number: str
    kind: str
    payer_name: str
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    charged_on: dt.date
    bill_number: str
