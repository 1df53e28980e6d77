"""factory_boy factories and small helpers for the property domain (parcels inside their organisation)."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from muang.core.access import Actor
from muang.core.tests.factories import OrganizationFactory, member
from muang.core.thai_id import national_id_check_digit
from muang.property.assessment.services import ruledata
from muang.property.models import Building, Owner, Parcel, Signboard
from muang.taxlaw import units


def national_id(n: int, first: str = "1") -> str:
    """A valid 13-digit national ID (check digit computed), distinct for each n."""
    first12 = f"{first}{n:011d}"
    return first12 + national_id_check_digit(first12)


def juristic_tax_id(n: int) -> str:
    return national_id(n, first="0")


def wrong_check_digit(valid: str) -> str:
    return valid[:12] + str((int(valid[12]) + 1) % 10)


def square(center: Point, size_deg: float = 0.0002) -> MultiPolygon:
    """A small square parcel (about 22 m a side) centred on `center`."""
    x, y, h = center.x, center.y, size_deg / 2
    return MultiPolygon(Polygon.from_bbox((x - h, y - h, x + h, y + h)), srid=4326)


def inside(organization, n: int = 0) -> Point:
    """The n-th point of a grid around the organisation's centre, well inside its ~1.2 km boundary."""
    c = organization.boundary.centroid
    row, col = divmod(n, 20)
    return Point(c.x + (col - 10) * 0.0004, c.y + (row - 10) * 0.0004, srid=4326)


def bow_tie(organization) -> Polygon:
    """A self-intersecting polygon inside the organisation."""
    c = inside(organization)
    d = 0.0002
    return Polygon(
        ((c.x - d, c.y - d), (c.x + d, c.y + d), (c.x + d, c.y - d), (c.x - d, c.y + d), (c.x - d, c.y - d)),
        srid=4326,
    )


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner

    organization = factory.SubFactory(OrganizationFactory)
    kind = Owner.Kind.INDIVIDUAL
    national_id = factory.Sequence(lambda n: national_id(10_000 + n))
    title = "นาย"
    name = factory.Sequence(lambda n: f"สมชาย{n}")
    last_name = "ใจดี"


class ParcelFactory(factory.django.DjangoModelFactory):
    """A residential parcel of 1-0-0 (400 square wah) with a small square geometry inside the organisation."""

    class Meta:
        model = Parcel

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"{1 + n // 26000 % 99:02d}{chr(65 + n // 1000 % 26)}{n % 1000:03d}")
    use = "residential"
    share_residential = Decimal(100)
    area_rai = 1
    area_ngan = 0
    area_wah = Decimal(0)
    area_square_wah = factory.LazyAttribute(
        lambda p: units.to_square_wah(p.area_rai, p.area_ngan, p.area_wah)
    )
    area_square_metres = factory.LazyAttribute(lambda p: p.area_square_wah * 4)
    geometry = factory.LazyAttributeSequence(lambda p, n: square(inside(p.organization, n % 400)))
    location = factory.LazyAttribute(lambda p: p.geometry.point_on_surface if p.geometry else None)
    survey_status = Parcel.SurveyStatus.SURVEYED
    deed_number = factory.Sequence(lambda n: str(5000 + n))


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    parcel = factory.SubFactory(ParcelFactory)
    organization = factory.LazyAttribute(lambda b: b.parcel.organization)
    number = factory.Sequence(lambda n: n % 999 + 1)
    type_code = "100"
    construction = "masonry"
    floor_area_m2 = Decimal("120.00")
    year_built = 2010
    storeys = 2
    use = "residential"
    share_residential = Decimal(100)


class SignboardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signboard

    owner = factory.SubFactory(OwnerFactory)
    organization = factory.LazyAttribute(lambda s: s.owner.organization)
    sign_type = 2
    width_cm = Decimal("200.0")
    height_cm = Decimal("100.0")
    area_cm2 = factory.LazyAttribute(lambda s: s.width_cm * s.height_cm)
    installed_on = factory.Faker("date_between", start_date="-5y", end_date="-1y")


def tax_year_fields(year: int) -> dict:
    return ruledata.seed_fields(year)


def actor_for(organization, role: str = "system_admin") -> Actor:
    """A staff actor with one membership in `organization` (system admin unless told)."""
    return Actor(user=member(organization, role))


def commercial_registry(org, tax_year, n: int) -> list:
    """`n` owners, each with one parcel of other (commercial) use priced 10,000 × i baht per square wah in
    `tax_year`, owned since 2020: a registry whose taxes differ per owner."""
    from muang.property.models import LandPrice, Ownership

    owners = [OwnerFactory(organization=org) for _ in range(n)]
    for i, owner in enumerate(owners):
        parcel = ParcelFactory(organization=org, use="other", share_residential=0, share_other=100)
        LandPrice.objects.create(
            organization=org,
            tax_year=tax_year,
            key=parcel.code,
            price_per_square_wah=Decimal(10_000 * (i + 1)),
        )
        Ownership.objects.create(organization=org, owner=owner, parcel=parcel, valid_from=dt.date(2020, 1, 1))
    return owners
