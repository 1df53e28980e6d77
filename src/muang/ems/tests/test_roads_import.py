"""`manage.py ems_roads`: an osm2pgrouting import (its `ways` and `ways_vertices_pgr` tables, as osm2pgrouting 2.3
writes them) copied into an organisation's network, and the grid generator."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from muang.ems import routing
from muang.ems.models import RoadEdge, RoadVertex
from muang.ems.tests.conftest import make_unit

pytestmark = pytest.mark.django_db


def _osm2pgrouting_schema():
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA osmtest")
        cursor.execute(
            "CREATE TABLE osmtest.ways (gid bigserial PRIMARY KEY, osm_id bigint, name text, length_m float8,"
            " source bigint, target bigint, cost_s float8, reverse_cost_s float8,"
            " the_geom geometry(LineString, 4326))"
        )
        cursor.execute(
            "CREATE TABLE osmtest.ways_vertices_pgr (id bigserial PRIMARY KEY, the_geom geometry(Point, 4326))"
        )
        points = {1: (102.100, 16.540), 2: (102.102, 16.540), 3: (102.104, 16.540)}
        for vid, (x, y) in points.items():
            cursor.execute(
                "INSERT INTO osmtest.ways_vertices_pgr (id, the_geom) VALUES (%s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
                [vid, x, y],
            )
        for osm_id, (s, t, cost, reverse) in enumerate([(1, 2, 30, 30), (2, 3, 30, -1)], start=100):
            (x1, y1), (x2, y2) = points[s], points[t]
            cursor.execute(
                "INSERT INTO osmtest.ways (osm_id, name, length_m, source, target, cost_s, reverse_cost_s, the_geom)"
                " VALUES (%s, 'ถนนมะลิวัลย์', 215, %s, %s, %s, %s,"
                " ST_SetSRID(ST_MakeLine(ST_MakePoint(%s, %s), ST_MakePoint(%s, %s)), 4326))",
                [osm_id, s, t, cost, reverse, x1, y1, x2, y2],
            )


def test_an_osm2pgrouting_import_becomes_the_network_one_ways_kept(org):
    _osm2pgrouting_schema()
    call_command("ems_roads", org.slug, "--import-schema", "osmtest")
    assert RoadEdge.objects.filter(organization=org).count() == 2
    assert RoadVertex.objects.filter(organization=org).count() == 3
    assert RoadEdge.objects.get(organization=org, osm_id=101).reverse_cost == -1
    # Unit at vertex 3 cannot drive back against the one-way 2 -> 3; the unit at vertex 1 can come 1 -> 2 -> 3.
    west = make_unit(org, "WEST", 16.540, 102.100)
    east = make_unit(org, "EAST", 16.540, 102.104)
    ranked = {r.unit: r for r in routing.rank_by_road(org, lon=102.104, lat=16.540)}
    assert ranked[west].seconds == pytest.approx(60, abs=1)
    assert ranked[east].seconds == pytest.approx(0, abs=1)
    ranked = routing.rank_by_road(org, lon=102.100, lat=16.540)
    assert [r.unit for r in ranked] == [west, east] and ranked[1].seconds is None  # east cannot get there


def test_the_command_refuses_unclear_arguments(org):
    with pytest.raises(CommandError):
        call_command("ems_roads", org.slug)
    with pytest.raises(CommandError):
        call_command("ems_roads", "nowhere", "--grid", "5")
    with pytest.raises(CommandError):
        call_command("ems_roads", org.slug, "--import-schema", "osm; DROP TABLE x")
    call_command("ems_roads", org.slug, "--grid", "6")
    assert RoadEdge.objects.filter(organization=org).count() > 40
