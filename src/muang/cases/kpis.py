"""The case engine's numbers for the city dashboard (`AppContract.kpi_sources`): aggregates over the cases an
organisation resolved in a period, never a case or a person.

Each is `f(*, organization, start, end) -> Decimal | None`: the days `start`..`end` inclusive in Asia/Bangkok,
None when nothing was resolved in the period (no figure, rather than a misleading 0)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from muang.core.bulk import array_literal
from muang.core.models import Organization
from muang.core.thai_dates import bangkok_days


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in Bangkok time."""
    return bangkok_days(start, end)


def _per_organization(sql: str, organization_ids, start: dt.date, end: dt.date) -> dict[int, object]:
    """`sql` grouped by organisation over `organization_ids` and the period: {organisation id: value}."""
    since, until = _bounds(start, end)
    with connection.cursor() as cursor:
        cursor.execute(sql, [array_literal(list(organization_ids)), since, until])
        return dict(cursor.fetchall())


def _decimal(value, places: str) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal(places), ROUND_HALF_UP)


def _one(bulk, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return bulk(organization_ids=[organization.pk], start=start, end=end).get(organization.pk)


def resolved_within_sla_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal | None]:
    """Percent of the cases resolved in the period (that had a due time) which were resolved by it, for each
    organisation (one query for all; an organisation that resolved none is absent)."""
    values = _per_organization(
        """
        SELECT organization_id, 100.0 * count(*) FILTER (WHERE resolved_at <= due_at) / count(*)
        FROM cases_case
        WHERE organization_id = ANY(%s::bigint[]) AND resolved_at >= %s AND resolved_at < %s
          AND due_at IS NOT NULL
        GROUP BY organization_id
        """,
        organization_ids,
        start,
        end,
    )
    return {org: _decimal(value, "0.1") for org, value in values.items()}


def resolved_within_sla(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(resolved_within_sla_bulk, organization, start, end)


def median_days_to_resolve_bulk(
    *, organization_ids, start: dt.date, end: dt.date
) -> dict[int, Decimal | None]:
    """Median days from receipt to resolution of the cases resolved in the period, for each organisation."""
    values = _per_organization(
        """
        SELECT organization_id,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at)) / 86400
        FROM cases_case
        WHERE organization_id = ANY(%s::bigint[]) AND resolved_at >= %s AND resolved_at < %s
        GROUP BY organization_id
        """,
        organization_ids,
        start,
        end,
    )
    return {org: _decimal(value, "0.1") for org, value in values.items()}


def median_days_to_resolve(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(median_days_to_resolve_bulk, organization, start, end)


def satisfaction_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal | None]:
    """Average rating (1-5 stars) given to the cases resolved in the period, for each organisation."""
    values = _per_organization(
        """
        SELECT organization_id, avg(rating) FROM cases_case
        WHERE organization_id = ANY(%s::bigint[]) AND resolved_at >= %s AND resolved_at < %s
          AND rating IS NOT NULL
        GROUP BY organization_id
        """,
        organization_ids,
        start,
        end,
    )
    return {org: _decimal(value, "0.01") for org, value in values.items()}


def satisfaction(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    return _one(satisfaction_bulk, organization, start, end)


# About 100 m at Thai latitudes: a cell holds a street's complaints, never points at one house.
PLACE_CELL_DEGREES = 0.001


def resolved_places(
    *, organization: Organization, start: dt.date, end: dt.date
) -> list[tuple[float, float, int]]:
    """Where the cases resolved in the period were: (longitude, latitude, how many) per cell of about 100 m, the
    cell's centre (the map layer of `resolved_within_sla` on the city page)."""
    since, until = _bounds(start, end)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (floor(ST_X(location) / %s) + 0.5) * %s, (floor(ST_Y(location) / %s) + 0.5) * %s, count(*)
            FROM cases_case
            WHERE organization_id = %s AND resolved_at >= %s AND resolved_at < %s AND location IS NOT NULL
            GROUP BY 1, 2
            ORDER BY 3 DESC, 1, 2
            LIMIT 2000
            """,
            [PLACE_CELL_DEGREES] * 4 + [organization.pk, since, until],
        )
        return [(round(float(x), 6), round(float(y), 6), n) for x, y, n in cursor.fetchall()]
