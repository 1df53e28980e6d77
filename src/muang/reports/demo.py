"""Demo citizen reports for the Chumphae demo organisations: Thai text, real places, every status.

Deterministic content (fixed seed); times are laid out over the 120 days before the load, so the demo
always looks current. Everything goes through the case services, as real reports would.
"""

import datetime as dt
import random

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from muang.cases.models import Case, CaseCategory, Channel
from muang.cases.services import (
    case_assign,
    case_category_create,
    case_change_status,
    case_mark_duplicate,
    case_rate,
    case_submit,
)
from muang.cases.services.setup import seed_statuses
from muang.core.access import SYSTEM, Actor
from muang.core.geo import SRID
from muang.core.models import Organization, User
from muang.reports.demo_text import CATEGORY_NAMES, generate_reports
from muang.reports.models import CategoryQuestion

SEED = 2569
DEMO_ORGS = ("chumphae", "nonsaat", "nanongthum", "nonhan", "chaiso")
# category code -> (department code, SLA working hours, sensitive)
CATEGORY_SETUP = {
    "road": ("engineering", 40, False),
    "sidewalk": ("engineering", 40, False),
    "traffic_sign": ("engineering", 24, False),
    "streetlight": ("engineering", 16, False),
    "drainage_flood": ("engineering", 8, False),
    "water_supply": ("engineering", 8, False),
    "tree": ("health-env", 16, False),
    "garbage": ("health-env", 16, False),
    "illegal_dumping": ("health-env", 24, False),
    "stray_animal": ("health-env", 40, False),
    "noise": ("health-env", 24, True),  # neighbours' disputes: blur the place on public pages
    "other": ("palad", 40, False),
}
WORKERS = {"engineering": "engineer", "health-env": "nurse"}
# Share of reports ending in each state (the rest stay "received").
OUTCOMES = [
    ("assigned", 0.12),
    ("in_progress", 0.18),
    ("resolved", 0.25),
    ("closed", 0.17),
    ("not_responsible", 0.03),
    ("duplicate", 0.04),
]
PUBLIC_UPDATES = {
    "in_progress": "เจ้าหน้าที่รับเรื่องและกำลังดำเนินการแก้ไขครับ",
    "resolved": "ดำเนินการแก้ไขเรียบร้อยแล้ว ขอบคุณที่แจ้งครับ",
    "closed": "ปิดเรื่องเรียบร้อย",
    "not_responsible": "เรื่องนี้อยู่ในความรับผิดชอบของหน่วยงานอื่น ได้ประสานต่อให้แล้วครับ",
}
COMMENTS = ["รวดเร็วมากครับ ขอบคุณ", "แก้ไขดี แต่ช้าไปหน่อย", "ยังไม่ค่อยเรียบร้อย", "ประทับใจครับ", ""]


# Extra questions per category code (asked on the web form, published to Open311 clients), and notices.
DEMO_QUESTIONS: dict[str, list[dict]] = {
    "streetlight": [
        {
            "code": "pole",
            "description": "หมายเลขเสาไฟ (ถ้ามองเห็น)",
            "datatype": "string",
            "datatype_description": "ตัวเลขหรือรหัสที่พ่นไว้บนเสา",
        },
        {
            "code": "since",
            "description": "ไฟดับมานานเท่าไร",
            "datatype": "singlevaluelist",
            "required": True,
            "values": [
                {"key": "tonight", "name": "เพิ่งดับคืนนี้"},
                {"key": "days", "name": "2–7 วัน"},
                {"key": "weeks", "name": "เกินหนึ่งสัปดาห์"},
            ],
        },
    ],
    "noise": [
        {
            "code": "when",
            "description": "ช่วงเวลาที่มีเสียงรบกวน",
            "datatype": "multivaluelist",
            "required": True,
            "values": [
                {"key": "day", "name": "กลางวัน"},
                {"key": "evening", "name": "หัวค่ำ"},
                {"key": "night", "name": "หลังสี่ทุ่ม"},
            ],
        },
    ],
    "road": [
        {
            "code": "size",
            "description": "หลุมกว้างประมาณกี่เซนติเมตร",
            "datatype": "number",
            "datatype_description": "ตัวเลขโดยประมาณ",
        },
    ],
}
DEMO_NOTICES = {
    "water_supply": "น้ำประปาไม่ไหลทั้งหมู่บ้าน แจ้งการประปาส่วนภูมิภาคได้ที่ 1662 ด้วย",
    "tree": "กรณีต้นไม้ล้มขวางถนนหรือพาดสายไฟ โทร 199 ได้ตลอด 24 ชั่วโมง",
}


def ensure_questions(organization: Organization, categories: dict[str, CaseCategory]) -> None:
    for code, questions in DEMO_QUESTIONS.items():
        category = categories.get(code)
        if category is None:
            continue
        for order, q in enumerate(questions, start=1):
            CategoryQuestion.objects.get_or_create(
                organization=organization, category=category, code=q["code"], defaults={**q, "order": order}
            )
    org_settings = dict(organization.settings or {})
    reports = dict(org_settings.get("reports") or {})
    if "notices" not in reports:
        reports["notices"] = {code: text for code, text in DEMO_NOTICES.items() if code in categories}
        org_settings["reports"] = reports
        organization.settings = org_settings
        organization.save(update_fields=["settings"])


def _demo_answers(code: str, rng: random.Random) -> dict:
    answers: dict = {}
    for q in DEMO_QUESTIONS.get(code, []):
        keys = [v["key"] for v in q.get("values", [])]
        if q["datatype"] == "singlevaluelist":
            answers[q["code"]] = rng.choice(keys)
        elif q["datatype"] == "multivaluelist":
            answers[q["code"]] = sorted(rng.sample(keys, rng.randint(1, len(keys))))
        elif q["datatype"] == "number" and rng.random() < 0.7:
            answers[q["code"]] = str(rng.choice([20, 30, 50, 80, 100]))
        elif q["datatype"] == "string" and rng.random() < 0.4:
            answers[q["code"]] = f"{rng.randint(1, 40):02d}-{rng.randint(1, 300):03d}"
    return answers


def ensure_categories(organization: Organization) -> dict[str, CaseCategory]:
    seed_statuses(organization)
    existing = {c.code: c for c in CaseCategory.objects.filter(organization=organization)}
    departments = {d.code: d for d in organization.departments.all()}
    for position, (code, (dep, sla, sensitive)) in enumerate(CATEGORY_SETUP.items()):
        if code not in existing and dep in departments:
            existing[code] = case_category_create(
                actor=SYSTEM,
                organization=organization,
                code=code,
                name_th=CATEGORY_NAMES[code][0],
                name_en=CATEGORY_NAMES[code][1],
                default_department=departments[dep],
                sla_hours=sla,
                is_sensitive=sensitive,
                allow_anonymous=code != "noise",
                position=position,
            )
    return existing


def _point_in(organization: Organization, rng: random.Random) -> Point:
    xmin, ymin, xmax, ymax = organization.boundary.extent
    while True:
        p = Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax), srid=SRID)
        if organization.boundary.contains(p):
            return Point(round(p.x, 6), round(p.y, 6), srid=SRID)


def _outcome(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for status, share in OUTCOMES:
        total += share
        if roll < total:
            return status
    return "received"


@transaction.atomic
def load_demo_reports(n: int | None = None) -> int:
    """File `n` demo reports (settings.MUANG_DEMO_REPORTS) once; returns how many were created."""
    n = settings.MUANG_DEMO_REPORTS if n is None else n
    orgs = [o for o in Organization.objects.filter(slug__in=DEMO_ORGS).order_by("slug") if o.boundary]
    if not orgs or Case.objects.filter(organization__in=orgs).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 (demo data, deliberately reproducible)
    categories = {o.pk: ensure_categories(o) for o in orgs}
    for o in orgs:
        ensure_questions(o, categories[o.pk])
    answers_rng = random.Random(SEED + 1)  # noqa: S311 (its own stream: the reports stay as they were)
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    anchor = timezone.now().replace(minute=0, second=0, microsecond=0)
    texts = generate_reports(n, seed=SEED)
    created = 0
    recent: dict[tuple[int, str], Case] = {}
    for i, (text, code) in enumerate(texts):
        org = orgs[i % len(orgs)]
        category = categories[org.pk].get(code) or categories[org.pk]["other"]
        when = anchor - dt.timedelta(days=120 * (n - i) / n, hours=rng.randint(0, 9))
        case, _ = case_submit(
            organization=org,
            category=category,
            channel=rng.choice([Channel.WEB, Channel.LINE, Channel.LINE, Channel.OPEN311]),
            description=text,
            location=_point_in(org, rng),
            contact_phone=f"08{rng.randint(10_000_000, 99_999_999)}"
            if rng.random() < 0.6 or not category.allow_anonymous
            else "",
            idempotency_key=f"demo-{i}",
            attributes=_demo_answers(category.code, answers_rng),
            now=when,
        )
        created += 1
        _work(case, org, category, _outcome(rng), when, rng, users, recent)
        recent[(org.pk, category.code)] = case
    return created


def _work(case, org, category, outcome, when, rng, users, recent) -> None:
    if outcome == "received":
        return
    head = Actor(user=users.get(f"mayor.{org.slug}"))
    worker_name = WORKERS.get(category.default_department.code)
    worker = users.get(f"{worker_name}.{org.slug}") if worker_name else None
    step = when + dt.timedelta(hours=rng.randint(1, 30))
    if outcome == "duplicate":
        original = recent.get((org.pk, category.code))
        if original is not None and original.pk != case.pk:
            case_mark_duplicate(actor=head, case=case, original=original, now=step)
        return
    if worker is None:
        case_change_status(
            actor=head,
            case=case,
            status="not_responsible",
            message=PUBLIC_UPDATES["not_responsible"],
            now=step,
        )
        return
    case = case_assign(actor=head, case=case, assignee=worker, now=step)
    if outcome == "assigned":
        return
    actor = Actor(user=worker)
    path = {
        "in_progress": ["in_progress"],
        "resolved": ["in_progress", "resolved"],
        "closed": ["in_progress", "resolved", "closed"],
        "not_responsible": ["not_responsible"],
    }[outcome]
    for status in path:
        step += dt.timedelta(hours=rng.randint(2, 60))
        case = case_change_status(
            actor=actor, case=case, status=status, message=PUBLIC_UPDATES[status], now=step
        )
        if status == "resolved" and rng.random() < 0.6:
            case = case_rate(
                actor=actor,
                case=case,
                stars=rng.choice([5, 5, 4, 4, 3, 2]),
                comment=rng.choice(COMMENTS),
                now=step + dt.timedelta(hours=3),
            )
