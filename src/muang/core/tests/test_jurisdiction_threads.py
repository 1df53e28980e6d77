"""The routed areas are one list of GEOS boundaries per process, read by every gunicorn thread at once.

Django's GEOS calls use a context handle per thread, and a plain (not prepared) geometry is only read by
`intersects`, so sharing the boundaries is safe; this test holds that to account with detailed boundaries
and eight threads routing the same points as one thread does (the statement cache of `lock_case` was not
thread-safe and failed only under gunicorn's threads).
"""

import math
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from muang.core import jurisdiction
from muang.core.models import OrganizationKind
from muang.core.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def ragged_disc(lon: float, lat: float, radius: float, vertices: int, rng: random.Random) -> MultiPolygon:
    ring = [
        (
            lon + radius * (0.8 + 0.2 * rng.random()) * math.cos(2 * math.pi * i / vertices),
            lat + radius * (0.8 + 0.2 * rng.random()) * math.sin(2 * math.pi * i / vertices),
        )
        for i in range(vertices)
    ]
    return MultiPolygon(Polygon([*ring, ring[0]]), srid=4326)


def test_threads_route_points_as_one_thread_does(areas, monkeypatch):
    rng = random.Random(11)
    OrganizationFactory(
        kind=OrganizationKind.PAO,
        district_id=None,
        subdistrict_id=None,
        boundary=ragged_disc(102.0, 16.5, 0.6, 800, rng),
    )
    for i in range(6):
        OrganizationFactory(boundary=ragged_disc(101.7 + 0.12 * i, 16.5, 0.05, 400, rng))
    loaded = jurisdiction._load_areas()
    monkeypatch.setattr(jurisdiction._areas, "get", lambda _key, _load: loaded)
    points = [Point(101.4 + 1.2 * rng.random(), 15.9 + 1.2 * rng.random(), srid=4326) for _ in range(300)]

    def route(chunk):
        return [getattr(jurisdiction._covering(p), "pk", None) for p in chunk]

    expected = route(points)
    assert len(set(expected)) >= 5  # the points fall in several areas, the PAO and outside

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(route, [points] * 8))
    assert all(result == expected for result in results)
