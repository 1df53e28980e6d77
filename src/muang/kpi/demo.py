"""Demo figures: a year of monthly snapshots and roll-ups (`services.backfill`) for the demo local governments
(computed from whatever the other demo loaders created), a year of imported figures for the indicators entered by
hand, targets for the fiscal year, and Chumphae's dashboard shown to the public. Deterministic (a fixed seed); a
reload only backfills the months that are missing."""

import random
from decimal import Decimal

from muang.core.access import SYSTEM
from muang.core.models import LOCAL_GOVERNMENT_KINDS, Organization
from muang.core.thai_dates import buddhist_era, fiscal_year
from muang.kpi import periods, services
from muang.kpi.models import Indicator, Snapshot, Source

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
        # Loaded before: only the months that are missing (the demo reloaded a month or more later).
        return services.backfill(months=MONTHS, organizations=organizations)["rows"]
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
