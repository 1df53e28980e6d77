"""Nearest-unit ranking by road (pgRouting, one reversed `pgr_dijkstraCost` one-to-many) over a generated road
network of about 50,000 edges with 20 available units spread over it, beside the straight-line ranking of the
same incidents in the same run (the baseline: what the board shows without a network). Target p95 ≤ 200 ms.

    .venv/bin/python bench/bench_ems_nearest.py [--quick] [--size 163] [--units 20] [--queries 60]
"""

import argparse
import random
import time

from support import BENCH_DB, load_average, p95, report, setup_django

DB = f"{BENCH_DB}_ems"
SLUG = "bench-ems"
CENTER = (16.54, 102.10)


def world(size: int, units: int):
    from django.contrib.gis.db.models import Extent

    from muang.core.access import SYSTEM
    from muang.core.models import Organization, OrganizationKind, Province
    from muang.ems.models import RoadEdge, Unit
    from muang.ems.services.roads import road_grid_generate
    from muang.ems.services.units import unit_create

    province, _ = Province.objects.get_or_create(
        code="40", defaults={"name_th": "ขอนแก่น", "name_en": "Khon Kaen"}
    )
    org, _ = Organization.objects.get_or_create(
        slug=SLUG,
        defaults={
            "kind": OrganizationKind.values[0],
            "name_th": "เทศบาลทดสอบ EMS",
            "name_en": "EMS bench town",
            "province": province,
        },
    )
    Unit.objects.filter(organization=org).delete()
    started = time.perf_counter()
    edges = road_grid_generate(actor=SYSTEM, organization=org, lat=CENTER[0], lon=CENTER[1], size=size)
    print(f"network: {edges} edges, {size}×{size} junctions, built in {time.perf_counter() - started:.1f} s")
    ext = RoadEdge.objects.filter(organization=org).aggregate(e=Extent("geom"))["e"]
    rng = random.Random(20)
    for i in range(units):
        unit_create(
            actor=SYSTEM,
            organization=org,
            call_sign=f"U{i:02d}",
            lat=rng.uniform(ext[1], ext[3]),
            lon=rng.uniform(ext[0], ext[2]),
        )
    return org, ext, edges


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--quick", action="store_true", help="a 60×60 network (about 7,000 edges), 20 queries"
    )
    parser.add_argument("--size", type=int, default=163, help="junctions a side (163: about 50,000 edges)")
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args()
    if args.quick:
        args.size, args.queries = 60, 20
    setup_django(database=DB)
    from muang.ems import routing

    org, ext, edges = world(args.size, args.units)
    rng = random.Random(1669)
    places = [(rng.uniform(ext[0], ext[2]), rng.uniform(ext[1], ext[3])) for _ in range(args.queries)]
    routing.rank_by_road(org, lon=places[0][0], lat=places[0][1])  # warm the caches once
    road_ms, line_ms, unreachable = [], [], 0
    for lon, lat in places:
        t = time.perf_counter()
        ranked = routing.rank_by_road(org, lon=lon, lat=lat)
        road_ms.append((time.perf_counter() - t) * 1000)
        assert ranked and ranked[0].by_road and len(ranked) == args.units
        unreachable += sum(r.seconds is None for r in ranked)
        t = time.perf_counter()
        routing.rank_straight_line(org, lon=lon, lat=lat)
        line_ms.append((time.perf_counter() - t) * 1000)
    print(load_average())
    report(
        f"nearest by road, {edges} edges, {args.units} units, p95",
        f"{p95(road_ms):.0f} ms",
        "straight line p95",
        f"{p95(line_ms):.1f} ms",
        "≤ 200 ms",
    )
    print(f"(max by road {max(road_ms):.0f} ms; unreachable unit rankings {unreachable})")


if __name__ == "__main__":
    main()
