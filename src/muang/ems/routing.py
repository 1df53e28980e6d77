"""Nearest unit by road: available units ranked by driving time over the organisation's road network
(pgRouting's Dijkstra), or, without a network, by a straight-line estimate that says it is one.

One Dijkstra, not one per unit: the edges are read reversed (source and target swapped, each cost kept with its
direction of travel: `cost` now runs target -> source), so the cost from the incident's vertex to every unit's
vertex on the reversed graph is each unit's cost to the incident on the real one (`pgr_dijkstraCost`
one-to-many); one-way streets count the right way round (tests/test_roads_import.py). Units and the incident are snapped to their nearest
vertex (a KNN index scan each); the snap distance is added at an off-road speed. The graph is limited to a box
around the incident and the units (plus a margin) so a province-wide network is not read for a village call.
"""

from dataclasses import dataclass

from django.db import connection

from muang.core.geo import envelope_sql, point_sql
from muang.core.models import Organization
from muang.ems.models import RoadEdge, RoadVertex, Unit

STRAIGHT_LINE_KMH = 40.0  # the straight-line estimate: a crow's-flight distance at this average speed
ROAD_FACTOR = 1.3  # roads are longer than the crow flies
SNAP_KMH = 15.0  # from a vertex to the exact place (a lane, a yard)
BOX_MARGIN_DEGREES = 0.03  # about 3 km around the incident and the units


@dataclass(frozen=True)
class Ranked:
    unit: Unit
    seconds: float | None  # None: not reachable over the network
    metres: float  # straight-line distance
    by_road: bool  # False: the straight-line estimate


def straight_line_seconds(metres: float) -> float:
    return metres * ROAD_FACTOR / (STRAIGHT_LINE_KMH / 3.6)


def has_network(organization: Organization) -> bool:
    return RoadEdge.objects.filter(organization=organization).exists()


def _units_with_distance(organization: Organization, lon: float, lat: float) -> list[tuple[Unit, float]]:
    units = list(
        Unit.objects.filter(organization=organization, status=Unit.Status.AVAILABLE).order_by("call_sign")
    )
    if not units:
        return []
    here = point_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, ST_Distance(COALESCE(location, base)::geography, {here}::geography) "  # noqa: S608
            "FROM ems_unit WHERE id = ANY(%s)",
            [lon, lat, [u.pk for u in units]],
        )
        metres = dict(cursor.fetchall())
    return [(u, float(metres[u.pk])) for u in units]


def rank_straight_line(organization: Organization, *, lon: float, lat: float) -> list[Ranked]:
    """Available units by crow's-flight distance, with an estimated time."""
    ranked = [
        Ranked(unit=u, seconds=straight_line_seconds(m), metres=m, by_road=False)
        for u, m in _units_with_distance(organization, lon, lat)
    ]
    return sorted(ranked, key=lambda r: (r.metres, r.unit.call_sign))


def rank_by_road(organization: Organization, *, lon: float, lat: float) -> list[Ranked]:
    """Available units by driving time over the road network; the straight-line estimate when the organisation
    has no network. Unreachable units come last with `seconds=None`."""
    if not has_network(organization):
        return rank_straight_line(organization, lon=lon, lat=lat)
    with_distance = _units_with_distance(organization, lon, lat)
    if not with_distance:
        return []
    ids = [u.pk for u, _m in with_distance]
    here = point_sql()
    vertices = RoadVertex._meta.db_table
    with connection.cursor() as cursor:
        # The incident's vertex, then each unit's, with the snap distances in metres.
        cursor.execute(
            f"""
            WITH target AS (
                SELECT v.vertex_id, ST_Distance(v.geom::geography, {here}::geography) AS snap
                FROM {vertices} v WHERE v.organization_id = %s
                ORDER BY v.geom <-> {here} LIMIT 1
            )
            SELECT 0, target.vertex_id, target.snap, NULL, NULL FROM target
            UNION ALL
            SELECT u.id, nv.vertex_id, ST_Distance(nv.geom::geography, COALESCE(u.location, u.base)::geography),
                   ST_X(COALESCE(u.location, u.base)), ST_Y(COALESCE(u.location, u.base))
            FROM ems_unit u CROSS JOIN LATERAL (
                SELECT v.vertex_id, v.geom FROM {vertices} v WHERE v.organization_id = %s
                ORDER BY v.geom <-> COALESCE(u.location, u.base) LIMIT 1
            ) nv
            WHERE u.id = ANY(%s)
            """,  # noqa: S608 (table names from models or checked; values are parameters)
            [lon, lat, organization.pk, lon, lat, organization.pk, ids],
        )
        rows = cursor.fetchall()
        target_vertex, target_snap = rows[0][1], float(rows[0][2])
        unit_vertex = {r[0]: (r[1], float(r[2])) for r in rows[1:]}
        lons = [lon] + [r[3] for r in rows[1:]]
        lats = [lat] + [r[4] for r in rows[1:]]
        box = (
            min(lons) - BOX_MARGIN_DEGREES,
            min(lats) - BOX_MARGIN_DEGREES,
            max(lons) + BOX_MARGIN_DEGREES,
            max(lats) + BOX_MARGIN_DEGREES,
        )
        # The edges' SQL is a text pgRouting runs itself: only integers and floats formatted in, never input text.
        edges_sql = (
            "SELECT id, target AS source, source AS target, cost, reverse_cost "  # noqa: S608
            f"FROM {RoadEdge._meta.db_table} WHERE organization_id = {int(organization.pk)} "
            "AND geom && " + envelope_sql(*(f"{v:.6f}" for v in box))
        )
        starts = sorted({v for v, _s in unit_vertex.values()})
        cursor.execute(
            "SELECT end_vid, agg_cost FROM pgr_dijkstraCost(%s, %s::bigint, %s::bigint[], directed => true)",
            [edges_sql, target_vertex, starts],
        )
        road = {int(v): float(c) for v, c in cursor.fetchall()}
    snap_speed = SNAP_KMH / 3.6
    ranked = []
    for unit, metres in with_distance:
        vertex, snap = unit_vertex[unit.pk]
        if vertex == target_vertex:
            seconds: float | None = (snap + target_snap) / snap_speed
        elif vertex in road:
            seconds = road[vertex] + (snap + target_snap) / snap_speed
        else:
            seconds = None
        ranked.append(Ranked(unit=unit, seconds=seconds, metres=metres, by_road=True))
    return sorted(ranked, key=lambda r: (r.seconds is None, r.seconds or 0, r.unit.call_sign))
