"""The demo organisations' holiday calendars: the Thai public holidays of B.E. 2569 and 2570
(`cases/data/thai_public_holidays.json`, data, not code), through the service (audited), once: a day an
organisation already has is left as it is, so loading again adds nothing. Every working-day count reads them:
the cases' service levels, the e-services' time limits (ADR 0018)."""

import datetime as dt
import json
from pathlib import Path

from muang.cases.models import Holiday
from muang.cases.services import case_holiday_create
from muang.core.access import SYSTEM
from muang.core.demo import DEMO_ORGS
from muang.core.models import Organization

HOLIDAYS_FILE = Path(__file__).parent / "data" / "thai_public_holidays.json"


def thai_public_holidays() -> list[tuple[dt.date, str, str]]:
    """(date, Thai name, English name) of every public holiday in the file, in date order."""
    rows = json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))["holidays"]
    return sorted((dt.date.fromisoformat(r["date"]), r["name_th"], r["name_en"]) for r in rows)


def load_demo_holidays() -> int:
    holidays = thai_public_holidays()
    made = 0
    for organization in Organization.objects.filter(slug__in=[d.slug for d in DEMO_ORGS]).order_by("pk"):
        known = set(Holiday.objects.filter(organization=organization).values_list("date", flat=True))
        for date, name_th, name_en in holidays:
            if date not in known:
                case_holiday_create(
                    actor=SYSTEM, organization=organization, date=date, name_th=name_th, name_en=name_en
                )
                made += 1
    return made
