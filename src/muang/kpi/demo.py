"""Demo figures: a year of monthly snapshots and roll-ups (`services.backfill`) for the demo local governments
(computed from whatever the other demo loaders created), a year of imported figures for the indicators entered by
hand, targets for the fiscal year, three schools per local government with a year of their two education figures
(imported by the same CSV import, with its school column), and Chumphae's dashboard shown to the public.
Deterministic (fixed seeds); a reload only backfills the months that are missing."""

import random
from decimal import Decimal

from muang.core.access import SYSTEM
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization
from muang.core.thai_dates import buddhist_era, fiscal_year
from muang.kpi import periods, services
from muang.kpi.models import Indicator, School, Snapshot, Source

MONTHS = 12
# A plausible level per hand-entered indicator: (start, monthly drift, noise).
LEVELS = {
    "people.digital_skills": (18, 0.8, 0.5),
    "living.piped_water": (86, 0.2, 0.3),
    "education.schools_broadband": (55, 2.0, 1.0),
    "environment.waste_recycled": (21, 0.4, 1.5),
    "energy.solar_kw": (120, 6, 0),
    "economy.new_businesses": (14, 0.2, 4),
    "mobility.road_deaths": (3, -0.05, 1.2),
    "education.students_per_teacher": (21, -0.05, 0.6),
    "education.attendance": (94, 0.1, 1.0),
}
# The demo schools of each local government: (number, Thai name, English name); their codes are made from the
# organisation's id (10 digits, unique in the country as a real code is).
SCHOOLS = (
    (1, "โรงเรียนเทศบาล 1 (วัดกลาง)", "Municipal School 1 (Wat Klang)"),
    (2, "โรงเรียนเทศบาล 2 (บ้านโนนสะอาด)", "Municipal School 2 (Ban Non Sa-at)"),
    (3, "โรงเรียนเทศบาล 3 (หนองบัว)", "Municipal School 3 (Nong Bua)"),
)
SCHOOL_LEVELS = {
    "education.students_per_teacher": (20, -0.05, 0.6),
    "education.attendance": (93, 0.1, 1.5),
}
TARGETS = {
    "cases.resolved_within_sla": 85,
    "cases.median_days_to_resolve": 5,
    "cases.satisfaction": 4,
    "billing.collected_share": 80,
    "people.digital_skills": 30,
    "living.piped_water": 90,
    "education.schools_broadband": 80,
    "environment.waste_recycled": 30,
    "energy.solar_kw": 200,
    "economy.new_businesses": 15,
    "mobility.road_deaths": 2,
    "education.students_per_teacher": 20,
    "education.attendance": 95,
}


def load_demo_kpis() -> int:
    organizations = list(
        Organization.objects.filter(is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS).order_by("pk")
    )
    if not organizations:
        return 0
    today = periods.today()
    last = periods.last_closed_month(today)
    months = periods.months_back(last, MONTHS)
    if Snapshot.objects.filter(organization__in=organizations, origin=Source.CSV).exists():
        # Loaded before: only the months that are missing (the demo reloaded a month or more later), and the
        # schools for a demo loaded before there were any.
        written = services.backfill(months=MONTHS, organizations=organizations)["rows"]
        entered = {i.code: i for i in Indicator.objects.exclude(source=Source.COMPUTED)}
        for organization in organizations:
            if not School.objects.filter(organization=organization).exists():
                written += _demo_schools(organization, months, entered)
        return written
    # The year that is over, snapshotted and rolled up as the monthly job would have done (the history the city
    # page's trends and the district roll-up show), then the hand-entered figures on top.
    written = services.backfill(months=MONTHS, organizations=organizations)["rows"]
    rng = random.Random(15)  # noqa: S311 (demo figures, a fixed seed)
    entered = {i.code: i for i in Indicator.objects.exclude(source=Source.COMPUTED)}
    year = fiscal_year(today)
    for organization in organizations:
        lines = ["indicator,month,value"]
        for code, (start, drift, noise) in LEVELS.items():
            if code not in entered:
                continue
            level = start * rng.uniform(0.8, 1.2)
            for step, month in enumerate(months):
                value = max(0.0, level + drift * step + rng.uniform(-noise, noise))
                if entered[code].max_value is not None:
                    value = min(value, float(entered[code].max_value))
                decimals = 0 if entered[code].unit == "count" else 1
                lines.append(f"{code},{buddhist_era(month.year)}-{month.month:02d},{value:.{decimals}f}")
        written += services.csv_import(actor=SYSTEM, organization=organization, text="\n".join(lines) + "\n")
        written += _demo_schools(organization, months, entered)
        for code, target in TARGETS.items():
            indicator = Indicator.objects.filter(code=code, is_active=True).first()
            if indicator is not None:
                services.target_set(
                    actor=SYSTEM,
                    organization=organization,
                    indicator=indicator,
                    fiscal_year=year,
                    value=Decimal(target),
                )
    chumphae = next((o for o in organizations if o.slug == "chumphae"), None)
    if chumphae is not None:
        services.publication_set(actor=SYSTEM, organization=chumphae, is_public=True)
    return written


def _demo_schools(organization: Organization, months, entered: dict[str, Indicator]) -> int:
    """Three schools of the organisation and a year of their education figures (one CSV with a school column)."""
    rng = random.Random(1500 + organization.pk)  # noqa: S311 (demo figures, a fixed seed per organisation)
    lines = ["indicator,month,value,school"]
    for number, name_th, name_en in SCHOOLS:
        school, _created = School.objects.update_or_create(
            code=f"1{organization.pk:06d}{number:03d}",
            defaults={
                "organization": organization,
                "name_th": name_th,
                "name_en": name_en,
                "is_active": True,
            },
        )
        for code, (start, drift, noise) in SCHOOL_LEVELS.items():
            if code not in entered:
                continue
            level = start * rng.uniform(0.85, 1.15)
            for step, month in enumerate(months):
                value = max(0.0, level + drift * step + rng.uniform(-noise, noise))
                if entered[code].max_value is not None:
                    value = min(value, float(entered[code].max_value))
                lines.append(f"{code},{buddhist_era(month.year)}-{month.month:02d},{value:.1f},{school.code}")
    if len(lines) == 1:
        return 0
    return services.csv_import(actor=SYSTEM, organization=organization, text="\n".join(lines) + "\n")
