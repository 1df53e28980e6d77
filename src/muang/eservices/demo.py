"""The seeded catalogue (eservices/data/catalogue.json) for every demo organisation (deterministic, once)."""

from muang.core.access import SYSTEM
from muang.core.demo import DEMO_ORGS
from muang.core.models import Organization
from muang.eservices.services import catalogue_entries, catalogue_load


def load_demo_catalogue() -> int:
    entries = catalogue_entries()
    made = 0
    for organization in Organization.objects.filter(slug__in=[d.slug for d in DEMO_ORGS]).order_by("pk"):
        made += catalogue_load(actor=SYSTEM, organization=organization, entries=entries)
    return made
