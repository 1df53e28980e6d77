"""The environment's numbers for the city dashboard (`AppContract.kpi_sources`): the days of a period on which the
air was above the PM2.5 standard, and where the air-quality stations are (its map layer, with each station's
days above). Aggregates of the stations' readings only, never a person.

The standard: a 24-hour average of PM2.5 at most 37.5 µg/m³ (the national ambient air quality standard in force
since 1 June 2023; ../shared/THAI-RULES.md §11). A day is a Bangkok calendar day; its average at a station is the
mean of the station's readings that day, to one decimal as the Pollution Control Department publishes it; a day
counts once when any station of the organisation was above."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection

from muang.core.bulk import array_literal
from muang.core.models import Organization
from muang.core.thai_dates import bangkok_days

PM25_STANDARD_24H = Decimal("37.5")  # µg/m³
PLACE_CELL_DEGREES = 0.001  # about 100 m at Thai latitudes, as the case engine's layer

_DAILY = """
SELECT s.organization_id, s.id, s.device_id, (t.time AT TIME ZONE 'Asia/Bangkok')::date AS day,
       round(avg(t.value)::numeric, 1) AS mean
FROM environment_station s
JOIN iot_telemetry t ON t.device_id = s.device_id AND t.organization_id = s.organization_id
WHERE s.organization_id = ANY(%(orgs)s::bigint[]) AND s.kind = 'air' AND t.key = 'pm25'
  AND t.time >= %(since)s AND t.time < %(until)s
GROUP BY 1, 2, 3, 4
"""


def pm25_days_bulk(*, organization_ids, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Days of the period with a 24-hour PM2.5 average above the standard at any of each organisation's air
    stations (one query for all; an organisation whose stations read no PM2.5 in the period is absent)."""
    since, until = bangkok_days(start, end)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT organization_id, count(DISTINCT day) FILTER (WHERE mean > %(limit)s)
            FROM ({_DAILY}) daily GROUP BY organization_id
            """,  # noqa: S608 (fixed SQL)
            {
                "orgs": array_literal(list(organization_ids)),
                "since": since,
                "until": until,
                "limit": PM25_STANDARD_24H,
            },
        )
        return {org: Decimal(days) for org, days in cursor.fetchall()}


def pm25_days(*, organization: Organization, start: dt.date, end: dt.date) -> Decimal | None:
    """Days of the period with a 24-hour PM2.5 average above the standard at any of the organisation's air
    stations; None when no station read PM2.5 in the period."""
    return pm25_days_bulk(organization_ids=[organization.pk], start=start, end=end).get(organization.pk)


def station_places(
    *, organization: Organization, start: dt.date, end: dt.date
) -> list[tuple[float, float, int]]:
    """The air-quality stations that read PM2.5 in the period: (longitude, latitude, days above the standard) per
    cell of about 100 m (the map layer of `pm25_days`), the most days first."""
    since, until = bangkok_days(start, end)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (floor(ST_X(d.location) / %(cell)s) + 0.5) * %(cell)s,
                   (floor(ST_Y(d.location) / %(cell)s) + 0.5) * %(cell)s,
                   count(DISTINCT daily.day) FILTER (WHERE daily.mean > %(limit)s)
            FROM ({_DAILY}) daily JOIN iot_device d ON d.id = daily.device_id
            WHERE d.location IS NOT NULL
            GROUP BY 1, 2
            ORDER BY 3 DESC, 1, 2
            LIMIT 2000
            """,  # noqa: S608 (fixed SQL)
            {
                "orgs": array_literal([organization.pk]),
                "since": since,
                "until": until,
                "limit": PM25_STANDARD_24H,
                "cell": PLACE_CELL_DEGREES,
            },
        )
        return [(round(float(x), 6), round(float(y), 6), n) for x, y, n in cursor.fetchall()]
