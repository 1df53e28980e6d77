"""Bulk writes shared by every app (core.bulk), on the real PostgreSQL: COPY of model rows, of value rows and of
pre-formatted text, and id reservation."""

import pytest
from django.db import connection

from muang.core import audit, bulk
from muang.core.access import SYSTEM
from muang.core.models import AuditEntry, Department, Organization
from muang.core.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_copy_create_sets_ids_and_writes_geometry_json_and_foreign_keys(areas):
    """Organisations carry a geometry, departments a foreign key to an organisation built in the same batch,
    audit entries JSON: every kind of value COPY must carry."""
    organizations = [OrganizationFactory.build(), OrganizationFactory.build()]
    bulk.copy_create(organizations)
    assert all(o.pk is not None and not o._state.adding for o in organizations)
    stored = Organization.objects.get(pk=organizations[0].pk)
    assert stored.slug == organizations[0].slug
    assert stored.boundary.equals_exact(organizations[0].boundary, tolerance=1e-9)

    departments = [
        Department(organization=organizations[1], code=f"d{i}", name_th=f"กอง {i}", name_en=f"Division {i}")
        for i in range(3)
    ]
    bulk.copy_create(departments)
    assert list(
        Department.objects.filter(organization=organizations[1])
        .order_by("code")
        .values_list("code", flat=True)
    ) == [
        "d0",
        "d1",
        "d2",
    ]

    entries = audit.created_entries(
        actor=SYSTEM, organization=organizations[1], instances=departments, reason="x"
    )
    bulk.copy_create(entries)
    stored = AuditEntry.objects.get(pk=entries[0].pk)
    assert stored.changes["name_th"] == [None, "กอง 0"] and stored.at is not None  # auto_now_add filled in


def test_copy_create_of_nothing_writes_nothing():
    bulk.copy_create([])
    assert not Organization.objects.exists()


def _temp_table(cursor, increment: int = 1) -> None:
    cursor.execute("CREATE TEMP TABLE bulk_probe (id bigserial PRIMARY KEY, a text, b text, n numeric)")
    cursor.execute(f"ALTER SEQUENCE bulk_probe_id_seq INCREMENT BY {increment}")


def test_reserve_ids_gives_a_block_or_the_full_list():
    with connection.cursor() as cursor:
        _temp_table(cursor)
        block = bulk.reserve_ids(cursor, "bulk_probe", 5)
        assert isinstance(block, range) and list(block) == [1, 2, 3, 4, 5]
        assert list(bulk.reserve_ids(cursor, "bulk_probe", 2)) == [6, 7]  # never the same id twice
        assert list(bulk.reserve_ids(cursor, "bulk_probe", 0)) == []
        cursor.execute(
            "ALTER SEQUENCE bulk_probe_id_seq INCREMENT BY 3"
        )  # what other sessions taking ids look like
        scattered = bulk.reserve_ids(cursor, "bulk_probe", 3)
        assert scattered == [10, 13, 16]


def test_copy_text_and_copy_rows_round_trip_awkward_text():
    awkward = ["tab\there", "back\\slash", "new\nline", "cr\rreturn", "ไทย"]
    with connection.cursor() as cursor:
        _temp_table(cursor)
        ids = bulk.reserve_ids(cursor, "bulk_probe", len(awkward) * 2)
        bulk.copy_text(
            cursor,
            "COPY bulk_probe (id, a, b, n) FROM STDIN",
            (
                f"{i}\t{bulk.text_columns([text, 'plain'])}\t{bulk.NULL}\n"
                for i, text in zip(ids[: len(awkward)], awkward, strict=True)
            ),
        )
        bulk.copy_rows(
            cursor,
            bulk.copy_sql("bulk_probe", ["id", "a", "b", "n"]),
            ((i, text, None, 1.5) for i, text in zip(ids[len(awkward) :], awkward, strict=True)),
        )
        cursor.execute("SELECT a, b, n FROM bulk_probe ORDER BY id")
        rows = cursor.fetchall()
    assert [r[0] for r in rows] == awkward * 2
    assert [r[1] for r in rows] == ["plain"] * len(awkward) + [None] * len(awkward)
    assert rows[0][2] is None and float(rows[-1][2]) == 1.5


def test_copy_text_writes_in_chunks(monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_LINES", 3)
    with connection.cursor() as cursor:
        _temp_table(cursor)
        bulk.copy_text(cursor, "COPY bulk_probe (a) FROM STDIN", (f"{i}\n" for i in range(10)))
        cursor.execute("SELECT count(*), min(a::int), max(a::int) FROM bulk_probe")
        assert cursor.fetchone() == (10, 0, 9)


def test_escape_and_text_columns():
    assert bulk.escape("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re"
    assert bulk.text_columns(["a", "b"]) == "a\tb"
    assert bulk.text_columns(["a\tb", "c"]) == "a\\tb\tc"


def test_array_literal_round_trips_numbers_text_times_and_nulls_through_postgresql():
    import datetime as dt

    moment = dt.datetime(2026, 12, 5, 11, 0, 0, 123456, tzinfo=dt.UTC)
    cases = [
        ([], "bigint[]", []),
        ([1, None, 3], "bigint[]", [1, None, 3]),
        ([1.5, 1e-05, 250.0], "float8[]", [1.5, 1e-05, 250.0]),
        (["pm25", "a b", "ไทย"], "text[]", ["pm25", "a b", "ไทย"]),
        (
            ['say "hi"', "back\\slash", "{brace},comma"],
            "text[]",
            ['say "hi"', "back\\slash", "{brace},comma"],
        ),
        ([moment, None, moment], "timestamptz[]", [moment, None, moment]),
        (['"edge', "x", 'end"'], "text[]", ['"edge', "x", 'end"']),
        (["a", '"'], "text[]", ["a", '"']),
    ]
    with connection.cursor() as cursor:
        for values, cast, expected in cases:
            cursor.execute(f"SELECT %s::{cast}", [bulk.array_literal(values)])
            assert cursor.fetchone()[0] == expected, values


def test_array_literal_of_plain_text_and_times_is_one_join(monkeypatch):
    """Text without a quote or a backslash, and datetimes, take the join: no value is escaped one by one (a
    batch's keys and hours; the check once counted the separators' own quotes and escaped every value)."""
    import datetime as dt

    moment = dt.datetime(2026, 12, 5, 11, 0, tzinfo=dt.UTC)
    looked_up = []

    class Escapes(dict):
        def __getitem__(self, char):
            looked_up.append(chr(char))
            return super().__getitem__(char)

    monkeypatch.setattr(bulk, "_ARRAY_ESCAPES", Escapes(bulk._ARRAY_ESCAPES))
    assert bulk.array_literal(["pm25", "pm10"]) == '{"pm25","pm10"}'
    assert bulk.array_literal([moment, moment]) == '{"2026-12-05 11:00:00+00:00","2026-12-05 11:00:00+00:00"}'
    assert looked_up == []
    assert bulk.array_literal(['a"b', "c"]) == '{"a\\"b","c"}'
    assert '"' in looked_up


def test_copy_rows_in_binary_and_copy_insert_ignoring_duplicates_with_types():
    import datetime as dt

    moment = dt.datetime(2026, 12, 5, 11, 0, tzinfo=dt.UTC)
    types = ("int8", "text", "timestamptz", "float8")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE _bulk_binary (n bigint, k text, t timestamptz, v float8, PRIMARY KEY (n, k, t))"
        )
    rows = [(1, "pm25", moment, 12.5), (2, "ไทย\ttab", moment, -3.0)]
    assert bulk.copy_insert_ignoring_duplicates("_bulk_binary", ("n", "k", "t", "v"), rows, types) == 2
    # A repeat among new rows: the straight COPY collides, the rows go through the staging table.
    again = [*rows, (3, "pm10", moment, 1.0)]
    assert bulk.copy_insert_ignoring_duplicates("_bulk_binary", ("n", "k", "t", "v"), again, types) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, k, t, v FROM _bulk_binary ORDER BY n")
        assert cursor.fetchall() == [*rows, (3, "pm10", moment, 1.0)]
