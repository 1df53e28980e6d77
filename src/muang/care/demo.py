"""The demo organisations' care registers: a few thousand plausible people with programmes, ADL histories and
care plans. Deterministic (one seed), idempotent (once per organisation), fast (COPY through core.bulk).

The demo public-health division (กองสาธารณสุขฯ) gets the care duty, so `nurse.<slug>` opens the register."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from muang.care import barthel
from muang.care.models import (
    Assessment,
    CarePlan,
    DisabilityType,
    Enrolment,
    EnrolmentStatus,
    Person,
    Programme,
    Spending,
)
from muang.care.services.health import VISITS_PER_MONTH, ltc_rate_for
from muang.care.services.people import ELDERLY_AGE
from muang.core.bulk import copy_create
from muang.core.geo import point
from muang.core.models import Department, Duty, Membership, Organization, Role
from muang.core.thai_dates import add_months, fiscal_year
from muang.core.thai_id import national_id_check_digit

SEED = 2569
DEMO_SLUGS = ("chumphae", "nonsaat", "nanongthum", "nonhan", "chaiso")
PEOPLE_PER_ORG = {"chumphae": 1500, "nonsaat": 700, "nanongthum": 500, "nonhan": 500, "chaiso": 400}
TODAY = dt.date(2026, 11, 30)  # the demo's "today": histories end here whatever day the demo is loaded

FIRST_MALE = [
    "สมชาย", "บุญมี", "ประเสริฐ", "สมศักดิ์", "ทองดี", "บุญเลิศ", "สุรพล", "วิชัย", "คำพันธ์", "ประยูร",
    "สมพงษ์", "ไพโรจน์", "อุดม", "เสถียร", "จำลอง", "บุญช่วย", "สมบัติ", "ทองใบ", "คำมี", "หนูพันธ์",
]  # fmt: skip
FIRST_FEMALE = [
    "สมศรี", "บุญมา", "คำปุ่น", "ทองม้วน", "สุนีย์", "มาลี", "จันทร์เพ็ญ", "บัวผัน", "ประไพ", "สมหวัง",
    "คำแปง", "ละเอียด", "บุญเรือน", "ทองสุข", "อำไพ", "สำราญ", "นวลจันทร์", "บัวลอง", "หนูเพียร", "ศรีไพร",
]  # fmt: skip
LAST_NAMES = [
    "ศรีสุข", "ใจดี", "บุญมา", "แก้วมณี", "ทองคำ", "พรหมวงศ์", "สายสุวรรณ", "จันทร์หอม", "ภูผาทอง", "นามวงศ์",
    "ศรีวิชัย", "โคตรชมภู", "แสนสุข", "พลราช", "ชัยมงคล", "บุตรดี", "ศรีบุญเรือง", "ภูมิโคกรักษ์", "วงศ์ษา",
    "ดวงจันทร์", "คำภูเมือง", "หอมจันทร์", "สีหาราช", "ปัญญาดี", "มณีวงศ์", "อินทร์ตา", "ศรีจันทร์", "บุญยืน",
]  # fmt: skip
CAREGIVERS = ["อสม. บัวผัน ศรีสุข", "CG สมใจ แสนสุข", "CG วันเพ็ญ พลราช", "อสม. ทองใบ ใจดี", "CG มาลัย บุญยืน"]
GOALS = [
    "ป้องกันแผลกดทับ พลิกตัวทุก 2 ชั่วโมง ญาติดูแลได้เอง",
    "ฝึกลุกนั่งและเดินด้วยไม้เท้า เพิ่มคะแนน ADL",
    "ควบคุมความดันและน้ำตาล กินยาสม่ำเสมอ",
    "ดูแลสุขอนามัย ป้องกันการติดเชื้อทางเดินปัสสาวะ",
]


def _national_id(rng: random.Random, birth_year: int) -> str:
    first12 = str(rng.choice((1, 3, 5))) + "40" + f"{rng.randrange(10**9):09d}"
    return first12 + national_id_check_digit(first12)


def _items_for(rng: random.Random, target: int) -> dict[str, int]:
    """Item scores adding up to `target` (0–20), spread over the items."""
    items = dict.fromkeys(barthel.ITEMS, 0)
    order = list(barthel.ITEMS)
    while sum(items.values()) < target:
        item = rng.choice(order)
        if items[item] < barthel.ITEMS[item]:
            items[item] += 1
    return items


def _grant_care_duty(organization: Organization) -> None:
    department = Department.objects.filter(organization=organization, code="health-env").first()
    if department is not None and Duty.CARE not in department.duties:
        department.duties = [*department.duties, Duty.CARE]
        department.save(update_fields=["duties"])


def _demo_org(organization: Organization, rng: random.Random, count: int) -> int:
    _grant_care_duty(organization)
    manager = (
        Membership.objects.filter(organization=organization, role=Role.OFFICER, department__code="health-env")
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    center = organization.boundary.centroid if organization.boundary else point(102.1, 16.545)
    box = organization.boundary.extent if organization.boundary else (102.08, 16.53, 102.12, 16.56)
    subdistrict = organization.subdistrict_id or ""
    year = fiscal_year(TODAY)
    budget = ltc_rate_for(year).amount
    people, enrolments, assessments, plans, spendings = [], [], [], [], []
    seen: set[str] = set()
    for _n in range(count):
        sex = rng.choice(("male", "female"))
        age = min(99, int(rng.triangular(50, 98, 64)))
        birth = TODAY - dt.timedelta(days=age * 365 + rng.randrange(365))
        national_id = _national_id(rng, birth.year)
        while national_id in seen:
            national_id = _national_id(rng, birth.year)
        seen.add(national_id)
        first = rng.choice(FIRST_MALE if sex == "male" else FIRST_FEMALE)
        last = rng.choice(LAST_NAMES)
        lon = rng.uniform(box[0], box[2]) * 0.5 + center.x * 0.5
        lat = rng.uniform(box[1], box[3]) * 0.5 + center.y * 0.5
        # ADL: most elders are socially active; frailty grows with age.
        frail = rng.random() < (0.04 + max(0, age - 65) * 0.008)
        latest = rng.randint(0, 11) if frail else rng.randint(12, 20)
        person = Person(
            organization=organization,
            national_id=national_id,
            title="นาย" if sex == "male" else "นาง",
            first_name=first,
            last_name=last,
            full_name=f"{first} {last}",
            birth_date=birth,
            sex=sex,
            address=f"{rng.randint(1, 250)} หมู่ {rng.randint(1, 15)}",
            subdistrict_code=subdistrict,
            location=point(round(lon, 6), round(lat, 6)),
            phones=[f"08{rng.randint(10000000, 99999999)}"] if rng.random() < 0.8 else [],
            emergency_contacts=[
                {"name": f"{rng.choice(FIRST_FEMALE)} {last}", "relation": "บุตร", "phone": ""}
            ],
            lives_alone=rng.random() < 0.12,
            adl_group=barthel.group_of(latest).value,
        )
        people.append(person)
        if age >= ELDERLY_AGE:
            started = max(dt.date(birth.year + ELDERLY_AGE, birth.month, 1), dt.date(2015, 10, 1))
            enrolments.append(
                Enrolment(
                    organization=organization, person=person, programme=Programme.ELDERLY, started_on=started
                )
            )
        if rng.random() < 0.08:
            enrolments.append(
                Enrolment(
                    organization=organization,
                    person=person,
                    programme=Programme.DISABILITY,
                    started_on=TODAY - dt.timedelta(days=rng.randrange(300, 3000)),
                    disability_type=rng.choice(DisabilityType.values),
                    card_number=f"{rng.randrange(10**12):012d}",
                    card_expires_on=TODAY + dt.timedelta(days=rng.randrange(-60, 2000)),
                )
            )
        # The history: one to four assessments six months apart, drifting down to the latest.
        history = rng.randint(1, 4)
        score = latest
        for k in range(history):
            day = add_months(TODAY, -6 * k) - dt.timedelta(days=rng.randrange(20))
            result = barthel.score(_items_for(rng, score))
            assessments.append(
                Assessment(
                    organization=organization,
                    person=person,
                    assessed_on=day,
                    total=result.total,
                    group=result.group.value,
                    assessor_id=manager,
                    **result.items,
                )
            )
            score = min(barthel.MAX_TOTAL, score + rng.randint(0, 3))
        if frail and manager is not None:
            enrolments.append(
                Enrolment(
                    organization=organization,
                    person=person,
                    programme=Programme.LTC,
                    started_on=TODAY - dt.timedelta(days=rng.randrange(30, 700)),
                    status=EnrolmentStatus.ACTIVE,
                )
            )
            group = barthel.group_of(latest)
            plan = CarePlan(
                organization=organization,
                person=person,
                fiscal_year=year,
                group=group.value,
                goals=rng.choice(GOALS),
                care_manager_id=manager,
                caregivers=rng.sample(CAREGIVERS, 2),
                visits_per_month=VISITS_PER_MONTH[group],
                budget=budget,
            )
            plans.append(plan)
            for _s in range(rng.randint(0, 2)):
                spendings.append(
                    Spending(
                        organization=organization,
                        plan=plan,
                        spent_on=TODAY - dt.timedelta(days=rng.randrange(60)),
                        amount=Decimal(rng.choice((350, 500, 1200, 2500))),
                        description=rng.choice(("แผ่นรองซับ", "ที่นอนลม", "ค่าตอบแทน CG", "ไม้เท้าสามขา")),
                    )
                )
    for model_rows in (people, enrolments, assessments, plans, spendings):
        copy_create(model_rows)
    return len(people)


@transaction.atomic
def load_demo_care() -> int:
    """Once per demo organisation (one seed for all, in a fixed order)."""
    rng = random.Random(SEED)  # noqa: S311 (demo data, deliberately reproducible)
    created = 0
    for slug in DEMO_SLUGS:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None or Person.objects.filter(organization=organization).exists():
            continue
        created += _demo_org(organization, rng, PEOPLE_PER_ORG[slug])
    return created
