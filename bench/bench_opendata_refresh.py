"""An open dataset's refresh (what the periodic task does for each due dataset): read the provider's rows in one
statement, check every value for personal data, and write CSV, GeoJSON and Excel — beside, in the same run, the
same statement read bare and PostgreSQL's own `COPY (…) TO STDOUT CSV` of it.

The dataset is synthetic (street-light-like rows over `generate_series`, a point each), so the bench needs no
tables and measures the open data code alone.

    .venv/bin/python bench/bench_opendata_refresh.py [--quick] [--rows 50000]
"""

import argparse

from support import BENCH_DB, load_average, report, setup_django, timed

DB = f"{BENCH_DB}_opendata"


def dataset(rows: int):
    from muang.core.contract import DatasetColumn, OpenDataset
    from muang.core.geo import point_sql

    return OpenDataset(
        code="bench.poles",
        title="poles",
        description="synthetic poles",
        from_sql=f"generate_series(1, {int(rows)}) g",
        tenant_sql="%(org)s IS NOT NULL",
        order_sql="g",
        columns=(
            DatasetColumn("pole_code", "'P-' || lpad(g::text, 6, '0')", "pole code"),
            DatasetColumn("status", "(ARRAY['ok','defectiveLamp','columnIssue'])[g %% 3 + 1]", "status"),
            DatasetColumn("rated_watts", "60 + g %% 5 * 20", "rated power", "integer"),
            DatasetColumn("lantern_height_m", "(8 + g %% 4)::numeric(4,1)", "height", "number"),
            DatasetColumn("installed_on", "date '2020-01-01' + g %% 2000", "installed on", "date"),
        ),
        geometry_sql=point_sql("102.0 + (g %% 1000) * 0.0001", "16.5 + (g / 1000) * 0.0001"),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="5,000 rows")
    args = parser.parse_args()
    rows = 5_000 if args.quick else args.rows
    setup_django(database=DB, migrate=False)

    from django.db import connection

    from muang.opendata import extract
    from muang.opendata.personal import personal_values

    ds = dataset(rows)
    statement = extract.dataset_sql(ds) % {"org": 1}
    statement = statement.replace("%%", "%")

    def service() -> dict:
        data = extract.read(ds, 1)
        assert not personal_values(data.headers, data.rows)
        return extract.render(data, ds, title="bench")

    def bare() -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return len(cursor.fetchall())

    def copy() -> int:
        size = 0
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY ({statement}) TO STDOUT WITH CSV HEADER") as out,
        ):
            for chunk in out:
                size += len(chunk)
        return size

    service(), bare(), copy()  # warm
    with timed() as t_service:
        files = service()
    with timed() as t_bare:
        n = bare()
    with timed() as t_copy:
        copy()
    assert n == rows
    sizes = ", ".join(f"{fmt} {len(content) / 1e6:.1f} MB" for fmt, content in files.items())
    print(f"{rows:,} rows: {sizes}")
    report(
        f"open dataset refresh, {rows:,} rows (3 files + checks)",
        f"{t_service.seconds:.2f} s",
        "the same statement read bare",
        f"{t_bare.seconds:.2f} s; COPY … CSV {t_copy.seconds:.2f} s",
    )
    print(f"{rows / t_service.seconds:,.0f} rows/s through the refresh")
    print("uptime:", load_average())


if __name__ == "__main__":
    main()
