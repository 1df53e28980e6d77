"""API shapes of the care register (input apart from output)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Schema

from muang.core.thai_dates import bangkok_date


class ContactIn(Schema):
    name: str = Field(..., max_length=200)
    relation: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)


class PersonIn(Schema):
    national_id: str = Field(..., max_length=20)
    title: str = Field("", max_length=40)
    first_name: str = Field(..., max_length=100)
    last_name: str = Field(..., max_length=100)
    birth_date: dt.date
    sex: str = Field(..., max_length=8)
    address: str = Field("", max_length=300)
    subdistrict_code: str = Field("", max_length=6)
    lat: float | None = None
    lon: float | None = None
    phones: list[str] = Field(default_factory=list, max_length=5)
    emergency_contacts: list[ContactIn] = Field(default_factory=list, max_length=5)
    lives_alone: bool = False
    line_user_id: str = Field("", max_length=64)


class PersonOut(Schema):
    id: int
    national_id: str
    title: str
    first_name: str
    last_name: str
    birth_date: dt.date
    age: int
    sex: str
    address: str
    subdistrict_code: str
    lat: float | None
    lon: float | None
    phones: list[str]
    lives_alone: bool
    adl_group: str
    died_on: dt.date | None

    @staticmethod
    def resolve_lat(person) -> float | None:
        return person.location.y if person.location else None

    @staticmethod
    def resolve_lon(person) -> float | None:
        return person.location.x if person.location else None

    @staticmethod
    def resolve_age(person) -> int:
        from muang.care.services import age_on

        return age_on(person.birth_date, bangkok_date(timezone.now()))


class ContactOut(Schema):
    name: str
    relation: str
    phone: str


class EnrolmentIn(Schema):
    programme: str = Field(..., max_length=12)
    started_on: dt.date
    disability_type: str = Field("", max_length=16)
    card_number: str = Field("", max_length=30)
    card_expires_on: dt.date | None = None


class EnrolmentEndIn(Schema):
    ended_on: dt.date


class EnrolmentOut(Schema):
    id: int
    person_id: int
    programme: str
    status: str
    started_on: dt.date
    ended_on: dt.date | None
    disability_type: str
    card_number: str
    card_expires_on: dt.date | None


class AdlIn(Schema):
    """The ten Barthel items (each within its range: `care.barthel`)."""

    feeding: int
    grooming: int
    transfer: int
    toilet: int
    mobility: int
    dressing: int
    stairs: int
    bathing: int
    bowels: int
    bladder: int


class AssessmentIn(AdlIn):
    assessed_on: dt.date
    notes: str = Field("", max_length=2000)


class AdlAssessmentOut(AdlIn):
    id: int
    assessed_on: dt.date
    total: int
    group: str
    notes: str


class CarePlanIn(Schema):
    goals: str = Field(..., max_length=4000)
    care_manager_id: int
    caregivers: list[str] = Field(..., max_length=20)
    visits_per_month: int | None = None
    fiscal_year: int | None = Field(None, description="B.E.; the current fiscal year when left out")


class SpendingIn(Schema):
    spent_on: dt.date
    amount: Decimal = Field(..., max_digits=10, decimal_places=2)
    description: str = Field(..., max_length=200)


class SpendingOut(Schema):
    id: int
    spent_on: dt.date
    amount: Decimal
    description: str


class CarePlanOut(Schema):
    id: int
    person_id: int
    fiscal_year: int
    group: str
    goals: str
    care_manager_id: int
    caregivers: list[str]
    visits_per_month: int
    budget: Decimal
    spent: Decimal
    status: str


class HealthRecordOut(Schema):
    person: PersonOut
    emergency_contacts: list[ContactOut]
    line_linked: bool
    enrolments: list[EnrolmentOut]
    assessments: list[AdlAssessmentOut]
    care_plans: list[CarePlanOut]
    purpose: str


class CountsOut(Schema):
    people: int
    by_group: dict[str, int]
    by_programme: dict[str, int]
    dependent: int
    dependent_with_plan: int


class ImportRejectionOut(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    dry_run: bool
    rows_total: int
    accepted: int
    imported: int
    rejected: list[ImportRejectionOut]


# --- home visits and teleconsultations (api_visits) -----------------------------------------------------------


class CareVisitIn(Schema):
    client_uuid: uuid.UUID = Field(
        ..., description="made by the phone when the form is filled; a retry sends it again"
    )
    person_id: int
    visit_type: str = Field("home", max_length=8, description="home or tele")
    planned_visit_id: int | None = None
    done_at: dt.datetime | None = Field(None, description="when the form was filled (now when left out)")
    bp_systolic: int | None = None
    bp_diastolic: int | None = None
    pulse: int | None = None
    glucose: int | None = None
    weight: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    temperature: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    notes: str = Field("", max_length=4000)
    lat: float | None = None
    lon: float | None = None
    adl: AdlIn | None = Field(None, description="an ADL re-score: the ten Barthel items")
    video_link: str = Field("", max_length=500)
    outcome: str = Field("", max_length=4000)


class TeleconsultationIn(Schema):
    person_id: int
    scheduled_at: dt.datetime
    video_link: str = Field(..., max_length=500, description="the call's own link (https)")
    notes: str = Field("", max_length=4000)


class CareVisitSummaryOut(Schema):
    id: int
    person_id: int
    plan_id: int | None
    visit_type: str
    planned_on: dt.date | None
    scheduled_at: dt.datetime | None
    done_at: dt.datetime | None
    caregiver_id: int | None


class CareVisitOut(CareVisitSummaryOut):
    client_uuid: uuid.UUID | None
    video_link: str
    outcome: str
    bp_systolic: int | None
    bp_diastolic: int | None
    pulse: int | None
    glucose: int | None
    weight: Decimal | None
    temperature: Decimal | None
    notes: str
    has_photo: bool
    distance_from_home_m: float | None
    near_home: bool | None
    assessment_id: int | None
    adl_total: int | None
    adl_group: str | None

    @staticmethod
    def resolve_has_photo(visit) -> bool:
        return bool(visit.photo)

    @staticmethod
    def resolve_adl_total(visit) -> int | None:
        return visit.assessment.total if visit.assessment_id else None

    @staticmethod
    def resolve_adl_group(visit) -> str | None:
        return visit.assessment.group if visit.assessment_id else None


class CareVisitRecordedOut(Schema):
    visit: CareVisitOut
    person_group: str
    needs_care_plan: bool
