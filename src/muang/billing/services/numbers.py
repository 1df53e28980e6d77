"""Gap-free numbers: bill numbers per kind and tax year, receipt numbers per fiscal year."""

from __future__ import annotations

from django.db import connection, transaction

from muang.billing.models import NumberSequence


def reserve_numbers(*, organization_id: int, name: str, year: int, count: int) -> range:
    """The next ``count`` numbers of a sequence. Call inside the transaction that uses them: the counter row
    stays locked until it ends (concurrent callers wait), and a rollback gives the numbers back."""
    if count <= 0:
        return range(0)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve_numbers must run inside a transaction, or numbers could be lost")
    table = NumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (organization_id, name, year, last_value) VALUES (%s, %s, %s, %s)
            ON CONFLICT (organization_id, name, year)
            DO UPDATE SET last_value = {table}.last_value + EXCLUDED.last_value
            RETURNING last_value
            """,  # noqa: S608 (the table name is ours; values are parameters)
            [organization_id, name, year, count],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)
