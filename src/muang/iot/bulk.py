"""COPY writers for the telemetry hot path (psycopg 3 `cursor.copy`).

Written here because main has no shared `core/bulk.py` yet; when one lands, this module folds into it.
COPY cannot skip duplicates or update, so a batch goes into a session-local staging table first and moves with
one set-based statement (`INSERT … SELECT … ON CONFLICT …`): COPY is also far cheaper than binding long arrays.
"""

from collections.abc import Iterable, Sequence

import psycopg
from django.db import IntegrityError, connection, transaction


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` into `table` (a trusted identifier from code, never from input)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def stage(name: str, definition: str, columns: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A temporary table `name` (`definition`: its columns, or `LIKE table`) holding exactly `rows`; emptied at
    commit. Returns its name for the statement that moves the rows on."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({definition}) ON COMMIT DELETE ROWS")
        cursor.execute(f"TRUNCATE {name}")  # inside a long transaction (tests, batches) start clean
    copy_rows(name, columns, rows)
    return name


def copy_insert_ignoring_duplicates(table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Insert `rows` into `table`, skipping those whose key is already there; returns rows inserted.

    Optimistic: a straight COPY inside a savepoint (a repeated delivery is rare, and the caller has usually
    refused repeated message ids already); if a key collides, PostgreSQL refuses the whole COPY, the savepoint
    rolls back, and the rows go through a temporary twin of `table` and `INSERT … ON CONFLICT DO NOTHING`."""
    try:
        with transaction.atomic():
            copy_rows(table, columns, rows)
        return len(rows)
    except (IntegrityError, psycopg.errors.UniqueViolation):  # COPY runs on psycopg's cursor: its own error
        pass
    name = stage(f"_stage_{table}", f"LIKE {table} INCLUDING DEFAULTS", columns, rows)
    cols = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name} ON CONFLICT DO NOTHING")  # noqa: S608
        return cursor.rowcount
