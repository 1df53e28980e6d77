"""The authorisation matrix for every Open311 endpoint: reads are public to every caller; only the
jurisdiction's own token (with `reports:submit`) may POST. Refusals are Open311 error arrays, nothing is written."""

import pytest
from django.contrib.gis.geos import Point

from muang.cases.models import Case
from muang.cases.services.setup import seed_statuses
from muang.cases.tests.factories import CaseCategoryFactory, submit_case
from muang.testing.authz import PRINCIPALS, UNAUTHENTICATED, build_world

from .test_open311_support import BASE

pytestmark = pytest.mark.django_db

READS = [
    "discovery.{fmt}",
    "services.{fmt}?jurisdiction_id={slug}",
    "services/streetlight.{fmt}?jurisdiction_id={slug}",
    "requests.{fmt}?jurisdiction_id={slug}",
    "requests/{code}.{fmt}?jurisdiction_id={slug}",
    "tokens/{code}.{fmt}?jurisdiction_id={slug}",
]
POST_ALLOWED = {"token"}


@pytest.fixture
def world(areas):
    world = build_world()
    seed_statuses(world.org)
    world.category = CaseCategoryFactory(organization=world.org, code="streetlight")
    point = world.org.boundary.point_on_surface
    world.point = point
    world.case = submit_case(world.category, location=Point(point.x, point.y, srid=4326))
    return world


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_reads_are_public_to_every_caller(world, principal, path, fmt):
    client = world.client_for(principal)
    url = f"{BASE}/" + path.format(fmt=fmt, slug=world.org.slug, code=world.case.tracking_code)
    key = world.tokens.get(principal)
    response = client.get(url + ("&" if "?" in url else "?") + f"api_key={key}" if key else url)
    assert response.status_code == 200, (principal, response.content[:300])


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_post_only_with_the_jurisdictions_own_key(world, principal):
    client = world.client_for(principal)
    data = {
        "jurisdiction_id": world.org.slug,
        "service_code": "streetlight",
        "lat": str(world.point.y),
        "long": str(world.point.x),
        "description": "ไฟดับ",
    }
    if principal in world.tokens:
        data["api_key"] = world.tokens[principal]
    before = Case.objects.count()
    response = client.post(f"{BASE}/requests.json", data=data)
    if principal in POST_ALLOWED:
        assert response.status_code == 201, response.content
        assert Case.objects.count() == before + 1
        return
    # Sessions count for nothing here: a signed-in staff member without api_key is unauthenticated.
    expected = 401 if principal in UNAUTHENTICATED or principal not in world.tokens else 403
    assert response.status_code == expected, (principal, response.content)
    assert response.json() == [{"code": expected, "description": response.json()[0]["description"]}]
    assert Case.objects.count() == before
