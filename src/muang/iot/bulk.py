"""COPY writer for the telemetry hot path (psycopg 3 `cursor.copy`).

Written here because main has no shared `core/bulk.py` yet; when one lands, this module folds into it.
COPY cannot skip duplicates, so rows go into a session-local staging table first and move with one
`INSERT … SELECT … ON CONFLICT DO NOTHING`: a repeated delivery (same device, key and time) is stored once.
"""

from collections.abc import Iterable, Sequence

from django.db import connection


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` into `table` (a trusted identifier from code, never from input)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def copy_insert_ignoring_duplicates(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY into a temporary twin of `table`, then insert what is not there yet; returns rows inserted."""
    stage = f"_stage_{table}"
    cols = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {stage}")  # inside a long transaction (tests, batches) start clean
    copy_rows(stage, columns, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} ON CONFLICT DO NOTHING"  # noqa: S608
        )
        inserted = cursor.rowcount
        cursor.execute(f"TRUNCATE {stage}")
    return inserted
