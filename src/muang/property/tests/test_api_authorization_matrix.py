"""Every property endpoint × every kind of caller (see muang.testing.authz).

Reads need `property.view` (officers of a department holding the tax duty, executives; not overseers, not
staff of other departments); registry writes `property.edit` (the tax department's head and system
administrators); tax-year tables `valuation.edit` (system administrators). API tokens get none of these: no
token scope covers the registry's personal data yet, so even an all-scopes token is 403. The world's "officer"
works in the tax department; "nurse" and "engineering_head" work in departments without the tax duty.
"""

import datetime as dt
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from muang.core.models import AuditEntry, Duty, Role
from muang.core.tests.factories import member
from muang.property.assessment.services import valuation
from muang.property.registry.services import owners, registry
from muang.property.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    ParcelFactory,
    SignboardFactory,
    inside,
    national_id,
    square,
)
from muang.testing.authz import PRINCIPALS, assert_matrix_cell, build_world, give_duties

STAFF = frozenset({"officer", "privileged"})
EDITORS = frozenset({"privileged"})


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {org}, {parcel}, {building}, {unit}, {owner}, {ownership}, {registration}, {sign}
    allowed: frozenset[str]
    body: Callable[["Fixtures"], dict] | None = None
    files: Callable[["Fixtures"], dict] | None = None  # multipart form: fields and files
    audits: int = 0  # audit entries an allowed call writes


@dataclass
class Fixtures:
    world: object
    ids: dict = field(default_factory=dict)

    @property
    def org(self):
        return self.world.org


def _square_geojson(f: Fixtures, n: int) -> dict:
    return json.loads(square(inside(f.org, n)).geojson)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The Web Mercator (OSM) tile holding a point."""
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


ORG = "/api/v1/organizations/{org}"
ENDPOINTS = [
    # parcels
    Endpoint("GET", f"{ORG}/parcels", STAFF),
    Endpoint("GET", f"{ORG}/parcels?bbox={{bbox}}", STAFF),
    Endpoint("GET", f"{ORG}/parcels.geojson?bbox={{bbox}}", STAFF),
    Endpoint("GET", f"{ORG}/parcels/tiles/{{z}}/{{x}}/{{y}}.mvt", STAFF),
    Endpoint("GET", f"{ORG}/parcels/{{parcel}}", STAFF),
    Endpoint("GET", f"{ORG}/parcels/{{parcel}}/history", STAFF),
    Endpoint(
        "POST",
        f"{ORG}/parcels",
        EDITORS,
        lambda f: {"code": "01B001", "use": "residential", "geometry": _square_geojson(f, 30)},
        audits=1,
    ),
    Endpoint(
        "PATCH",
        f"{ORG}/parcels/{{parcel}}",
        EDITORS,
        lambda f: {"note": "seen", "reason": "survey"},
        audits=1,
    ),
    Endpoint(
        "POST",
        f"{ORG}/parcel-imports",
        EDITORS,
        files=lambda f: {
            "file": SimpleUploadedFile(
                "p.csv", f'code,use,wkt\n01C001,other,"{square(inside(f.org, 31)).wkt}"'.encode()
            ),
        },
    ),
    Endpoint("GET", f"{ORG}/registry.geojson", STAFF),
    Endpoint("GET", f"{ORG}/registry.xlsx", STAFF, audits=1),  # personal data leaving: audited
    # buildings and condominium units
    Endpoint("GET", f"{ORG}/buildings", STAFF),
    Endpoint(
        "POST",
        f"{ORG}/parcels/{{parcel}}/buildings",
        EDITORS,
        lambda f: {
            "type_code": "100",
            "construction": "wood",
            "floor_area_m2": "64",
            "year_built": 1990,
            "use": "residential",
        },
        audits=1,
    ),
    Endpoint(
        "PATCH",
        f"{ORG}/buildings/{{building}}",
        EDITORS,
        lambda f: {"storeys": 3, "reason": "survey"},
        audits=1,
    ),
    Endpoint("GET", f"{ORG}/condo-units", STAFF),
    Endpoint(
        "POST",
        f"{ORG}/condo-units",
        EDITORS,
        lambda f: {
            "condominium_code": "7/2560",
            "condominium_name": "ก",
            "unit_number": "2",
            "floor": 1,
            "area_m2": "30",
        },
        audits=1,
    ),
    Endpoint(
        "PATCH", f"{ORG}/condo-units/{{unit}}", EDITORS, lambda f: {"floor": 2, "reason": "survey"}, audits=1
    ),
    # owners, ownerships, house registrations
    Endpoint("GET", f"{ORG}/owners", STAFF),
    Endpoint("GET", f"{ORG}/owners/{{owner}}", STAFF),
    Endpoint("GET", f"{ORG}/owners/{{owner}}/ownerships", STAFF),
    Endpoint(
        "POST",
        f"{ORG}/owners",
        EDITORS,
        lambda f: {"name": "สมศรี", "national_id": national_id(999)},
        audits=1,
    ),
    Endpoint(
        "PATCH", f"{ORG}/owners/{{owner}}", EDITORS, lambda f: {"phone": "043", "reason": "called"}, audits=1
    ),
    Endpoint(
        "POST",
        f"{ORG}/ownerships",
        EDITORS,
        lambda f: {
            "owner_id": f.ids["owner2"],
            "parcel_code": "01A001",
            "valid_from": "2021-01-01",
            "share_numerator": 1,
            "share_denominator": 2,
        },
        audits=1,
    ),
    Endpoint(
        "POST",
        f"{ORG}/ownerships/{{ownership}}/end",
        EDITORS,
        lambda f: {"valid_to": "2025-06-01", "reason": "sold"},
        audits=1,
    ),
    Endpoint(
        "POST",
        f"{ORG}/house-registrations",
        EDITORS,
        lambda f: {
            "owner_id": f.ids["owner2"],
            "building_id": f.ids["building"],
            "registered_on": "2020-01-01",
        },
        audits=1,
    ),
    Endpoint(
        "POST",
        f"{ORG}/house-registrations/{{registration}}/end",
        EDITORS,
        lambda f: {"moved_out_on": "2025-02-01", "reason": "moved"},
        audits=1,
    ),
    # signboards
    Endpoint("GET", f"{ORG}/signboards", STAFF),
    Endpoint(
        "POST",
        f"{ORG}/signboards",
        EDITORS,
        lambda f: {
            "owner_id": f.ids["owner"],
            "sign_type": 2,
            "width_cm": "200",
            "height_cm": "100",
            "installed_on": "2024-05-02",
        },
        audits=1,
    ),
    Endpoint(
        "PATCH", f"{ORG}/signboards/{{sign}}", EDITORS, lambda f: {"moving": True, "reason": "LED"}, audits=1
    ),
    Endpoint(
        "POST",
        f"{ORG}/signboards/{{sign}}/photo",
        EDITORS,
        files=lambda f: {"photo": SimpleUploadedFile("s.jpg", _jpeg(), content_type="image/jpeg")},
        audits=1,
    ),
    # valuation tables
    Endpoint("GET", f"{ORG}/tax-years", STAFF),
    Endpoint("POST", f"{ORG}/tax-years", EDITORS, lambda f: {"year": 2026, "copy_from": 2025}, audits=1),
    Endpoint("GET", f"{ORG}/tax-years/2025", STAFF),
    Endpoint(
        "PATCH", f"{ORG}/tax-years/2025", EDITORS, lambda f: {"note": "ordinance", "reason": "x"}, audits=1
    ),
    Endpoint(
        "POST",
        f"{ORG}/tax-years/2025/imports",
        EDITORS,
        files=lambda f: {
            "file": SimpleUploadedFile("p.csv", b"key,price\n01,1200\n"),
            "table": "land_prices",
        },
    ),
    Endpoint("GET", f"{ORG}/tax-years/2025/land-prices", STAFF),
    Endpoint(
        "PUT",
        f"{ORG}/tax-years/2025/land-prices",
        EDITORS,
        lambda f: {"key": "01A", "price_per_square_wah": "4500"},
        audits=1,
    ),
    Endpoint("GET", f"{ORG}/tax-years/2025/building-prices", STAFF),
    Endpoint(
        "PUT",
        f"{ORG}/tax-years/2025/building-prices",
        EDITORS,
        lambda f: {"type_code": "100", "price_per_square_metre": "7800"},
        audits=1,
    ),
    Endpoint("GET", f"{ORG}/tax-years/2025/condo-prices", STAFF),
    Endpoint(
        "PUT",
        f"{ORG}/tax-years/2025/condo-prices",
        EDITORS,
        lambda f: {"condominium_code": "7/2560", "price_per_square_metre": "30000"},
        audits=1,
    ),
]


@pytest.fixture
def fixtures(areas):
    world = build_world()
    org = world.org
    give_duties(world, "officer", Duty.TAX)
    world.users["nurse"] = member(org, Role.OFFICER, duties=[Duty.PUBLIC_HEALTH])
    world.users["engineering_head"] = member(org, Role.DEPARTMENT_HEAD, duties=[Duty.ENGINEERING])
    f = Fixtures(world)
    parcel = ParcelFactory(organization=org, code="01A001", geometry=square(inside(org, 0)))
    building = BuildingFactory(parcel=parcel, number=1)
    owner, owner2 = OwnerFactory(organization=org), OwnerFactory(organization=org)
    ownership = owners.ownership_add(
        actor=_system(),
        organization=org,
        owner=owner,
        parcel=parcel,
        valid_from=dt.date(2020, 1, 1),
        share_numerator=1,
        share_denominator=2,
    )
    registration = owners.house_registration_add(
        actor=_system(), organization=org, owner=owner, building=building, registered_on=dt.date(2020, 1, 1)
    )
    unit = registry.condo_unit_create(
        actor=_system(),
        organization=org,
        condominium_code="7/2560",
        condominium_name="ก",
        unit_number="1",
        floor=1,
        area_m2=Decimal(30),
    )
    sign = SignboardFactory(owner=owner, parcel=parcel)
    valuation.tax_year_create(actor=_system(), organization=org, year=2025)
    c = org.boundary.centroid
    f.ids = {
        "org": org.slug,
        "parcel": parcel.code,
        "building": building.pk,
        "unit": unit.pk,
        "owner": owner.pk,
        "owner2": owner2.pk,
        "ownership": ownership.pk,
        "registration": registration.pk,
        "sign": sign.pk,
        "bbox": f"{c.x - 0.02},{c.y - 0.02},{c.x + 0.02},{c.y + 0.02}",
        **dict(zip("zxy", tile_of(c.x, c.y, 16), strict=True)),
    }
    return f


def _system():
    from muang.core.access import SYSTEM

    return SYSTEM


def call(f: Fixtures, principal: str, endpoint: Endpoint):
    path = endpoint.path.format(**f.ids)
    if endpoint.files is not None:
        client = f.world.client_for(principal)
        return client.post(path, data=endpoint.files(f), **f.world.headers_for(principal))
    body = endpoint.body(f) if endpoint.body else None
    return f.world.call(principal, endpoint.method, path, body)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("principal", [*PRINCIPALS, "nurse", "engineering_head"])
def test_endpoint_authorization(fixtures, endpoint: Endpoint, principal: str):
    before = AuditEntry.objects.count()
    response = call(fixtures, principal, endpoint)
    writes = endpoint.method != "GET"
    assert_matrix_cell(fixtures.world, principal, endpoint.allowed, response, writes=writes)
    if principal not in endpoint.allowed:
        assert AuditEntry.objects.count() == before, "a refused call must write nothing"
    else:
        assert AuditEntry.objects.count() == before + endpoint.audits, (
            "every registry write is in the history"
        )


def test_every_property_operation_is_in_the_matrix():
    from muang.property.registry.api import router

    operations = {
        (method, f"/api/v1{path}")
        for path, view in router.path_operations.items()
        for op in view.operations
        for method in op.methods
    }
    covered = {(e.method, e.path.split("?")[0].replace("{{", "{").replace("}}", "}")) for e in ENDPOINTS}
    normalised = set()
    for method, path in operations:
        for name in (
            "slug",
            "code",
            "building_id",
            "unit_id",
            "owner_id",
            "ownership_id",
            "registration_id",
            "signboard_id",
            "z",
            "x",
            "y",
        ):
            path = path.replace(f"{{{name}}}", "{}")
        normalised.add((method, path.replace("{year}", "2025")))
    covered_normalised = set()
    for method, path in covered:
        for name in (
            "org",
            "parcel",
            "building",
            "unit",
            "owner",
            "ownership",
            "registration",
            "sign",
            "z",
            "x",
            "y",
        ):
            path = path.replace(f"{{{name}}}", "{}")
        covered_normalised.add((method, path))
    assert normalised <= covered_normalised, normalised - covered_normalised
