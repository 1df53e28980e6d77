"""Input and output shapes of the KPI API. Figures are decimal strings; months are their first day."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class KpiAreaOut(Schema):
    framework: str
    code: str
    name_th: str
    name_en: str


class IndicatorOut(Schema):
    code: str
    name_th: str
    name_en: str
    definition: str
    unit: str
    direction: str = Field(..., description="up: more is better; down: less is better")
    source: str = Field(..., description="computed (from a module's KPI source), manual or csv")
    owner_duty: str
    reference: str = Field(..., description="U4SSC / ISO 37120 counterpart, where one fits")
    min_value: Decimal | None
    max_value: Decimal | None
    areas: list[KpiAreaOut]

    @staticmethod
    def resolve_areas(indicator) -> list[dict]:
        return [
            {"framework": a.framework.code, "code": a.code, "name_th": a.name_th, "name_en": a.name_en}
            for a in indicator.areas.all()
        ]


class TargetIn(Schema):
    indicator: str = Field(..., min_length=1, max_length=80, description="the indicator's code")
    fiscal_year: int = Field(..., description="Thai fiscal year, Buddhist Era (2569 = Oct 2025 – Sep 2026)")
    value: Decimal = Field(..., max_digits=18, decimal_places=4)


class TargetOut(Schema):
    indicator: str
    fiscal_year: int
    value: Decimal

    @staticmethod
    def resolve_indicator(target) -> str:
        return target.indicator.code


class SnapshotOut(Schema):
    indicator: str
    month: dt.date
    value: Decimal | None = Field(
        ..., description="null: the month was measured and there was nothing to measure"
    )
    origin: str

    @staticmethod
    def resolve_indicator(snapshot) -> str:
        return snapshot.indicator.code


class ManualValueOut(Schema):
    id: int
    indicator: str
    school: str | None = (
        None  # the school's 10-digit code for a figure of one school; null: the organisation's
    )
    month: dt.date
    value: Decimal
    status: str
    entered_at: dt.datetime
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_indicator(entry) -> str:
        return entry.indicator.code

    @staticmethod
    def resolve_school(entry) -> str | None:
        return entry.school.code if entry.school_id else None
