"""A lit town (the lighting tests' town with street-light poles, the cases tests' departments and staff) and a
case reported in it, and a helper that publishes a dataset as its executive."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from muang.cases.services import case_submit
from muang.cases.tests.conftest import make_town
from muang.core.geo import SRID
from muang.lighting.tests.helpers import lit_town, pole

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)  # 10:00 in Bangkok


@pytest.fixture(autouse=True)
def _fast_password_hashes(request, settings):
    if request.node.get_closest_marker("browser") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lit(areas):
    lt = lit_town()
    for i in range(3):
        pole(lt, i, controller=False)
    return lt


@pytest.fixture
def other_town(areas):
    return make_town()


@pytest.fixture
def public_url(settings):
    settings.MUANG_PUBLIC_URL = "https://muang.example"
    return "https://muang.example"


def publish(lt, code: str = "lighting.streetlights", **kwargs):
    from muang.opendata.services import dataset_publish

    return dataset_publish(actor=lt.town.executive, organization=lt.org, code=code, now=NOW, **kwargs)


def a_case(lt, *, description: str = "ไฟดับหน้าบ้าน", **kwargs):
    kwargs.setdefault("now", NOW)
    origin = lt.org.boundary.point_on_surface
    return case_submit(
        organization=lt.org,
        category=lt.town.category,
        channel="web",
        description=description,
        location=Point(origin.x, origin.y, srid=SRID),
        **kwargs,
    )[0]
