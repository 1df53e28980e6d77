"""The catalogue: the two frameworks of seven smart areas, the indicators entered by hand or imported, and one
computed indicator for every `KpiSource` an installed app offers (`AppContract.kpi_sources`).

`sync_catalogue()` runs after every `migrate` (and after a test database is flushed): installing an app that
offers a KPI source is enough for its indicator to appear on the dashboards, placed in the area its app usually
belongs to (`PLACEMENT`), or under "other indicators" until someone places it. It is idempotent, and what an
administrator changed by hand (areas, owner, reference) stays: only a computed indicator's name, unit and
direction follow its app's contract.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from muang.core import registry
from muang.core.contract import Direction
from muang.core.models import Duty
from muang.kpi.models import Area, Framework, Indicator, Source

AREAS = {
    "people": ("พลเมืองอัจฉริยะ", "Smart People"),
    "living": ("การดำรงชีวิตอัจฉริยะ", "Smart Living"),
    "education": ("การศึกษาอัจฉริยะ", "Smart Education"),
    "energy": ("พลังงานอัจฉริยะ", "Smart Energy"),
    "environment": ("สิ่งแวดล้อมอัจฉริยะ", "Smart Environment"),
    "economy": ("เศรษฐกิจอัจฉริยะ", "Smart Economy"),
    "governance": ("การบริหารภาครัฐอัจฉริยะ", "Smart Governance"),
    "mobility": ("การเดินทางและขนส่งอัจฉริยะ", "Smart Mobility"),
}

FRAMEWORKS = (
    (
        "khonkaen",
        "ขอนแก่นเมืองอัจฉริยะ (7 ด้าน)",
        "Khon Kaen Smart City (seven areas)",
        ("people", "living", "education", "environment", "economy", "governance", "mobility"),
    ),
    (
        "depa",
        "เมืองอัจฉริยะตามเกณฑ์ depa (7 ด้าน)",
        "depa Smart City framework (seven areas)",
        ("people", "living", "energy", "environment", "economy", "governance", "mobility"),
    ),
)

# Where an app's numbers usually belong, in order of preference: the first area a framework has.
PLACEMENT = {
    "cases": ("governance",),
    "reports": ("governance",),
    "billing": ("governance", "economy"),
    "property": ("economy",),
    "eservices": ("governance",),
    "lighting": ("energy", "environment"),
    "environment": ("environment",),
    "iot": ("environment",),
    "waste": ("environment",),
    "care": ("living", "people"),
    "ems": ("living",),
}

# Which department (by its duty) usually answers for an app's numbers.
OWNER = {
    "cases": Duty.ADMINISTRATION,
    "reports": Duty.ADMINISTRATION,
    "eservices": Duty.ADMINISTRATION,
    "billing": Duty.FINANCE,
    "property": Duty.TAX,
    "lighting": Duty.ENGINEERING,
    "environment": Duty.PUBLIC_HEALTH,
    "waste": Duty.PUBLIC_HEALTH,
    "care": Duty.SOCIAL_WELFARE,
    "ems": Duty.DISASTER_PREVENTION,
}

# U4SSC / ISO 37120 counterparts of the computed indicators, where one fits.
REFERENCES = {
    "billing.collected_share": gettext_noop("ISO 37120:2018 — tax collected as a percentage of tax billed"),
    "environment.pm25_days": gettext_noop("ISO 37120:2018 — fine particulate matter (PM2.5) concentration"),
    "ems.red_within_8_minutes": gettext_noop("U4SSC — emergency service response time"),
}

# Indicators a city enters by hand (with evidence) or imports from CSV:
# code, Thai, English, unit, direction, source, owner duty, areas, reference, min, max, definition.
MANUAL = (
    (
        "people.digital_skills",
        "ประชาชนที่ผ่านการอบรมทักษะดิจิทัล",
        "Residents trained in digital skills",
        "%",
        Direction.UP,
        Source.MANUAL,
        Duty.ADMINISTRATION,
        ("people",),
        "",
        0,
        100,
        "ร้อยละของประชาชนอายุ 15 ปีขึ้นไปที่ผ่านการอบรมทักษะดิจิทัลของเทศบาลสะสมถึงสิ้นเดือน",
    ),
    (
        "living.piped_water",
        "ครัวเรือนที่มีน้ำประปาใช้",
        "Households with piped water",
        "%",
        Direction.UP,
        Source.MANUAL,
        Duty.ENGINEERING,
        ("living",),
        gettext_noop("ISO 37120:2018 — percentage of city population with potable water supply service"),
        0,
        100,
        "ร้อยละของครัวเรือนในเขตที่ต่อน้ำประปา ณ สิ้นเดือน",
    ),
    (
        "education.schools_broadband",
        "โรงเรียนในสังกัดที่มีอินเทอร์เน็ตความเร็วสูง",
        "Schools with broadband internet",
        "%",
        Direction.UP,
        Source.MANUAL,
        Duty.EDUCATION,
        ("education", "people"),
        "",
        0,
        100,
        "ร้อยละของโรงเรียนและศูนย์พัฒนาเด็กเล็กในสังกัดที่มีอินเทอร์เน็ตอย่างน้อย 100 Mbps",
    ),
    (
        "education.students_per_teacher",
        "นักเรียนต่อครูหนึ่งคน",
        "Students per teacher",
        "students",
        Direction.DOWN,
        Source.MANUAL,
        Duty.EDUCATION,
        ("education", "people"),
        gettext_noop("ISO 37120:2018 — primary education student/teacher ratio"),
        0,
        100,
        "จำนวนนักเรียนต่อครูหนึ่งคน ณ สิ้นเดือน (ของโรงเรียน หรือของโรงเรียนทั้งหมดในสังกัด)",
    ),
    (
        "education.attendance",
        "อัตราการมาเรียนของนักเรียน",
        "Student attendance",
        "%",
        Direction.UP,
        Source.MANUAL,
        Duty.EDUCATION,
        ("education", "people"),
        "",
        0,
        100,
        "ร้อยละของวันเรียนที่นักเรียนมาเรียนในเดือน (วันที่มาเรียนรวม ÷ วันเรียน × จำนวนนักเรียน)",
    ),
    (
        "environment.waste_recycled",
        "ขยะมูลฝอยที่นำกลับมาใช้ใหม่",
        "Share of solid waste recycled",
        "%",
        Direction.UP,
        Source.CSV,
        Duty.PUBLIC_HEALTH,
        ("environment",),
        gettext_noop("ISO 37120:2018 — percentage of the city's solid waste that is recycled"),
        0,
        100,
        "ร้อยละของน้ำหนักขยะที่คัดแยกนำกลับมาใช้ใหม่ต่อขยะทั้งหมดในเดือน",
    ),
    (
        "energy.solar_kw",
        "กำลังผลิตไฟฟ้าจากแสงอาทิตย์บนอาคารของหน่วยงาน",
        "Solar capacity on the organisation's buildings",
        "kW",
        Direction.UP,
        Source.MANUAL,
        Duty.ENGINEERING,
        ("energy", "environment"),
        "",
        0,
        None,
        "กำลังผลิตติดตั้งรวม (กิโลวัตต์) ณ สิ้นเดือน",
    ),
    (
        "economy.new_businesses",
        "สถานประกอบการที่ขออนุญาตใหม่",
        "New business licences",
        "count",
        Direction.UP,
        Source.CSV,
        Duty.ADMINISTRATION,
        ("economy",),
        "",
        0,
        None,
        "จำนวนใบอนุญาตประกอบกิจการที่ออกใหม่ในเดือน",
    ),
    (
        "mobility.road_deaths",
        "ผู้เสียชีวิตจากอุบัติเหตุทางถนน",
        "Road traffic deaths",
        "count",
        Direction.DOWN,
        Source.MANUAL,
        Duty.DISASTER_PREVENTION,
        ("mobility",),
        gettext_noop("ISO 37120:2018 — transportation fatalities per 100 000 population"),
        0,
        None,
        "จำนวนผู้เสียชีวิตจากอุบัติเหตุทางถนนในเขตในเดือน (ข้อมูลศูนย์ความปลอดภัยทางถนน)",
    ),
)


def _areas_for(codes: tuple[str, ...], by_framework: dict[int, dict[str, Area]]) -> list[Area]:
    """In each framework, the first of `codes` it has."""
    chosen = []
    for areas in by_framework.values():
        area = next((areas[c] for c in codes if c in areas), None)
        if area is not None:
            chosen.append(area)
    return chosen


def _names(label) -> tuple[str, str]:
    with translation.override("th"):
        th = str(label)
    with translation.override("en"):
        en = str(label)
    return th, en


@transaction.atomic
def sync_catalogue() -> int:
    """Create what is missing; returns how many indicators were created."""
    by_framework: dict[int, dict[str, Area]] = {}
    for order, (code, name_th, name_en, area_codes) in enumerate(FRAMEWORKS):
        framework, _ = Framework.objects.get_or_create(
            code=code, defaults={"name_th": name_th, "name_en": name_en, "order": order}
        )
        areas = {}
        for position, area_code in enumerate(area_codes):
            areas[area_code], _ = Area.objects.get_or_create(
                framework=framework,
                code=area_code,
                defaults={"name_th": AREAS[area_code][0], "name_en": AREAS[area_code][1], "order": position},
            )
        by_framework[framework.pk] = areas

    created = 0
    for code, th, en, unit, direction, source, duty, areas, reference, low, high, definition in MANUAL:
        indicator, new = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name_th": th,
                "name_en": en,
                "unit": unit,
                "direction": direction.value,
                "source": source,
                "owner_duty": duty,
                "reference": reference,
                "min_value": None if low is None else Decimal(low),
                "max_value": None if high is None else Decimal(high),
                "definition": definition,
            },
        )
        if new:
            created += 1
            indicator.areas.set(_areas_for(areas, by_framework))

    offered = set()
    for source in registry.kpi_sources():
        offered.add(source.code)
        th, en = _names(source.label)
        follow = {
            "name_th": th,
            "name_en": en,
            "unit": source.unit,
            "direction": source.direction.value,
            "has_places": bool(source.places),
        }
        indicator, new = Indicator.objects.get_or_create(
            code=source.code,
            defaults={
                **follow,
                "source": Source.COMPUTED,
                "owner_duty": OWNER.get(source.code.split(".", 1)[0], ""),
                "definition": _definition(source),
                "reference": REFERENCES.get(source.code, ""),
                "min_value": Decimal(0) if source.unit in ("%", "days", "count", "THB", "stars") else None,
                "max_value": Decimal(100)
                if source.unit == "%"
                else Decimal(5)
                if source.unit == "stars"
                else None,
            },
        )
        if new:
            created += 1
            app_label = source.code.split(".", 1)[0]
            indicator.areas.set(_areas_for(PLACEMENT.get(app_label, ()), by_framework))
        else:
            changed = {k: v for k, v in follow.items() if getattr(indicator, k) != v}
            if changed or not indicator.is_active:
                for k, v in changed.items():
                    setattr(indicator, k, v)
                indicator.is_active = True
                indicator.save()
    # An app removed: its indicator (and its history) stays, off the dashboards.
    Indicator.objects.filter(source=Source.COMPUTED, is_active=True).exclude(code__in=offered).update(
        is_active=False
    )
    return created


def _definition(source) -> str:
    """What the figure measures: its selector's docstring, or its bulk form's (a one-organisation selector that
    is the bulk form for one says nothing of its own)."""
    for path in (source.selector, source.bulk):
        doc = (import_string(path).__doc__ or "").strip() if path else ""
        if doc:
            return doc
    return ""


def computed_sources() -> dict[str, object]:
    """The installed apps' KPI sources by code."""
    return {s.code: s for s in registry.kpi_sources()}
