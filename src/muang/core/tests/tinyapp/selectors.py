import datetime as dt
from decimal import Decimal

from muang.core.access import Actor, require
from muang.core.models import Department, Organization
from muang.core.tests.tinyapp.permissions import GlancePerm


def glance(*, actor: Actor, organization: Organization) -> dict:
    require(actor, organization, GlancePerm.GLANCE_VIEW)
    return {"organization": organization.slug, "departments": departments_of(organization)}


def departments_of(organization: Organization) -> int:
    return Department.objects.filter(organization=organization, is_active=True).count()


def departments(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """KPI source: active departments (the period does not matter for this one)."""
    return Decimal(departments_of(organization))


LOADED: list[str] = []


def load_demo() -> int:
    LOADED.append("glance")
    return 0  # nothing to create: "already loaded"
