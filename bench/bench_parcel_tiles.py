"""Parcel vector tile at zoom 16 from a 1,000,000-parcel registry: p95 of the API endpoint beside the raw
ST_AsMVT query for the same tiles (issue: tax map, target p95 <= 50 ms; issue 11: the endpoint adds <= 30 % to
the raw query). The raw query is ST_AsMVT over the parcels' stored WGS84 shapes, each transformed to Web Mercator
on the request (`PARCEL_TILE_TRANSFORMING_SQL`); the endpoint reads the Web Mercator shape PostgreSQL keeps
(`map_shape`, migration property/0007), as issue 11 asks (the geometries cached for the tiles).

    .venv/bin/python bench/bench_parcel_tiles.py [--parcels 1000000] [--requests 300]
"""

import argparse
import math
import random
import time

from support import load_average, p95, report, setup_django, timed


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


# A 1000 x N grid of ~22 m x 22 m parcels starting near Chum Phae, generated in SQL.
LON0, LAT0, STEP = 101.9, 16.4, 0.0002


def populate(organization_id: int, parcels: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select count(*) from property_parcel where organization_id = %s", [organization_id])
        if cursor.fetchone()[0] >= parcels:
            return
        cursor.execute("delete from property_parcel where organization_id = %s", [organization_id])
        cursor.execute(
            """
            INSERT INTO property_parcel (organization_id, code, deed_type, deed_number, land_number, map_sheet,
                area_rai, area_ngan, area_wah, area_square_wah, area_square_metres, geometry, survey_status,
                exemption, address, note, created_at, updated_at,
                use, share_agricultural, share_residential, share_other, share_vacant)
            SELECT %(org)s,
                   lpad((i / 26000)::text, 2, '0') || chr(65 + (i / 1000) %% 26) || lpad((i %% 1000)::text, 3, '0'),
                   'chanote', '', '', '', 0, 1, 0, 100, 400,
                   ST_Multi(ST_MakeEnvelope(%(lon)s + (i %% 1000) * %(step)s, %(lat)s + (i / 1000) * %(step)s,
                            %(lon)s + (i %% 1000 + 0.9) * %(step)s, %(lat)s + (i / 1000 + 0.9) * %(step)s, 4326)),
                   'surveyed', '', '', '', now(), now(),
                   CASE WHEN i %% 5 = 0 THEN 'other' ELSE 'residential' END,
                   0, CASE WHEN i %% 5 = 0 THEN 0 ELSE 100 END, CASE WHEN i %% 5 = 0 THEN 100 ELSE 0 END, 0
            FROM generate_series(0, %(n)s - 1) AS i
            """,
            {"org": organization_id, "n": parcels, "lon": LON0, "lat": LAT0, "step": STEP},
        )
        cursor.execute("analyze property_parcel")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    setup_django(database="muang_bench_tiles")

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from muang.core.models import Membership, Organization, Province, Role, User
    from muang.core.tests.factories import OrganizationFactory
    from muang.property.registry.tiles import PARCEL_TILE_TRANSFORMING_SQL

    if not Province.objects.exists():
        call_command("load_areas", verbosity=0)
    org = Organization.objects.filter(slug="bench-tiles").first() or OrganizationFactory(
        slug="bench-tiles", dla_code=None
    )
    with timed() as t:
        populate(org.pk, args.parcels)
    print(f"registry: {args.parcels:,} parcels ready in {t.seconds:.1f} s")

    client = Client(HTTP_HOST="127.0.0.1")
    user, _ = User.objects.get_or_create(username="bench.tiles")
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": Role.SYSTEM_ADMIN})
    client.force_login(user)
    rng = random.Random(16)
    rows = math.ceil(args.parcels / 1000)
    tiles = []
    for _ in range(args.requests):
        lon = LON0 + rng.uniform(0.1, 0.9) * 1000 * STEP
        lat = LAT0 + rng.uniform(0.1, 0.9) * rows * STEP
        tiles.append((16, *tile_of(lon, lat, 16)))

    def api(z, x, y):
        response = client.get(f"/api/v1/organizations/{org.slug}/parcels/tiles/{z}/{x}/{y}.mvt")
        assert response.status_code == 200 and response.content, response.status_code
        return len(response.content)

    def raw(z, x, y):
        with connection.cursor() as cursor:
            cursor.execute(PARCEL_TILE_TRANSFORMING_SQL, {"z": z, "x": x, "y": y, "org": org.pk})
            return len(cursor.fetchone()[0] or b"")

    for z, x, y in tiles[:20]:  # warm the cache and the connection
        api(z, x, y)
        raw(z, x, y)
    api_ms, raw_ms, sizes = [], [], []
    for z, x, y in tiles:
        start = time.perf_counter()
        sizes.append(api(z, x, y))
        api_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        raw(z, x, y)
        raw_ms.append((time.perf_counter() - start) * 1000)
    print(f"{len(tiles)} random zoom-16 tiles, median {sorted(sizes)[len(sizes) // 2] / 1024:.0f} KiB")
    report(
        f"parcel tile z16, {args.parcels:,} parcels, p95",
        f"{p95(api_ms):.1f} ms",
        "raw ST_AsMVT query p95 (shapes transformed per request)",
        f"{p95(raw_ms):.1f} ms ({p95(api_ms) / p95(raw_ms):.2f}x); {load_average()}",
        target="p95 <= 50 ms and <= 1.3x the raw query",
    )


if __name__ == "__main__":
    main()
