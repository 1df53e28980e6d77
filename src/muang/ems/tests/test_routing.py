"""Nearest unit by road (pgRouting) against the straight line."""

import pytest
from django.db import connection

from muang.core.access import SYSTEM
from muang.ems import routing
from muang.ems.models import RoadEdge, RoadVertex, Unit
from muang.ems.services.roads import road_grid_generate
from muang.ems.tests.conftest import CHUMPHAE, make_unit

pytestmark = pytest.mark.django_db


def _network(org, edges, vertices):
    for vid, (lon, lat) in vertices.items():
        RoadVertex.objects.create(organization=org, vertex_id=vid, geom=f"SRID=4326;POINT({lon} {lat})")
    for s, t, cost in edges:
        (x1, y1), (x2, y2) = vertices[s], vertices[t]
        RoadEdge.objects.create(
            organization=org,
            source=s,
            target=t,
            cost=cost,
            reverse_cost=cost,
            geom=f"SRID=4326;LINESTRING({x1} {y1},{x2} {y2})",
        )


def test_pgrouting_is_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'pgrouting'")
        assert cursor.fetchone()[0]


def test_the_unit_across_the_river_is_nearer_by_crow_but_slower_by_road(org):
    # The incident (1) and unit "near" (2) face each other across a river; the bridge is far north (3, 4).
    # Unit "far" (5) is further away but on the incident's bank.
    v = {
        1: (102.100, 16.540),
        2: (102.104, 16.540),
        3: (102.100, 16.560),
        4: (102.104, 16.560),
        5: (102.100, 16.530),
    }
    _network(org, [(1, 3, 300), (3, 4, 60), (4, 2, 300), (1, 5, 120)], v)
    near = make_unit(org, "NEAR", 16.540, 102.104)
    far = make_unit(org, "FAR", 16.530, 102.100)
    straight = routing.rank_straight_line(org, lon=102.100, lat=16.540)
    assert [r.unit for r in straight] == [near, far] and not straight[0].by_road
    ranked = routing.rank_by_road(org, lon=102.100, lat=16.540)
    assert [r.unit for r in ranked] == [far, near]
    assert all(r.by_road for r in ranked)
    assert ranked[0].seconds == pytest.approx(120, abs=1)
    assert ranked[1].seconds == pytest.approx(660, abs=1)


def test_busy_units_are_not_ranked_and_without_a_network_the_estimate_says_so(org):
    a = make_unit(org, "A", 16.541, 102.101)
    b = make_unit(org, "B", 16.55, 102.11)
    Unit.objects.filter(pk=a.pk).update(status=Unit.Status.ON_MISSION)
    ranked = routing.rank_by_road(org, lon=CHUMPHAE[1], lat=CHUMPHAE[0])
    assert [r.unit for r in ranked] == [b]
    assert not ranked[0].by_road and ranked[0].seconds == pytest.approx(
        routing.straight_line_seconds(ranked[0].metres)
    )


def test_the_generated_grid_is_deterministic_and_routes(org):
    count = road_grid_generate(actor=SYSTEM, organization=org, lat=CHUMPHAE[0], lon=CHUMPHAE[1], size=12)
    first = list(
        RoadEdge.objects.filter(organization=org).order_by("source", "target").values_list("cost", flat=True)
    )
    assert count == len(first) > 200
    road_grid_generate(actor=SYSTEM, organization=org, lat=CHUMPHAE[0], lon=CHUMPHAE[1], size=12)
    again = list(
        RoadEdge.objects.filter(organization=org).order_by("source", "target").values_list("cost", flat=True)
    )
    assert first == again
    make_unit(org, "A", 16.545, 102.105)
    make_unit(org, "B", 16.535, 102.095)
    ranked = routing.rank_by_road(org, lon=CHUMPHAE[1], lat=CHUMPHAE[0])
    assert len(ranked) == 2 and all(r.by_road and r.seconds and r.seconds > 0 for r in ranked)
    assert ranked[0].seconds <= ranked[1].seconds
