"""A small town with one of everything, for the fuzz tests of the API (schemathesis) and the HTML pages.

The fuzzers reach real rows through `FuzzTown.known`: the identifiers that path parameters (and URL patterns)
name, so that hostile input reaches the code behind "not found" too. Every value is fixed: the runs are
deterministic (the fuzzers take a fixed seed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.gis.geos import Point

from muang.core import registry
from muang.core.access import SYSTEM, Actor
from muang.core.geo import SRID
from muang.core.models import Organization, Role, User
from muang.core.services import api_token_create

YEAR = 2026  # the town's tax year (C.E.)
MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@dataclass
class FuzzTown:
    org: Organization
    admin: User  # the organisation's system administrator: every permission
    token: str  # an API token of the organisation with every scope
    known: dict[str, str] = field(default_factory=dict)  # identifier name -> a real value


def build_fuzz_town() -> FuzzTown:
    from muang.billing.services.payments import payment_record
    from muang.billing.tests.factories import billing_organization, issue
    from muang.cases.services.setup import seed_statuses
    from muang.cases.tests.factories import CHUMPHAE, CaseCategoryFactory, submit_case
    from muang.core.tests.factories import member
    from muang.property.models import TaxYear
    from muang.property.registry.services import owners
    from muang.property.tests.factories import (
        BuildingFactory,
        OwnerFactory,
        ParcelFactory,
        SignboardFactory,
        tax_year_fields,
    )

    org = billing_organization()
    seed_statuses(org)
    department = org.departments.get(code="revenue")
    category = CaseCategoryFactory(organization=org, code="streetlight", default_department=department)
    # A report that lies inside the organisation (the factory boundaries are small squares near Chum Phae).
    centre = org.boundary.point_on_surface
    case = submit_case(
        category, now=MONDAY_9, location=Point(centre.x, centre.y, srid=SRID) if centre else CHUMPHAE
    )
    admin = member(org, Role.SYSTEM_ADMIN)
    actor = Actor(user=admin)
    token, secret = api_token_create(
        actor=SYSTEM,
        organization=org,
        name="fuzz",
        scopes=[code for code, _label in registry.scope_choices()],
    )
    owner = OwnerFactory(organization=org)
    parcel = ParcelFactory(organization=org)
    building = BuildingFactory(parcel=parcel)
    sign = SignboardFactory(owner=owner, installed_on=dt.date(2024, 1, 15))
    ownership = owners.ownership_add(
        actor=actor, organization=org, owner=owner, parcel=parcel, valid_from=dt.date(2020, 1, 1)
    )
    TaxYear.objects.create(organization=org, year=YEAR, **tax_year_fields(YEAR))
    bill = issue(org, "1000.00", year=YEAR, due_date=dt.date(2026, 4, 30), issued_on=dt.date(2026, 2, 15))
    payment = payment_record(
        actor=actor, bill=bill, amount=Decimal("100.00"), channel="cash", paid_on=dt.date(2026, 3, 1)
    )
    known = {
        "slug": org.slug,
        "case": case.tracking_code,
        "parcel": parcel.code,
        "department": department.code,
        "area": "40",
        "number": bill.number,
        "receipt": payment.receipt.number,
        "year": str(YEAR),
        "owner_id": str(owner.pk),
        "building_id": str(building.pk),
        "signboard_id": str(sign.pk),
        "ownership_id": str(ownership.pk),
        "token_id": str(token.pk),
        "category": category.code,
    }
    return FuzzTown(org=org, admin=admin, token=secret, known=known)
