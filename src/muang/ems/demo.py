"""The demo EMS service of Chumphae: the EMS duty on the สำนักปลัด (its rescue unit, หน่วยกู้ชีพ), a generated
road network around the town, five units and a few hundred past incidents (deterministic, once)."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from muang.core.access import SYSTEM
from muang.core.models import Department, Duty, Organization
from muang.ems import cbd
from muang.ems.models import Incident, Step, Unit
from muang.ems.services.incidents import incident_create, incident_dispatch, incident_stamp
from muang.ems.services.roads import road_grid_generate
from muang.ems.services.units import unit_create

CENTER = (16.54, 102.10)  # Chumphae
UNITS = [
    ("กู้ชีพชุมแพ 1", 16.5432, 102.1001, Unit.Kind.AMBULANCE, Unit.Level.ADVANCED),
    ("กู้ชีพชุมแพ 2", 16.5340, 102.0930, Unit.Kind.AMBULANCE, Unit.Level.BASIC),
    ("กู้ชีพชุมแพ 3", 16.5505, 102.1095, Unit.Kind.AMBULANCE, Unit.Level.BASIC),
    ("กู้ภัยชุมแพ 1", 16.5290, 102.1080, Unit.Kind.RESCUE, Unit.Level.FIRST_RESPONDER),
    ("กู้ภัยชุมแพ 2", 16.5560, 102.0920, Unit.Kind.RESCUE, Unit.Level.FIRST_RESPONDER),
]
CREWS = ["สมชาย ใจดี\nวิภา ศรีสุข", "ประยุทธ แก้วมา\nนภา ทองดี", "อำนาจ สุขใจ\nกมล บุญมา"]
HOSPITALS = ["โรงพยาบาลชุมแพ", "โรงพยาบาลขอนแก่น", "โรงพยาบาลศรีนครินทร์"]
FIRST_NAMES = ["สมศรี", "บุญมี", "ทองใบ", "จันทร์เพ็ญ", "สุดใจ", "ประเสริฐ", "มาลี", "วันดี"]
DEMO_USER = "ems.chumphae"  # the call-taker and dispatcher of the demo (the demo password)
INCIDENTS = 300
DAYS_BACK = 180


def _ems_department(org: Organization) -> Department | None:
    department = org.departments.filter(code="palad").first() or org.departments.order_by("pk").first()
    if department is not None and Duty.EMERGENCY_MEDICAL not in department.duties:
        department.duties = sorted({*department.duties, Duty.EMERGENCY_MEDICAL})
        department.save(update_fields=["duties"])
    return department


def _demo_dispatcher(org: Organization, department: Department | None) -> None:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from muang.core.models import Membership, Role, User

    if department is None or User.objects.filter(username=DEMO_USER).exists():
        return
    user = User.objects.create(
        username=DEMO_USER,
        first_name="ศิริพร",
        last_name="ใจกล้า",
        email=f"{DEMO_USER}@demo.muang.local",
        password=make_password(settings.MUANG_DEMO_PASSWORD),
    )
    Membership.objects.create(
        user=user, organization=org, department=department, role=Role.OFFICER, title="เจ้าหน้าที่รับแจ้งเหตุและสั่งการ"
    )


def login_lines(url: str) -> list[str]:
    """What `make run` prints about the demo dispatcher, when loaded."""
    from muang.core.models import User

    if not User.objects.filter(username=DEMO_USER).exists():
        return []
    return [f"\nEMS dispatch board: {url}ems/  user {DEMO_USER} (the demo password)"]


def load_demo_ems(incidents: int = INCIDENTS, network_size: int = 40) -> int:
    org = Organization.objects.filter(slug="chumphae").first()
    if org is None or Unit.objects.filter(organization=org).exists():
        return 0
    rng = random.Random(1669)  # noqa: S311 (demo data)
    with transaction.atomic():
        _demo_dispatcher(org, _ems_department(org))
        road_grid_generate(
            actor=SYSTEM, organization=org, lat=CENTER[0], lon=CENTER[1], size=network_size, seed=13
        )
        units = [
            unit_create(
                actor=SYSTEM,
                organization=org,
                call_sign=sign,
                lat=lat,
                lon=lon,
                kind=kind,
                level=level,
                crew=CREWS[i % len(CREWS)],
                phone=f"08{i}-555-01{i}{i}",
            )
            for i, (sign, lat, lon, kind, level) in enumerate(UNITS)
        ]
        criteria = [c for g in cbd.GROUPS for c in g.criteria]
        heavy = [c for c in criteria if c.group in (6, 7, 17, 24, 25, 19)]  # what rings most at night
        now = timezone.now().replace(microsecond=0)
        moments = sorted(
            now - dt.timedelta(days=DAYS_BACK) + dt.timedelta(seconds=rng.randrange(DAYS_BACK * 86400 - 7200))
            for _ in range(incidents)
        )
        for n, received in enumerate(moments):
            chosen = rng.choice(heavy if rng.random() < 0.6 else criteria)
            lat = CENTER[0] + rng.uniform(-0.025, 0.025)
            lon = CENTER[1] + rng.uniform(-0.025, 0.025)
            incident = incident_create(
                actor=SYSTEM,
                organization=org,
                caller_name=f"{rng.choice(FIRST_NAMES)} (ผู้แจ้ง)",
                caller_phone=f"08{rng.randrange(10_000_000, 99_999_999)}",
                lat=lat,
                lon=lon,
                criterion=chosen.key,
                address=f"หมู่ {rng.randint(1, 20)} ตำบลชุมแพ",
                patient_age=rng.randint(1, 95),
                received_at=received,
                now=now,
            )
            unit = units[n % len(units)]
            at = received + dt.timedelta(seconds=rng.randint(30, 120))
            incident = incident_dispatch(actor=SYSTEM, incident=incident, unit=unit, at=at, now=now)
            at += dt.timedelta(seconds=rng.randint(20, 90))
            incident = incident_stamp(actor=SYSTEM, incident=incident, step=Step.ROLLING, at=at, now=now)
            at += dt.timedelta(seconds=rng.randint(180, 720))
            incident = incident_stamp(actor=SYSTEM, incident=incident, step=Step.AT_SCENE, at=at, now=now)
            if chosen.colour in (cbd.Colour.RED, cbd.Colour.YELLOW) or rng.random() < 0.5:
                at += dt.timedelta(seconds=rng.randint(300, 900))
                incident = incident_stamp(
                    actor=SYSTEM, incident=incident, step=Step.LEAVING_SCENE, at=at, now=now
                )
                at += dt.timedelta(seconds=rng.randint(300, 1500))
                incident = incident_stamp(
                    actor=SYSTEM,
                    incident=incident,
                    step=Step.AT_HOSPITAL,
                    at=at,
                    hospital=rng.choice(HOSPITALS),
                    now=now,
                )
            at += dt.timedelta(seconds=rng.randint(600, 1800))
            incident_stamp(actor=SYSTEM, incident=incident, step=Step.BACK_AT_BASE, at=min(at, now), now=now)
    return Incident.objects.filter(organization=org).count()


BANDS = 200  # a few hundred wristbands: the most dependent people of the care register first
ON_CALL = [
    ("หัวหน้าเวรศูนย์ดูแล ประเสริฐ ทองดี", "0810000001"),
    ("พยาบาลวิชาชีพ มาลี สุขใจ", "0810000002"),
    ("ผู้อำนวยการกองสาธารณสุข สมพร ใจดี", "0810000003"),
]


def load_demo_wristbands(bands: int = BANDS) -> int:
    """Wristbands for the demo organisation's people cared for (those with a home on the map, bed-bound and
    home-bound first), their rules, the on-call list, and a tracker for each unit. Once."""
    from muang.care.models import Person
    from muang.ems.models import OnCall, Wristband
    from muang.ems.services.wristbands import tracker_profile_for, wristband_create
    from muang.iot.services.devices import device_create

    org = Organization.objects.filter(slug="chumphae").first()
    if org is None or Wristband.objects.filter(organization=org).exists():
        return 0
    rng = random.Random(1330)  # noqa: S311 (demo data)
    rank = {"bed": 0, "home": 1, "social": 2, "": 3}
    people = sorted(
        Person.objects.filter(organization=org, location__isnull=False, died_on=None, anonymized_at=None),
        key=lambda p: (rank.get(p.adl_group, 3), p.pk),
    )[:bands]
    with transaction.atomic():
        for position, (name, phone) in enumerate(ON_CALL, start=1):
            OnCall.objects.create(organization=org, position=position, name=name, phone=phone)
        for n, person in enumerate(people):
            dementia = rng.random() < 0.15
            wristband_create(
                actor=SYSTEM,
                organization=org,
                person=person,
                serial=f"86{n:013d}",  # an IMEI-like tracker id
                heart_rate_min=45,
                heart_rate_max=rng.choice((110, 120, 130)),
                geofence_radius_m=300 if dementia else None,
                still_hours=4 if person.adl_group in ("home", "social") else None,
                medical_summary=rng.choice(
                    (
                        "เบาหวาน ความดันโลหิตสูง",
                        "หัวใจล้มเหลว ใช้ยาละลายลิ่มเลือด",
                        "โรคสมองเสื่อม แพ้ยาเพนิซิลลิน",
                        "ไตวายเรื้อรัง",
                    )
                ),
            )
        for i, unit in enumerate(Unit.objects.filter(organization=org, device=None).order_by("pk")):
            device, _credential = device_create(
                actor=SYSTEM,
                organization=org,
                profile=tracker_profile_for(org),
                name=f"GPS {unit.call_sign}",
                serial=f"AMB{i + 1:03d}",
            )
            Unit.objects.filter(pk=unit.pk).update(device=device)
    return len(people)
