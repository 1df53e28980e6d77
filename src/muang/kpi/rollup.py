"""The roll-up rows the district, province and national pages read (written by the monthly snapshot and by
every correction of a month; see ADR 0017)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction

from muang.core.bulk import array_literal
from muang.core.models import LOCAL_GOVERNMENT_KINDS
from muang.core.thai_dates import add_months
from muang.kpi import periods
from muang.kpi.catalogue import computed_sources
from muang.kpi.models import (
    RollupPeriod,
)
from muang.kpi.periods import ADOPTION_MONTHS

MAX_CSV_ROWS = 5000
SNAPSHOT_WORKERS = 4  # at most, and no more than the machine's cores
TARGET_YEARS_AHEAD = 5


# --- the roll-up, precomputed ---------------------------------------------------------------------------------------
# District, province and national pages read rows written here, never ranks over the snapshots: the monthly
# snapshot writes them for its month, and every correction of a month (a recompute, an approved or imported
# figure) rewrites what it moved. Ranks depend on every local government, so an indicator's ranks are rewritten
# for all of them; adoption is per local government, so only the corrected one's (in its month and the two
# after, whose three-month window holds it).

ROLLUP_LOCK = 0x6B70_6931  # pg_advisory_xact_lock key ("kpi1"): one refresh of a month at a time


def _installed_labels() -> list[str]:
    labels: list[str] = []
    for code in computed_sources():
        label = code.split(".", 1)[0]
        if label not in labels:
            labels.append(label)
    return labels


@transaction.atomic
def rollup_refresh(
    *,
    month: dt.date,
    indicator_ids: Iterable[int] | None = None,
    organization_ids: Iterable[int] | None = None,
) -> None:
    """Rewrite the roll-up rows of `month` from its snapshots: the values and ranks of `indicator_ids` (None:
    every indicator), the adoption of `organization_ids` (None: every local government; empty: none), and the
    district, province and national aggregates."""
    month = periods.month_of(month)
    kinds = sorted(LOCAL_GOVERNMENT_KINDS)
    labels = _installed_labels()
    window = periods.months_back(month, ADOPTION_MONTHS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROLLUP_LOCK, month.toordinal()])
        only = "" if indicator_ids is None else " AND s.indicator_id = ANY(%s::bigint[])"
        extra = [] if indicator_ids is None else [array_literal(list(indicator_ids))]
        cursor.execute("DELETE FROM kpi_rollupvalue s WHERE s.month = %s" + only, [month, *extra])  # noqa: S608
        rank = """CASE WHEN s.value IS NULL {null} THEN NULL ELSE rank() OVER (
                      PARTITION BY s.indicator_id, s.value IS NULL {by}
                      ORDER BY CASE WHEN i.direction = 'down' THEN s.value ELSE -s.value END) END"""
        cursor.execute(
            f"""
            INSERT INTO kpi_rollupvalue
                (month, indicator_id, organization_id, value, rank_district, rank_province, rank_national)
            SELECT s.month, s.indicator_id, s.organization_id, s.value,
                   {rank.format(null="OR o.district_id IS NULL", by=", o.district_id")},
                   {rank.format(null="", by=", o.province_id")},
                   {rank.format(null="", by="")}
            FROM kpi_snapshot s
            JOIN kpi_indicator i ON i.id = s.indicator_id
            JOIN core_organization o ON o.id = s.organization_id
            WHERE s.month = %s AND i.is_active AND o.is_active AND o.kind = ANY(%s){only}
            """,  # noqa: S608 (fixed SQL fragments; values are parameters)
            [month, kinds, *extra],
        )
        if organization_ids is None or list(organization_ids):
            org_only = "" if organization_ids is None else " AND o.id = ANY(%s::bigint[])"
            org_extra = [] if organization_ids is None else [array_literal(list(organization_ids))]
            forget = "DELETE FROM kpi_rollupadoption a WHERE a.month = %s"
            forget += org_only.replace("o.", "a.organization_")
            cursor.execute(forget, [month, *org_extra])
            cursor.execute(
                f"""
                INSERT INTO kpi_rollupadoption (month, organization_id, adoption, months_used)
                SELECT %s, o.id,
                       CASE WHEN %s = 0 THEN NULL ELSE round(100.0 * coalesce(u.now_used, 0) / %s) END,
                       coalesce(u.used, '{{}}'::jsonb)
                FROM core_organization o
                LEFT JOIN (
                    SELECT organization_id, jsonb_object_agg(label, months) AS used,
                           count(*) FILTER (WHERE now) AS now_used
                    FROM (
                        SELECT s.organization_id, split_part(i.code, '.', 1) AS label,
                               count(DISTINCT s.month) AS months, bool_or(s.month = %s) AS now
                        FROM kpi_snapshot s JOIN kpi_indicator i ON i.id = s.indicator_id
                        WHERE s.month >= %s AND s.month <= %s AND i.source = 'computed'
                          AND s.value IS NOT NULL AND split_part(i.code, '.', 1) = ANY(%s)
                        GROUP BY 1, 2
                    ) per_module
                    GROUP BY 1
                ) u ON u.organization_id = o.id
                WHERE o.is_active AND o.kind = ANY(%s){org_only}
                """,  # noqa: S608 (fixed SQL fragments; values are parameters)
                [month, len(labels), len(labels) or 1, month, window[0], month, labels, kinds, *org_extra],
            )
        # The aggregates of the indicators rewritten (all of them, or those of a correction), and adoption's.
        moved = (
            "" if indicator_ids is None else " AND (indicator_id IS NULL OR indicator_id = ANY(%s::bigint[]))"
        )
        cursor.execute("DELETE FROM kpi_rollupaggregate WHERE month = %s" + moved, [month, *extra])  # noqa: S608
        level = """CASE WHEN grouping(o.district_id) = 0 THEN 'district'
                        WHEN grouping(o.province_id) = 0 THEN 'province' ELSE 'national' END,
                   CASE WHEN grouping(o.district_id) = 0 THEN o.district_id
                        WHEN grouping(o.province_id) = 0 THEN o.province_id ELSE '' END"""
        cursor.execute(
            f"""
            INSERT INTO kpi_rollupaggregate (month, level, code, indicator_id, organizations, measured, average)
            SELECT %s, {level}, v.indicator_id, count(*), count(v.value), avg(v.value)
            FROM kpi_rollupvalue v JOIN core_organization o ON o.id = v.organization_id
            WHERE v.month = %s{only.replace("s.", "v.")}
            GROUP BY GROUPING SETS ((v.indicator_id, o.district_id), (v.indicator_id, o.province_id),
                                    (v.indicator_id))
            HAVING grouping(o.district_id) = 1 OR o.district_id IS NOT NULL
            """,  # noqa: S608 (fixed SQL fragments; values are parameters)
            [month, month, *extra],
        )
        cursor.execute(
            f"""
            INSERT INTO kpi_rollupaggregate (month, level, code, indicator_id, organizations, measured, average)
            SELECT %s, {level}, NULL, count(*), count(a.adoption), avg(a.adoption)
            FROM kpi_rollupadoption a JOIN core_organization o ON o.id = a.organization_id
            WHERE a.month = %s
            GROUP BY GROUPING SETS ((o.district_id), (o.province_id), ())
            HAVING grouping(o.district_id) = 1 OR o.district_id IS NOT NULL
            """,  # noqa: S608 (fixed SQL fragments; values are parameters)
            [month, month],
        )
    RollupPeriod.objects.update_or_create(month=month)


def rollup_after_correction(
    month: dt.date, indicator_ids: list[int], organization_id: int, computed: bool
) -> None:
    """A month of one organisation corrected: the indicators' ranks in the month, and (a computed figure) its
    adoption there and in the two months after whose roll-up is written."""
    written = set(RollupPeriod.objects.values_list("month", flat=True))
    if month in written:
        rollup_refresh(
            month=month, indicator_ids=indicator_ids, organization_ids=[organization_id] if computed else []
        )
    else:  # the month's first figures: its whole roll-up (what the monthly job would write)
        rollup_refresh(month=month)
    if computed:
        for later in (add_months(month, 1), add_months(month, 2)):
            if later in written:
                rollup_refresh(month=later, indicator_ids=[], organization_ids=[organization_id])
