"""The road network an organisation routes over: the demo generator and the osm2pgrouting import."""

import math
import random

from django.db import connection, transaction

from muang.core.access import Actor, require
from muang.core.bulk import copy_text, escape
from muang.core.geo import SRID
from muang.core.models import Organization
from muang.ems.models import RoadEdge, RoadVertex
from muang.ems.permissions import EmsPerm

METRES_PER_DEGREE_LAT = 111_320.0
NULL = "\\N"  # COPY's text format
# Speeds of the generated roads (km/h): a highway through the grid, main roads every fifth line, lanes between.
HIGHWAY_KMH, MAIN_KMH, LANE_KMH = 80.0, 50.0, 30.0


def _replace_network(
    organization: Organization, edges: list[tuple], vertices: dict[int, tuple[float, float]]
):
    """Replace the organisation's network with `edges` (source, target, cost, reverse_cost, length, name,
    osm_id, WKT) and `vertices` (id -> lon, lat), by COPY, in the caller's transaction."""
    RoadEdge.objects.filter(organization=organization).delete()
    RoadVertex.objects.filter(organization=organization).delete()
    org = organization.pk
    with connection.cursor() as cursor:
        copy_text(
            cursor,
            f"COPY {RoadVertex._meta.db_table} (organization_id, vertex_id, geom) FROM STDIN",
            (
                f"{org}\t{vid}\tSRID={SRID};POINT({lon:.7f} {lat:.7f})\n"
                for vid, (lon, lat) in vertices.items()
            ),
        )
        copy_text(
            cursor,
            f"COPY {RoadEdge._meta.db_table} "
            "(organization_id, source, target, cost, reverse_cost, length_m, name, osm_id, geom) FROM STDIN",
            (
                f"{org}\t{s}\t{t}\t{c:.3f}\t{rc:.3f}\t{length:.1f}\t{escape(name)}\t{NULL if osm is None else osm}"
                f"\tSRID={SRID};{wkt}\n"
                for s, t, c, rc, length, name, osm, wkt in edges
            ),
        )
        cursor.execute(f"ANALYZE {RoadEdge._meta.db_table}")
        cursor.execute(f"ANALYZE {RoadVertex._meta.db_table}")


def road_grid_generate(
    *,
    actor: Actor,
    organization: Organization,
    lat: float,
    lon: float,
    size: int = 40,
    spacing_m: float = 150.0,
    seed: int = 13,
) -> int:
    """A plausible road network around (lat, lon): a `size` × `size` grid of junctions `spacing_m` apart,
    jittered, a few segments missing (fields, a canal), lanes at 30 km/h, a main road every fifth line at 50 and
    a highway through the middle at 80; some lanes one-way. Deterministic for a seed. Replaces the organisation's
    network; returns the number of edges."""
    require(actor, organization, EmsPerm.EMS_MANAGE)
    rng = random.Random(seed)  # noqa: S311 (a deterministic demo network, not a secret)
    dlat = spacing_m / METRES_PER_DEGREE_LAT
    dlon = spacing_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    half = (size - 1) / 2
    vertices: dict[int, tuple[float, float]] = {}
    for row in range(size):
        for col in range(size):
            jitter_lat = rng.uniform(-0.15, 0.15) * dlat
            jitter_lon = rng.uniform(-0.15, 0.15) * dlon
            vertices[row * size + col + 1] = (
                lon + (col - half) * dlon + jitter_lon,
                lat + (row - half) * dlat + jitter_lat,
            )
    middle = size // 2
    edges = []
    for row in range(size):
        for col in range(size):
            here = row * size + col + 1
            for drow, dcol in ((0, 1), (1, 0)):
                r2, c2 = row + drow, col + dcol
                if r2 >= size or c2 >= size:
                    continue
                line = row if drow == 0 else col  # the grid line this segment lies on
                if line == middle:
                    kmh, name = HIGHWAY_KMH, "ทางหลวง 12"
                elif line % 5 == 0:
                    kmh, name = MAIN_KMH, f"ถนนสายหลัก {line // 5 + 1}"
                else:
                    kmh, name = LANE_KMH, f"ซอย {line}"
                    if rng.random() < 0.06:  # a missing lane: fields, a canal
                        continue
                there = r2 * size + c2 + 1
                (x1, y1), (x2, y2) = vertices[here], vertices[there]
                length = math.hypot(
                    (x2 - x1) * METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)),
                    (y2 - y1) * METRES_PER_DEGREE_LAT,
                )
                seconds = length / (kmh / 3.6)
                reverse = -1.0 if kmh == LANE_KMH and rng.random() < 0.05 else seconds
                wkt = f"LINESTRING({x1:.7f} {y1:.7f},{x2:.7f} {y2:.7f})"
                edges.append((here, there, seconds, reverse, length, name, None, wkt))
    with transaction.atomic():
        _replace_network(organization, edges, vertices)
    return len(edges)


def road_network_import_osm2pgrouting(
    *,
    actor: Actor,
    organization: Organization,
    ways_table: str = "ways",
    vertices_table: str = "ways_vertices_pgr",
) -> int:
    """Copy an osm2pgrouting import (its `ways` and `ways_vertices_pgr` tables, loaded into this database by
    `osm2pgrouting --dbname … --schema …`) into the organisation's network, keeping the edges whose geometry
    touches the organisation's boundary (all of them when it has none). osm2pgrouting's `cost_s` and
    `reverse_cost_s` are seconds already (negative for one-way). Replaces the network; returns the edges."""
    require(actor, organization, EmsPerm.EMS_MANAGE)
    for name in (ways_table, vertices_table):
        if not all(part.isidentifier() for part in name.split(".")):
            raise ValueError(f"not a table name: {name!r}")
    org = int(organization.pk)
    inside = (
        "ST_Intersects(w.the_geom, (SELECT boundary FROM core_organization WHERE id = %(org)s))"
        if organization.boundary
        else "TRUE"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        RoadEdge.objects.filter(organization=organization).delete()
        RoadVertex.objects.filter(organization=organization).delete()
        cursor.execute(
            f"""
            INSERT INTO {RoadEdge._meta.db_table}
                (organization_id, source, target, cost, reverse_cost, length_m, name, osm_id, geom)
            SELECT %(org)s, w.source, w.target, w.cost_s, w.reverse_cost_s, COALESCE(w.length_m, 0),
                   COALESCE(w.name, ''), w.osm_id, ST_Force2D(w.the_geom)
            FROM {ways_table} w WHERE {inside}
            """,  # noqa: S608 (table names from models or checked; values are parameters)
            {"org": org},
        )
        count = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {RoadVertex._meta.db_table} (organization_id, vertex_id, geom)
            SELECT %(org)s, v.id, ST_Force2D(v.the_geom) FROM {vertices_table} v
            WHERE v.id IN (SELECT source FROM {RoadEdge._meta.db_table} WHERE organization_id = %(org)s
                           UNION SELECT target FROM {RoadEdge._meta.db_table} WHERE organization_id = %(org)s)
            """,  # noqa: S608 (table names from models or checked; values are parameters)
            {"org": org},
        )
    return count
