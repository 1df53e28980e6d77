"""Shared test data for the care app: valid national IDs, a person's fields, the care staff."""

from __future__ import annotations

import datetime as dt

from muang.core.access import Actor
from muang.core.models import Duty, Role
from muang.core.tests.factories import member
from muang.core.thai_id import national_id_check_digit

TODAY = dt.date(2026, 12, 5)


def national_id(n: int) -> str:
    first12 = f"3400{n:08d}"
    return first12 + national_id_check_digit(first12)


def person_data(n: int = 1, **overrides) -> dict:
    data = {
        "national_id": national_id(n),
        "title": "นาง",
        "first_name": "บัวผัน",
        "last_name": f"ศรีสุข{n}",
        "birth_date": dt.date(1944, 3, 1),
        "sex": "female",
        "address": "12 หมู่ 3",
        "subdistrict_code": "400512",
        "lat": 16.545,
        "lon": 102.1,
        "phones": ["0812345678"],
        "emergency_contacts": [{"name": "สมชาย ศรีสุข", "relation": "บุตร", "phone": "0899999999"}],
        "lives_alone": True,
    }
    data.update(overrides)
    return data


def carer(org, role: str = Role.OFFICER) -> Actor:
    """A member of the department holding the care duty."""
    return Actor(user=member(org, role, duties=[Duty.CARE]))


ITEMS_BED = {
    "feeding": 1,
    "grooming": 0,
    "transfer": 1,
    "toilet": 0,
    "mobility": 0,
    "dressing": 0,
    "stairs": 0,
    "bathing": 0,
    "bowels": 1,
    "bladder": 1,
}  # fmt: skip  total 4: bed-bound
ITEMS_SOCIAL = {
    "feeding": 2,
    "grooming": 1,
    "transfer": 3,
    "toilet": 2,
    "mobility": 3,
    "dressing": 2,
    "stairs": 1,
    "bathing": 1,
    "bowels": 2,
    "bladder": 2,
}  # fmt: skip  total 19


def planned_home_visit(actor: Actor, person, *, items: dict, today, planned_on):
    """A dependent person with an ADL score (`items`), a care plan made by `actor` and a home visit planned
    for `planned_on`: the caregiver's round (the browser tests of the visit pages)."""
    from muang.care.models import Visit
    from muang.care.services import assessment_record, care_plan_create

    assessment_record(actor=actor, person=person, assessed_on=today, items=items, today=today)
    plan = care_plan_create(
        actor=actor,
        person=person,
        goals="ฝึกเดิน",
        care_manager_id=actor.user.pk,
        caregivers=["CG"],
        today=today,
    )
    return Visit.objects.create(
        organization=person.organization, person=person, plan=plan, visit_type="home", planned_on=planned_on
    )
