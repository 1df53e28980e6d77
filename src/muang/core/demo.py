"""The demo: อำเภอชุมแพ, จังหวัดขอนแก่น, pilot district of the "Smart Chumphae" programme.

Boundaries are synthetic polygons around the real locations; DLA codes are synthetic (7 digits, clearly not
the DLA's); staff names are invented. Everything is derived from a fixed seed, so every install is identical.
"""

import math
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction

from muang.core.geo import SRID
from muang.core.models import Department, Duty, Membership, Organization, OrganizationKind, Role, User

SEED = 2569
MARKER_SLUG = "chumphae-district"


@dataclass(frozen=True)
class DemoOrg:
    slug: str
    kind: str
    name_th: str
    name_en: str
    subdistrict: str | None
    dla_code: str | None
    center: tuple[float, float] | None  # (lat, lon)
    radius_km: float = 0
    phone: str = ""


DEMO_ORGS = [
    DemoOrg(
        "khonkaen-province",
        OrganizationKind.PROVINCE_OFFICE,
        "ศาลากลางจังหวัดขอนแก่น",
        "Khon Kaen Provincial Hall",
        None,
        None,
        None,
        phone="043-236-960",
    ),
    DemoOrg(
        "chumphae-district",
        OrganizationKind.DISTRICT_OFFICE,
        "ที่ว่าการอำเภอชุมแพ",
        "Chum Phae District Office",
        "400501",
        None,
        None,
        phone="043-311-222",
    ),
    DemoOrg(
        "chumphae",
        OrganizationKind.TOWN_MUNICIPALITY,
        "เทศบาลเมืองชุมแพ",
        "Chum Phae Town Municipality",
        "400501",
        "9400501",
        (16.5447, 102.0988),
        3.2,
        "043-311-009",
    ),
    DemoOrg(
        "nonsaat",
        OrganizationKind.SUBDISTRICT_MUNICIPALITY,
        "เทศบาลตำบลโนนสะอาด",
        "Non Sa-at Subdistrict Municipality",
        "400512",
        "9400512",
        (16.655, 101.985),
        5.0,
        "043-385-101",
    ),
    DemoOrg(
        "nanongthum",
        OrganizationKind.SAO,
        "องค์การบริหารส่วนตำบลนาหนองทุ่ม",
        "Na Nong Thum Subdistrict Administrative Organisation",
        "400503",
        "9400503",
        (16.735, 101.86),
        6.0,
        "043-385-220",
    ),
    DemoOrg(
        "nonhan",
        OrganizationKind.SAO,
        "องค์การบริหารส่วนตำบลโนนหัน",
        "Non Han Subdistrict Administrative Organisation",
        "400502",
        "9400502",
        (16.62, 102.15),
        4.5,
        "043-385-330",
    ),
    DemoOrg(
        "chaiso",
        OrganizationKind.SAO,
        "องค์การบริหารส่วนตำบลไชยสอ",
        "Chai So Subdistrict Administrative Organisation",
        "400507",
        "9400507",
        (16.47, 102.17),
        4.5,
        "043-385-440",
    ),
]

# (code, Thai name, English name, duties). As in most Thai municipalities and SAOs, กองคลัง keeps the accounts and
# also collects the revenue (งานพัฒนาและจัดเก็บรายได้: the tax registry and the tax map); สำนักปลัด runs disaster
# prevention (งานป้องกันและบรรเทาสาธารณภัย).
LOCAL_DEPARTMENTS = [
    (
        "palad",
        "สำนักปลัด",
        "Office of the Permanent Secretary",
        (Duty.ADMINISTRATION, Duty.DISASTER_PREVENTION),
    ),
    ("finance", "กองคลัง", "Finance Division", (Duty.FINANCE, Duty.TAX)),
    ("engineering", "กองช่าง", "Engineering Division", (Duty.ENGINEERING,)),
    (
        "health-env",
        "กองสาธารณสุขและสิ่งแวดล้อม",
        "Public Health and Environment Division",
        (Duty.PUBLIC_HEALTH,),
    ),
    ("education", "กองการศึกษา", "Education Division", (Duty.EDUCATION,)),
    ("welfare", "กองสวัสดิการสังคม", "Social Welfare Division", (Duty.SOCIAL_WELFARE,)),
]
OVERSIGHT_DEPARTMENTS = [
    ("local-promotion", "สำนักงานส่งเสริมการปกครองท้องถิ่น", "Local Administration Promotion Office", ()),
    ("administration", "ฝ่ายบริหารงานปกครอง", "Administration Section", (Duty.ADMINISTRATION,)),
]

FIRST_NAMES = [
    "สมชาย",
    "สมศรี",
    "วิไลวรรณ",
    "ประเสริฐ",
    "กนกพร",
    "ธนากร",
    "สุดารัตน์",
    "อนุชา",
    "พิมพ์ชนก",
    "ณัฐวุฒิ",
    "จันทร์เพ็ญ",
    "บุญเลิศ",
    "ศิริพร",
    "วีระพงษ์",
    "อรอุมา",
    "ชยพล",
]
LAST_NAMES = [
    "ศรีสุข",
    "ใจดี",
    "บุญมา",
    "แก้วมณี",
    "ทองคำ",
    "พรหมวงศ์",
    "สายสุวรรณ",
    "จันทร์หอม",
    "ภูผาทอง",
    "ชุมแพพัฒนา",
    "นามวงศ์",
    "ศรีวิชัย",
]


def synthetic_boundary(center: tuple[float, float], radius_km: float, rng: random.Random) -> MultiPolygon:
    """A star-shaped (hence simple, valid) irregular polygon of about `radius_km` around `center`."""
    lat0, lon0 = center
    n = 28
    radii = [radius_km * (0.78 + 0.32 * rng.random()) for _ in range(n)]
    # Smooth neighbouring radii so the outline looks like a drawn boundary, not a sea urchin.
    radii = [(radii[i - 1] + 2 * radii[i] + radii[(i + 1) % n]) / 4 for i in range(n)]
    ring = []
    for i, r in enumerate(radii):
        angle = 2 * math.pi * i / n
        dlat = r * math.sin(angle) / 110.574
        dlon = r * math.cos(angle) / (111.320 * math.cos(math.radians(lat0)))
        ring.append((round(lon0 + dlon, 6), round(lat0 + dlat, 6)))
    ring.append(ring[0])
    return MultiPolygon(Polygon(ring), srid=SRID)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organization: str
    note: str


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


@transaction.atomic
def load_demo() -> bool:
    """Create the demo once. Returns False when it is already there."""
    if Organization.objects.filter(slug=MARKER_SLUG).exists():
        return False
    rng = random.Random(SEED)  # noqa: S311 (demo data, deliberately reproducible)
    password_hash = make_password(settings.MUANG_DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose

    orgs: dict[str, Organization] = {}
    for d in DEMO_ORGS:
        sub = d.subdistrict
        org = Organization(
            slug=d.slug,
            kind=d.kind,
            dla_code=d.dla_code,
            name_th=d.name_th,
            name_en=d.name_en,
            province_id="40",
            district_id=sub[:4] if sub else None,
            subdistrict_id=sub if d.kind != OrganizationKind.DISTRICT_OFFICE else None,
            boundary=synthetic_boundary(d.center, d.radius_km, rng) if d.center else None,
            phone=d.phone,
            address=f"{d.name_th} จังหวัดขอนแก่น",
            settings={"demo": True},
        )
        org.full_clean()
        org.save()
        orgs[d.slug] = org
        departments = OVERSIGHT_DEPARTMENTS if org.is_overseer else LOCAL_DEPARTMENTS
        Department.objects.bulk_create(
            [
                Department(organization=org, code=c, name_th=th, name_en=en, duties=list(duties))
                for c, th, en, duties in departments
            ]
        )

    def user(username: str, first: str, last: str, *, superuser: bool = False) -> User:
        u = User(
            username=username,
            first_name=first,
            last_name=last,
            password=password_hash,
            email=f"{username}@demo.muang.local",
            is_staff=superuser,
            is_superuser=superuser,
        )
        u.save()
        return u

    def member(u: User, org: Organization, role: str, department: str | None, title: str) -> None:
        dep = org.departments.get(code=department) if department else None
        m = Membership(user=u, organization=org, department=dep, role=role, title=title)
        m.full_clean()
        m.save()

    user("platform", "ผู้ดูแล", "แพลตฟอร์ม", superuser=True)
    for slug in ("chumphae", "nonsaat", "nanongthum", "nonhan", "chaiso"):
        org = orgs[slug]
        executive_title = "นายกเทศมนตรี" if "municipality" in org.kind else "นายกองค์การบริหารส่วนตำบล"
        member(user(f"mayor.{slug}", *_person(rng)), org, Role.EXECUTIVE, None, executive_title)
        member(
            user(f"head.{slug}", *_person(rng)), org, Role.DEPARTMENT_HEAD, "engineering", "ผู้อำนวยการกองช่าง"
        )
        member(user(f"officer.{slug}", *_person(rng)), org, Role.OFFICER, "finance", "นักวิชาการจัดเก็บรายได้")
        member(user(f"engineer.{slug}", *_person(rng)), org, Role.OFFICER, "engineering", "นายช่างไฟฟ้า")
        member(user(f"nurse.{slug}", *_person(rng)), org, Role.OFFICER, "health-env", "พยาบาลวิชาชีพ")
        member(
            user(f"head-finance.{slug}", *_person(rng)),
            org,
            Role.DEPARTMENT_HEAD,
            "finance",
            "ผู้อำนวยการกองคลัง",
        )
        admin = user(f"admin.{slug}", *_person(rng))
        admin.is_staff = True  # may use the scoped Django admin for configuration
        admin.save(update_fields=["is_staff"])
        member(admin, org, Role.SYSTEM_ADMIN, None, "นักวิชาการคอมพิวเตอร์")
    # One IT officer serves two organisations: the organisation switcher.
    member(
        User.objects.get(username="admin.nonsaat"), orgs["nanongthum"], Role.OFFICER, "palad", "ผู้ช่วยงานไอที"
    )
    member(
        user("overseer.chumphae", *_person(rng)),
        orgs["chumphae-district"],
        Role.OVERSEER,
        "local-promotion",
        "ท้องถิ่นอำเภอชุมแพ",
    )
    member(
        user("overseer.khonkaen", *_person(rng)),
        orgs["khonkaen-province"],
        Role.OVERSEER,
        "local-promotion",
        "ท้องถิ่นจังหวัดขอนแก่น",
    )
    return True


DEMO_LOGINS = [
    DemoLogin("officer.nonsaat", "officer", "เทศบาลตำบลโนนสะอาด", "กองคลัง (tax officer)"),
    DemoLogin("engineer.nonsaat", "officer", "เทศบาลตำบลโนนสะอาด", "กองช่าง (street lights)"),
    DemoLogin("nurse.nonsaat", "officer", "เทศบาลตำบลโนนสะอาด", "กองสาธารณสุขฯ (elderly care)"),
    DemoLogin("head.nonsaat", "department_head", "เทศบาลตำบลโนนสะอาด", "ผู้อำนวยการกองช่าง"),
    DemoLogin("mayor.nonsaat", "executive", "เทศบาลตำบลโนนสะอาด", "นายกเทศมนตรี"),
    DemoLogin("admin.nonsaat", "system_admin", "ทต.โนนสะอาด + อบต.นาหนองทุ่ม", "organisation switcher"),
    DemoLogin("officer.nanongthum", "officer", "อบต.นาหนองทุ่ม", "กองคลัง"),
    DemoLogin("overseer.chumphae", "overseer", "ที่ว่าการอำเภอชุมแพ", "district roll-up"),
    DemoLogin("overseer.khonkaen", "overseer", "ศาลากลางจังหวัดขอนแก่น", "province roll-up"),
    DemoLogin("platform", "superuser", "—", "platform operator, /admin/"),
]
