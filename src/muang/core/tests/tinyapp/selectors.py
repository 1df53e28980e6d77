import datetime as dt
from decimal import Decimal

from muang.core.access import Actor, require
from muang.core.contract import DatasetColumn, OpenDataset
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


# An open dataset: the organisation's active departments (what the `opendata` app publishes when chosen).
DEPARTMENTS = OpenDataset(
    code="glance.departments",
    title="Departments",
    description="The organisation's active departments.",
    from_sql="core_department d",
    tenant_sql="d.organization_id = %(org)s AND d.is_active",
    order_sql="d.code",
    columns=(DatasetColumn("code", "d.code", "code"), DatasetColumn("department", "d.name_th", "department")),
    data_type="record",
    frequency="monthly",
)
