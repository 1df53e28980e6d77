"""Bulk writes, once for every app: PostgreSQL COPY (through psycopg's `cursor.copy`) and id reservation.

Django's `bulk_create` quotes every value client-side in one huge INSERT; at 100,000 rows (a bank statement,
a batch assessment, a demo tax map) COPY is several times faster. Three ways in, fastest last:

- `copy_create(rows)`: unsaved model instances, ids reserved first and set on them (like `bulk_create`);
- `copy_rows(cursor, sql, rows)`: tuples of Python values, adapted by psycopg;
- `copy_text(cursor, sql, lines)`: lines already in COPY's text format (`text_columns`, `escape`), when a
  hot path formats each row in one f-string.

`reserve_ids` takes ids from a table's sequence in one statement, so rows that refer to each other can be
written by COPY without a round trip per row. COPY cannot skip duplicates: `copy_insert_ignoring_duplicates`
tries a straight COPY and, only when a key collides, moves the rows through a staging table (`stage`) with
`INSERT … ON CONFLICT DO NOTHING` (telemetry, where a repeated delivery must be stored once).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from django.contrib.gis.geos import GEOSGeometry
from django.db import IntegrityError, connection, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.fields.files import FieldFile
from django.utils import timezone

NULL = "\\N"  # COPY's text format for NULL
CHUNK_LINES = 20_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = re.compile(r"[\\\n\r]")


def _raw(cursor):
    """psycopg's own cursor under Django's wrapper (either may be passed)."""
    return getattr(cursor, "cursor", cursor)


def escape(text: str) -> str:
    """A value for COPY's text format (tabs separate columns, newlines rows, backslash escapes)."""
    return text.translate(_ESCAPES)


def text_columns(values: Sequence[str]) -> str:
    """Text values as tab-separated COPY columns. Real data almost never holds a tab, newline or backslash, so
    the joined text is checked once instead of escaping each value (a tenth of the time at 100,000 rows)."""
    joined = "\t".join(values)
    if joined.count("\t") == len(values) - 1 and not _SPECIAL.search(joined):
        return joined
    return "\t".join(v.translate(_ESCAPES) for v in values)


_ARRAY_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"'})


def array_literal(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal (`{1,2,NULL}`, `{"a b","c\\"d"}`) of numbers, or of text or datetimes (with
    None as NULL), bound as one text parameter and cast in SQL (`unnest(%s::bigint[], %s::text[])`). Django's
    client-side cursor quotes a Python list element by element through psycopg's dumpers: for a few thousand
    values that is most of an ingest batch's time; this is a join. Text is escaped only when the joined text
    holds a quote or a backslash (as `text_columns` does)."""
    values = list(values)
    if not values:
        return "{}"
    if all(v is None or type(v) is int or type(v) is float for v in values):
        return "{" + ",".join("NULL" if v is None else repr(v) for v in values) + "}"
    if None not in values:
        if type(values[0]) is not str:  # datetimes: a batch holds few distinct ones, and str() is slow
            text = {v: str(v) for v in set(values)}
            values = [text[v] for v in values]
        joined = '","'.join(values)
        if joined.count('"') == 2 * (len(values) - 1) and "\\" not in joined:  # only the separators' quotes
            return '{"' + joined + '"}'
    return (
        "{" + ",".join("NULL" if v is None else f'"{str(v).translate(_ARRAY_ESCAPES)}"' for v in values) + "}"
    )


def among(ids: Iterable[int]) -> RawSQL:
    """The right-hand side of a `field__in=` filter for many integer ids (a batch's devices): one array
    parameter unnested in a subquery (`IN (SELECT unnest('{1,2,…}'::bigint[]))`) instead of Django's one
    placeholder per value, whose compiling and quoting took ~10 ms for 2,000 ids on every ingest batch."""
    return RawSQL("SELECT unnest(%s::bigint[])", [array_literal(sorted({int(i) for i in ids}))])


def copy_text(cursor, sql: str, lines: Iterable[str]) -> None:
    """COPY lines already in the text format (each ending in a newline), written in chunks: formatting a row in
    one f-string is several times faster than adapting each value separately."""
    with _raw(cursor).copy(sql) as copy:
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= CHUNK_LINES:
                copy.write("".join(chunk))
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))


def copy_rows(cursor, sql: str, rows: Iterable[Sequence[Any]], types: Sequence[str] | None = None) -> None:
    """COPY rows of Python values (psycopg adapts them: None, numbers, Decimal, dates, text, JSON text).

    With `types` (one PostgreSQL type name a column, e.g. "int8", "timestamptz") the rows travel in COPY's
    binary format, formatted by psycopg's C dumpers: 3-5× faster than the text format for rows of timestamps and
    floats (telemetry), as long as each value is exactly of its column's type."""
    if types:
        sql += " (FORMAT BINARY)"
    with _raw(cursor).copy(sql) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def copy_sql(table: str, columns: Sequence[str]) -> str:
    """`COPY "table" ("a", "b") FROM STDIN`, every name quoted."""
    quote = connection.ops.quote_name
    return f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"


def reserve_ids(cursor, table: str, count: int, column: str = "id") -> Sequence[int]:
    """`count` new ids from the sequence of `table`.`column`, in one statement. Usually one contiguous block
    (then only its ends travel); when another session took ids from the sequence meanwhile, the full list."""
    if count <= 0:
        return range(0)
    cursor.execute(
        """SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL
                                         ELSE array_agg(id ORDER BY id)::text END
           FROM (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id FROM generate_series(1, %s)) AS ids""",
        [table, column, count],
    )
    low, high, scattered = cursor.fetchone()
    if scattered is None:
        return range(low, high + 1)
    return [int(i) for i in scattered.strip("{}").split(",")]


def _copy_value(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, GEOSGeometry):
        return value.hexewkb.decode()
    if isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def copy_create(rows: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model with COPY, their ids reserved first and set on them (as
    `bulk_create` does), `auto_now(_add)` timestamps filled in and foreign keys to rows saved after these
    objects were built taken from the related objects. No `save()`, no signals, no model validation: check the
    rows first (`full_clean`)."""
    if not rows:
        return
    meta = type(rows[0])._meta
    now = timezone.now()
    for field in meta.concrete_fields:  # what save() would fill in
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for row in rows:
                setattr(row, field.attname, now)
    fields = [f for f in meta.concrete_fields if not f.generated]
    relations = [f for f in fields if f.is_relation]
    with connection.cursor() as cursor:
        for row, pk in zip(rows, reserve_ids(cursor, meta.db_table, len(rows), meta.pk.column), strict=True):
            row.pk = pk
            row._state.adding = False
        for row in rows:
            for f in relations:
                if f.is_cached(row) and (related := f.get_cached_value(row)) is not None:
                    setattr(row, f.attname, related.pk)
        copy_rows(
            cursor,
            copy_sql(meta.db_table, [f.column for f in fields]),
            ([_copy_value(f, getattr(row, f.attname)) for f in fields] for row in rows),
        )


def stage(
    name: str,
    definition: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    types: Sequence[str] | None = None,
) -> str:
    """A temporary table `name` (`definition`: its columns, or `LIKE table`) holding exactly `rows` (binary COPY
    with `types`, see `copy_rows`), emptied at commit; returns its name for the statement that moves the rows
    on. Names come from code, never input."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({definition}) ON COMMIT DELETE ROWS")
        cursor.execute(f"TRUNCATE {name}")  # inside a long transaction (tests, batches) start clean
        copy_rows(cursor, copy_sql(name, columns), rows, types)
    return name


def copy_insert_ignoring_duplicates(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    types: Sequence[str] | None = None,
) -> int:
    """Insert `rows` into `table` (binary COPY with `types`, see `copy_rows`), skipping those whose key is
    already there; returns the rows inserted.

    Optimistic: a straight COPY inside a savepoint (repeats are rare); if a key collides, PostgreSQL refuses the
    whole COPY, the savepoint rolls back, and the rows go through a temporary twin of `table` and
    `INSERT … ON CONFLICT DO NOTHING`."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            copy_rows(cursor, copy_sql(table, columns), rows, types)
        return len(rows)
    except (IntegrityError, psycopg.errors.UniqueViolation):  # COPY runs on psycopg's cursor: its own error
        pass
    name = stage(f"_stage_{table}", f"LIKE {table} INCLUDING DEFAULTS", columns, rows, types)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name} ON CONFLICT DO NOTHING")  # noqa: S608
        return cursor.rowcount


def copy_insert_reporting_duplicates(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    types: Sequence[str],
    returning: Sequence[str],
) -> set[tuple] | None:
    """As `copy_insert_ignoring_duplicates`, for a caller that must know which rows were new (a unique key that
    is itself the dedup of repeated deliveries): None when the straight COPY took every row (the common case:
    nothing to compare), else the set of `returning` tuples of the rows inserted (the others were already
    there, or repeated within `rows`)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            copy_rows(cursor, copy_sql(table, columns), rows, types)
        return None
    except (IntegrityError, psycopg.errors.UniqueViolation):
        pass
    name = stage(f"_stage_{table}", f"LIKE {table} INCLUDING DEFAULTS", columns, rows, types)
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in columns)
    back = ", ".join(quote(c) for c in returning)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name} ON CONFLICT DO NOTHING RETURNING {back}"  # noqa: S608
        )
        return {tuple(row) for row in cursor.fetchall()}
