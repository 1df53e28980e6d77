"""NGSI-LD `near` over 100,000 Device entities: p95 of the HTTP answer, beside the raw SQL of the same query.

100,000 devices (one organisation, spread at random over a 20 × 20 km city, fixed seed) with a latest reading
each are inserted with `generate_series`. Then, for a few hundred random points of the city (fixed seed):

    GET /ngsi-ld/v1/entities?type=Device&georel=near;maxDistance==500&geometry=Point&coordinates=[lon,lat]

through Django's test client with an API token (authentication, the query engine, the JSON answer), and the
same selection as one hand-written SQL statement (bounding-box prefilter on the GiST index + ST_DWithin on
geography, ordered by serial, 20 rows, attributes as GeoJSON) on a cursor. Prints p50/p95, the plan of the
engine's statement, and the load average.

    .venv/bin/python bench/bench_ngsi_near.py [--devices 100000] [--queries 300] [--quick]
"""

import argparse
import json
import random
import time

from support import BENCH_DB, PM25, bench_sensor_town, load_average, p95, report, setup_django

DB = f"{BENCH_DB}_ngsi"
SLUG = "bench-ngsi"
WEST, SOUTH, SIZE = 102.73, 16.33, 0.18  # ~20 km of Khon Kaen


def world(devices: int):
    from django.db import connection

    from muang.core.access import SYSTEM
    from muang.core.services import api_token_create
    from muang.iot.models import Device

    org, profile = bench_sensor_town(SLUG, "เทศบาลทดสอบ NGSI-LD", "NGSI-LD bench town", [PM25])
    have = Device.objects.filter(organization=org).count()
    if have < devices:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.2569)")
            cursor.execute(
                """
                INSERT INTO iot_device (organization_id, profile_id, name, serial, location, credential_id,
                                        credential_hash, mqtt_hash, state, error_count, created_at, asset_ref)
                SELECT %(org)s, %(profile)s, 'air ' || g, 'AQ-' || lpad(g::text, 6, '0'),
                       ST_SetSRID(ST_MakePoint(%(w)s + random() * %(size)s, %(s)s + random() * %(size)s), 4326),
                       'bn' || %(org)s || 'x' || g, '!', '!', 'active', 0, now(), ''
                FROM generate_series(%(have)s, %(devices)s - 1) AS g
                """,
                {
                    "org": org.pk,
                    "profile": profile.pk,
                    "w": WEST,
                    "s": SOUTH,
                    "size": SIZE,
                    "have": have,
                    "devices": devices,
                },
            )
            cursor.execute(
                """
                INSERT INTO iot_devicelatest (organization_id, device_id, time, "values")
                SELECT d.organization_id, d.id, now(), jsonb_build_object('pm25', jsonb_build_array(
                    round((random() * 80)::numeric, 1), (extract(epoch FROM now()) * 1000000)::bigint))
                FROM iot_device d WHERE d.organization_id = %s
                ON CONFLICT DO NOTHING
                """,
                [org.pk],
            )
            cursor.execute("ANALYZE iot_device; ANALYZE iot_devicelatest")
        print(f"inserted {devices - have:,} devices in {time.perf_counter() - started:.1f} s", flush=True)
    token = api_token_create(actor=SYSTEM, organization=org, name="bench", scopes=["iot:read"])[1]
    return org, token


RAW = """
SELECT 'urn:ngsi-ld:Device:' || d.serial, d.name, ST_AsGeoJSON(d.location, 6),
       (SELECT jsonb_object_agg(lv.key, lv.value) FROM iot_latestvalue lv
        WHERE lv.organization_id = d.organization_id AND lv.device_id = d.id)
FROM iot_device d
WHERE d.organization_id = %(org)s
  AND d.location && ST_Expand(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(dx)s, %(dy)s)
  AND ST_DWithin(d.location::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, 500)
ORDER BY d.serial LIMIT 20
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="10,000 devices, 100 queries")
    args = parser.parse_args()
    if args.quick:
        args.devices, args.queries = 10_000, 100
    setup_django(database=DB)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    org, token = world(args.devices)
    rng = random.Random(2569)
    points = [(WEST + rng.random() * SIZE, SOUTH + rng.random() * SIZE) for _ in range(args.queries)]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_NGSILD_TENANT=SLUG)
    url = "/ngsi-ld/v1/entities?type=Device&georel=near%3BmaxDistance%3D%3D500&geometry=Point&coordinates="

    def http(lon: float, lat: float) -> int:
        response = client.get(f"{url}[{lon:.6f},{lat:.6f}]")
        assert response.status_code == 200, response.content
        return len(json.loads(response.content))

    def raw(lon: float, lat: float) -> int:
        with connection.cursor() as cursor:
            cursor.execute(RAW, {"org": org.pk, "lon": lon, "lat": lat, "dx": 0.0049, "dy": 0.0046})
            return len(cursor.fetchall())

    for lon, lat in points[:20]:  # warm the caches and the connection
        http(lon, lat)
        raw(lon, lat)
    timings: dict[str, list[float]] = {"http": [], "raw": []}
    found = 0
    for lon, lat in points:
        for name, run in (("http", http), ("raw", raw)):
            started = time.perf_counter()
            n = run(lon, lat)
            timings[name].append((time.perf_counter() - started) * 1000)
            found += n if name == "http" else 0
    with CaptureQueriesContext(connection) as queries:
        http(*points[0])
    statement = next(q["sql"] for q in reversed(queries.captured_queries) if "ST_DWithin" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement)
        plan = [row[0] for row in cursor.fetchall()]
    print("plan of the engine's statement:")
    for line in plan:
        print("   ", line)
    http_ms, raw_ms = sorted(timings["http"]), sorted(timings["raw"])
    print(
        f"{args.queries} queries over {args.devices:,} devices, {found / args.queries:.1f} entities an answer"
    )
    report(
        f"NGSI-LD near 500 m over {args.devices:,} devices, p95",
        f"{p95(http_ms):.1f} ms",
        "raw SQL of the same query, p95",
        f"{p95(raw_ms):.1f} ms",
        "≤ 50 ms",
    )
    print(f"p50: HTTP {http_ms[len(http_ms) // 2]:.1f} ms, raw SQL {raw_ms[len(raw_ms) // 2]:.1f} ms")
    print("uptime:", load_average())


if __name__ == "__main__":
    main()
