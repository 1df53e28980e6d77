"""The care register's writes (services) — people and programmes, health records, privacy, imports."""

from muang.care.services.health import (
    assessment_record,
    care_plan_create,
    ltc_rate_for,
    spending_record,
)
from muang.care.services.people import (
    age_on,
    enrolment_create,
    enrolment_end,
    person_create,
    person_death_record,
    person_update,
)
from muang.care.services.privacy import person_anonymize, person_data_export

__all__ = [
    "age_on",
    "assessment_record",
    "care_plan_create",
    "enrolment_create",
    "enrolment_end",
    "ltc_rate_for",
    "person_anonymize",
    "person_create",
    "person_data_export",
    "person_death_record",
    "person_update",
    "spending_record",
]
