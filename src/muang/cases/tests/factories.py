"""factory_boy factories and helpers for the case engine, on top of core's factories."""

import datetime as dt

import factory
from django.contrib.gis.geos import Point

from muang.cases.models import Case, CaseCategory, Channel, Holiday
from muang.cases.services import case_submit
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory
from muang.core.thai_dates import BANGKOK

# Inside the default factory boundary area (Chum Phae, Khon Kaen).
CHUMPHAE = Point(102.0988, 16.5447, srid=4326)


def bkk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware Asia/Bangkok datetime: tests never read the wall clock."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


class CaseCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseCategory

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"cat{n}")
    name_th = factory.Sequence(lambda n: f"หมวดทดสอบ{n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")
    default_department = factory.LazyAttribute(lambda c: DepartmentFactory(organization=c.organization))
    sla_hours = 8
    reopen_window_days = 7


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    organization = factory.SubFactory(OrganizationFactory)
    date = dt.date(2026, 12, 7)
    name_th = "วันหยุดชดเชย"
    name_en = "Substitution day"


def submit_case(
    category: CaseCategory, *, now: dt.datetime | None = None, location: Point | None = CHUMPHAE, **kwargs
) -> Case:
    """A citizen's web report in `category`'s organisation, through the real intake service."""
    kwargs.setdefault("description", "ไฟถนนดับหน้าบ้านครับ")
    case, _created = case_submit(
        organization=category.organization,
        category=category,
        channel=Channel.WEB,
        location=location,
        now=now,
        **kwargs,
    )
    return case
