"""The staff tax map's parcel layer with payment status: GeoJSON of a box in view from a 1,000,000-parcel
registry with 1,000,000 bill lines (one land-and-building tax bill per 10 parcels), p95 per request
(issue: tax map; target p95 <= 300 ms for a street-level view, the layer stays usable on 3G), and the parcel
counts shown below parcel zoom (target p95 <= 1 s for the widest view that offers them).

Uses the registry of bench_parcel_tiles.py (database muang_bench_tiles); the bills are written inside a
transaction that is rolled back, so the registry is left as found.

    .venv/bin/python bench/bench_tax_map.py [--requests 100] [--no-migrate]
"""

import argparse
import random
import time

from bench_parcel_tiles import LAT0, LON0, STEP, populate
from support import p95, report, setup_django, timed

YEAR = 2026


def add_bills(organization_id: int, parcels: int) -> None:
    """One bill per 10 parcels, one line per parcel; a third paid, a third partly paid, a third open."""
    from django.db import connection

    with connection.cursor() as cursor:
        # The index of billing migration 0003 (if this database was not migrated with it).
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS billline_org_source ON billing_billline (organization_id, source_ref)"
        )
        cursor.execute(
            """
            INSERT INTO billing_bill (organization_id, number, ref2, kind, year, source_ref, payer_name,
                payer_tax_id, payer_address, amount, paid_principal, paid_penalty, paid_surcharge, issued_on,
                due_date, has_instalments, status, cancel_reason, created_at)
            SELECT %(org)s, 'BM' || lpad(b::text, 10, '0'), '', 'land_building_tax', %(year)s,
                   'bench:owner:' || b, 'เจ้าของ ' || b, '', '', 1000,
                   CASE b %% 3 WHEN 0 THEN 1000 WHEN 1 THEN 400 ELSE 0 END, 0, 0, '2026-02-15', '2026-04-30',
                   false, CASE b %% 3 WHEN 0 THEN 'paid' WHEN 1 THEN 'partly_paid' ELSE 'open' END, '', now()
            FROM generate_series(0, %(bills)s - 1) AS b
            """,
            {"org": organization_id, "year": YEAR, "bills": parcels // 10},
        )
        cursor.execute(
            """
            INSERT INTO billing_billline (organization_id, bill_id, position, description, source_ref, amount)
            SELECT %(org)s, bill.id, p.rn %% 10 + 1, p.code, 'property:parcel:' || p.id, 100
            FROM (SELECT id, code, row_number() OVER (ORDER BY id) - 1 AS rn
                  FROM property_parcel WHERE organization_id = %(org)s) p
            JOIN billing_bill bill
              ON bill.organization_id = %(org)s AND bill.number = 'BM' || lpad((p.rn / 10)::text, 10, '0')
            """,
            {"org": organization_id},
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ANALYZE billing_bill")
        cursor.execute("ANALYZE billing_billline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--no-migrate", action="store_true", help="the database is already migrated")
    args = parser.parse_args()
    setup_django(database="muang_bench_tiles", migrate=not args.no_migrate)

    from django.db import connection, transaction

    from muang.core.access import Actor
    from muang.core.models import Membership, Organization, Role, User
    from muang.core.tests.factories import OrganizationFactory
    from muang.property.registry.selectors_map import map_parcels_geojson

    org = Organization.objects.filter(slug="bench-tiles").first() or OrganizationFactory(
        slug="bench-tiles", dla_code=None
    )
    populate(org.pk, args.parcels)
    user, _ = User.objects.get_or_create(username="bench.tiles")
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": Role.SYSTEM_ADMIN})
    actor = Actor(user=user)
    rng = random.Random(17)
    rows = args.parcels // 1000
    # A desktop map 1200 x 800 px at zoom 17 (about 0.0129 x 0.0086 degrees): ~2,800 parcels of this grid.
    width, height = 0.0129, 0.0086
    boxes = []
    for _ in range(args.requests):
        lon = LON0 + rng.uniform(0.1, 0.8) * 1000 * STEP
        lat = LAT0 + rng.uniform(0.1, 0.8) * rows * STEP
        boxes.append((lon, lat, lon + width, lat + height))

    # Below parcel zoom: counts per cell for a desktop view at the smallest zoom that offers them.
    from muang.property.registry.selectors_map import CLUSTER_MIN_ZOOM, parcel_clusters

    scale = 2 ** (17 - CLUSTER_MIN_ZOOM)
    cluster_ms = []
    for lon, lat, _e, _n in boxes[:20]:
        start = time.perf_counter()
        parcel_clusters(
            actor=actor,
            organization=org,
            bbox=(lon, lat, lon + width * scale, lat + height * scale),
            zoom=CLUSTER_MIN_ZOOM,
        )
        cluster_ms.append((time.perf_counter() - start) * 1000)
    in_view = min(int(width * scale / STEP), 1000) * min(int(height * scale / STEP), rows)
    report(
        f"parcel counts at zoom {CLUSTER_MIN_ZOOM}, {args.parcels:,} parcels, p95",
        f"{p95(cluster_ms):.1f} ms",
        "parcels in the view up to",
        f"{in_view:,}",
        target="1000 ms",
    )

    with transaction.atomic():
        with timed() as t:
            add_bills(org.pk, args.parcels)
        print(
            f"bills: {args.parcels // 10:,} bills, {args.parcels:,} lines in {t.seconds:.1f} s (rolled back)"
        )
        for box in boxes[:10]:
            map_parcels_geojson(actor=actor, organization=org, bbox=box, year=YEAR)
        status_ms, plain_ms, sizes = [], [], []
        from muang.property.registry.selectors import parcels_geojson

        for box in boxes:
            start = time.perf_counter()
            sizes.append(len(map_parcels_geojson(actor=actor, organization=org, bbox=box, year=YEAR)))
            status_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            parcels_geojson(actor=actor, organization=org, bbox=box)
            plain_ms.append((time.perf_counter() - start) * 1000)
        print(f"{len(boxes)} random zoom-17 views, median {sorted(sizes)[len(sizes) // 2] / 1024:.0f} KiB")
        report(
            f"tax map layer with status, {args.parcels:,} parcels, p95",
            f"{p95(status_ms):.1f} ms",
            "the same box without status p95",
            f"{p95(plain_ms):.1f} ms",
            target="300 ms",
        )
        transaction.set_rollback(True)
    connection.close()


if __name__ == "__main__":
    main()
