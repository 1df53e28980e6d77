"""The demo's home visits: the months of the fiscal year so far planned from the demo care plans, most of
them done with plausible vital signs (some with an ADL re-score kept as the plan's group), a few missed (the
overdue of the round). Deterministic (one seed), idempotent (once per organisation)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from muang.care.demo import DEMO_SLUGS, TODAY
from muang.care.models import Visit, VisitType
from muang.care.visits import visits_plan_month
from muang.core.models import Membership, Organization, Role
from muang.core.thai_dates import bangkok_midnight

SEED = 25690
NOTES = [
    "ญาติพลิกตัวให้ทุก 2 ชั่วโมง ไม่มีแผลกดทับ",
    "กินยาครบ ความดันคงที่",
    "แนะนำการเดินด้วยไม้เท้า ผู้สูงอายุทำได้ดีขึ้น",
    "ผิวหนังบริเวณก้นกบแดงเล็กน้อย แนะนำที่นอนลม",
    "ญาติขอคำปรึกษาเรื่องอาหารผู้ป่วยเบาหวาน",
]


def _demo_org(organization: Organization, rng: random.Random) -> int:
    caregiver = (
        Membership.objects.filter(organization=organization, role=Role.OFFICER, department__code="health-env")
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    for month in (dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)):
        visits_plan_month(organization=organization, month=month)
    planned = list(
        Visit.objects.filter(organization=organization, planned_on__lte=TODAY).select_related("person")
    )
    done = []
    for visit in planned:
        if rng.random() < 0.12:  # missed: overdue on the round
            continue
        day = visit.planned_on + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        visit.done_at = bangkok_midnight(min(day, TODAY)) + dt.timedelta(hours=rng.randint(8, 16))
        visit.caregiver_id = caregiver
        visit.visit_type = VisitType.HOME
        systolic = rng.randint(105, 165)
        visit.bp_systolic, visit.bp_diastolic = systolic, rng.randint(60, min(100, systolic - 25))
        visit.pulse = rng.randint(58, 104)
        visit.glucose = rng.randint(80, 220) if rng.random() < 0.4 else None
        visit.weight = Decimal(rng.randint(350, 750)) / 10
        visit.temperature = Decimal(rng.randint(360, 378)) / 10
        visit.notes = rng.choice(NOTES)
        if visit.person.location is not None:
            visit.filled_at = visit.person.location
            visit.distance_from_home_m, visit.near_home = float(rng.randint(0, 60)), True
        done.append(visit)
    fields = [
        "done_at",
        "caregiver",
        "visit_type",
        "bp_systolic",
        "bp_diastolic",
        "pulse",
        "glucose",
        "weight",
    ]
    fields += ["temperature", "notes", "filled_at", "distance_from_home_m", "near_home"]
    Visit.objects.bulk_update(done, fields, batch_size=2000)
    return len(planned)


@transaction.atomic
def load_demo_visits() -> int:
    rng = random.Random(SEED)  # noqa: S311 (demo data, deliberately reproducible)
    created = 0
    for slug in DEMO_SLUGS:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None or Visit.objects.filter(organization=organization).exists():
            continue
        created += _demo_org(organization, rng)
    return created
