"""Reads for the web side of citizen reports: the public map, list, case page and statistics, and staff helpers.

Everything public goes through here and returns only public fields: never the reporter, contact details, LINE
ids, internal notes or assignees. Locations of sensitive categories are blurred (`public_point`).
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.cases.models import Case, CaseCategory, CaseStatus
from muang.cases.selectors import (
    CaseDetail,
    active_categories,
    case_public_detail,
    organizations_taking_cases,
)
from muang.cases.tracking import normalize_tracking_code, organization_id_of
from muang.core import geo
from muang.core.errors import InvalidInput, NotFound
from muang.core.models import Organization

NEARBY_METRES = 300
NEARBY_LIMIT = 10
# Sensitive locations: snapped to a grid of about 110 m, then moved by a per-case offset inside the cell so
# that two cases in one cell do not stack. The exact point cannot be recovered from the cell.
BLUR_GRID = 0.001
BLUR_JITTER = 0.0008
MAP_POINT_LIMIT = 1000
MAP_POINT_MIN_ZOOM = 15
MAP_MAX_CLUSTERS = 2000
PUBLIC_PAGE_SIZE = 30
GRID_BASE = 0.002  # the snapshot's cell, in degrees; zoomed-out cells are whole multiples of it or larger


def _jitter(case_id: int, prime: int) -> float:
    return ((case_id * prime) % 1000 / 1000.0 - 0.5) * BLUR_JITTER


def public_point(case_id: int, lon: float, lat: float, *, sensitive: bool) -> tuple[float, float]:
    """(lon, lat) as public pages may show it. Mirrors the SQL of `map_features` exactly."""
    if not sensitive:
        return lon, lat
    return (
        round(lon / BLUR_GRID) * BLUR_GRID + _jitter(case_id, 7919),
        round(lat / BLUR_GRID) * BLUR_GRID + _jitter(case_id, 104729),
    )


# The public longitude and latitude of a case `c` of category `cat`, in SQL run with parameters (`%%` is `%`).
PUBLIC_LON_SQL = f"""CASE WHEN cat.is_sensitive THEN round(ST_X(c.location)::numeric / {BLUR_GRID}, 0)::float8 * {BLUR_GRID}
  + (((c.id * 7919) %% 1000) / 1000.0 - 0.5) * {BLUR_JITTER} ELSE ST_X(c.location) END"""
PUBLIC_LAT_SQL = f"""CASE WHEN cat.is_sensitive THEN round(ST_Y(c.location)::numeric / {BLUR_GRID}, 0)::float8 * {BLUR_GRID}
  + (((c.id * 104729) %% 1000) / 1000.0 - 0.5) * {BLUR_JITTER} ELSE ST_Y(c.location) END"""
_BLUR_SQL = f"""
{PUBLIC_LON_SQL} AS lon,
{PUBLIC_LAT_SQL} AS lat
"""


# --- the public map ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapQuery:
    bbox: geo.BBox
    zoom: int
    organization_id: int | None = None
    category: str | None = None
    open_only: bool = True


def _map_filters(q: MapQuery) -> tuple[str, list[Any]]:
    where = [f"c.location && {geo.envelope_sql()}"]
    params: list[Any] = [q.bbox.min_lon, q.bbox.min_lat, q.bbox.max_lon, q.bbox.max_lat]
    if q.open_only:
        where.append("c.is_open")
    if q.organization_id is not None:
        where.append("c.organization_id = %s")
        params.append(q.organization_id)
    if q.category:
        where.append("cat.code = %s")
        params.append(q.category)
    # Cases of deactivated organisations and merged duplicates are not on the public map.
    where.append("c.duplicate_of_id IS NULL")
    where.append("c.organization_id IN (SELECT id FROM core_organization WHERE is_active)")
    return " AND ".join(where), params


def map_features(q: MapQuery) -> str:
    """GeoJSON text for the public map.

    From zoom 15 on, single cases (at most MAP_POINT_LIMIT, newest first; `truncated` says when there are more),
    live from the database. Below, counts per grid cell placed at the cell's centre (no exact point leaks through
    a cluster of one), from the in-process grid snapshot (`map_grid`).
    """
    if q.zoom >= MAP_POINT_MIN_ZOOM:
        return _map_features_sql(q)
    return map_grid.clusters(q)


def _map_features_sql(q: MapQuery) -> str:
    """Single cases as GeoJSON, built in one SQL statement over the GiST index of `cases_case.location`.

    Only constant fragments are formatted into the SQL; every value is a parameter.
    """
    where, params = _map_filters(q)
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'truncated', count(*) > %s,
          'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'geometry', json_build_object('type', 'Point', 'coordinates',
                json_build_array(round(f.lon::numeric, 6), round(f.lat::numeric, 6))),
            'properties', json_build_object('code', f.tracking_code, 'category', f.name_th,
                'status', f.status_name, 'open', f.is_open, 'created', f.created_at,
                'sensitive', f.is_sensitive))) FILTER (WHERE f.n <= %s), '[]'::json))::text
        FROM (
          SELECT c.tracking_code, cat.name_th, st.name_th AS status_name, c.is_open, c.created_at,
                 cat.is_sensitive, row_number() OVER (ORDER BY c.created_at DESC) AS n, {_BLUR_SQL}
          FROM cases_case c
          JOIN cases_casecategory cat ON cat.id = c.category_id
          JOIN cases_casestatus st ON st.id = c.status_id
          WHERE {where}
          ORDER BY c.created_at DESC
          LIMIT %s
        ) f
    """  # noqa: S608
    # One row more than shown tells whether the box holds more cases than the map draws.
    params = [MAP_POINT_LIMIT, MAP_POINT_LIMIT, *params, MAP_POINT_LIMIT + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


class MapGrid:
    """Counts of public cases per fine grid cell (GRID_BASE degrees, about 220 m), organisation and category,
    held in memory by each web process.

    A city-sized box holds hundreds of thousands of cases: counting them live costs 0.3-0.5 s (the heap rows
    must be read), so zoomed-out maps read this snapshot and aggregate its cells with numpy in a few ms. When
    the snapshot is older than settings.MUANG_MAP_GRID_SECONDS a background thread rebuilds it with one grouped
    query while requests keep answering from the old one: clusters lag new reports by about that long; single
    cases (zoom 15+) are always live. With a lifetime of 0 (tests) it is rebuilt in the request.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshots: dict[bool, tuple[float, tuple[Any, ...]]] = {}

    def _build(self, open_only: bool) -> tuple[Any, ...]:
        import numpy as np

        sql = f"""
            SELECT c.organization_id, c.category_id, floor(ST_X(c.location) / {GRID_BASE})::int,
                   floor(ST_Y(c.location) / {GRID_BASE})::int, count(*)
            FROM cases_case c
            WHERE c.location IS NOT NULL AND c.duplicate_of_id IS NULL {"AND c.is_open" if open_only else ""}
              AND c.organization_id IN (SELECT id FROM core_organization WHERE is_active)
            GROUP BY 1, 2, 3, 4
        """  # noqa: S608 (constants only)
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        columns = np.array(rows, dtype=np.int64).reshape(-1, 5)
        full = tuple(columns[:, k] for k in range(5))
        # The same cells summed over categories: what most requests (no category filter) read.
        org, gx, gy = full[0], full[2], full[3]
        key = (org << 42) | ((gx + (1 << 20)) << 21) | (gy + (1 << 20))
        unique, inverse = np.unique(key, return_inverse=True)
        counts = np.bincount(inverse.ravel(), weights=full[4]).astype(np.int64)
        first = np.zeros(unique.size, dtype=np.int64)
        first[inverse.ravel()] = np.arange(key.size)
        summed = (org[first], np.zeros(unique.size, dtype=np.int64), gx[first], gy[first], counts)
        return full, summed

    def _rebuild_in_background(self, open_only: bool) -> None:
        def run() -> None:
            try:
                self._snapshots[open_only] = (time.monotonic(), self._build(open_only))
            finally:
                connection.close()  # this thread's own connection
                self._lock.release()

        threading.Thread(target=run, name="muang-map-grid", daemon=True).start()

    def snapshot(self, open_only: bool) -> tuple[Any, ...]:
        ttl = float(getattr(settings, "MUANG_MAP_GRID_SECONDS", 60))
        entry = self._snapshots.get(open_only)
        if entry is not None and time.monotonic() - entry[0] < ttl:
            return entry[1]
        if entry is None or ttl <= 0:
            with self._lock:
                entry = (time.monotonic(), self._build(open_only))
                self._snapshots[open_only] = entry
            return entry[1]
        if self._lock.acquire(blocking=False):  # else another rebuild is running already
            self._rebuild_in_background(open_only)
        return entry[1]

    def clear(self) -> None:
        self._snapshots.clear()

    def extent(
        self, *, organization_id: int | None = None, open_only: bool = True
    ) -> tuple[float, float, float, float] | None:
        """(min_lon, min_lat, max_lon, max_lat) of the cells holding public cases (of one organisation), or
        None when there are none: where a first visit to the map should look. Read from the snapshot."""
        org, _category, gx, gy, _n = self.snapshot(open_only)[1]
        if organization_id is not None:
            mask = org == organization_id
            gx, gy = gx[mask], gy[mask]
        if not gx.size:
            return None
        return (
            round(float(gx.min()) * GRID_BASE, 6),
            round(float(gy.min()) * GRID_BASE, 6),
            round(float(gx.max() + 1) * GRID_BASE, 6),
            round(float(gy.max() + 1) * GRID_BASE, 6),
        )

    def clusters(self, q: MapQuery) -> str:
        import numpy as np

        full, summed = self.snapshot(q.open_only)
        org, category, gx, gy, n = full if q.category else summed
        cx = (gx + 0.5) * GRID_BASE
        cy = (gy + 0.5) * GRID_BASE
        # Cells whose centre lies in the box.
        mask = (
            (cx >= q.bbox.min_lon) & (cx <= q.bbox.max_lon) & (cy >= q.bbox.min_lat) & (cy <= q.bbox.max_lat)
        )
        if q.organization_id is not None:
            mask &= org == q.organization_id
        if q.category:
            ids = CaseCategory.objects.filter(code=q.category).values_list("id", flat=True)
            mask &= np.isin(category, np.array(list(ids), dtype=np.int64))
        cell = geo.grid_cell_degrees(q.zoom, 6)
        features = geo.aggregate_cells(cx[mask], cy[mask], n[mask], cell, limit=MAP_MAX_CLUSTERS)
        return geo.feature_collection(features, truncated=False, cell=cell)


map_grid = MapGrid()


# --- the public case page, list and nearby reports ---------------------------------------------------------------


def public_case_detail(tracking_code: str) -> CaseDetail:
    """A case by its tracking code with its public timeline and photos only: anyone may read it."""
    code = normalize_tracking_code(tracking_code)
    if code is None:
        raise NotFound(_("“%(code)s” is not a tracking code.") % {"code": tracking_code})
    case = (
        Case.objects.select_related("organization", "category", "status", "department")
        .filter(organization_id=organization_id_of(code), tracking_code=code, organization__is_active=True)
        .first()
    )
    if case is None:
        raise NotFound(_("No case %(code)s.") % {"code": code})
    return case_public_detail(case)


def public_cases(
    *, organization: Organization | None = None, open_only: bool = False, category: str | None = None
) -> QuerySet[Case]:
    """Cases for the public list: only the columns public pages show."""
    qs = (
        Case.objects.filter(organization__is_active=True, duplicate_of__isnull=True)
        .select_related("organization", "category", "status")
        .only(
            "tracking_code",
            "created_at",
            "is_open",
            "address",
            "description",
            "resolved_at",
            "organization__name_th",
            "organization__slug",
            "category__name_th",
            "category__is_sensitive",
            "status__name_th",
            "status__kind",
        )
    )
    if organization is not None:
        qs = qs.filter(organization=organization)
    if open_only:
        qs = qs.filter(is_open=True)
    if category:
        qs = qs.filter(category__code=category)
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class NearbyCase:
    tracking_code: str
    category: str
    status: str
    created_at: dt.datetime
    distance_m: int


def nearby_open_cases(
    *, organization: Organization, category: CaseCategory, point: Point, metres: int = NEARBY_METRES
) -> list[NearbyCase]:
    """Open cases of the same category within `metres`, nearest first, so a citizen can follow one instead."""
    here = geo.point_sql()
    sql = f"""
        SELECT c.tracking_code, cat.name_th, st.name_th, c.created_at,
               ST_Distance(c.location::geography, {here}::geography) AS d
        FROM cases_case c
        JOIN cases_casecategory cat ON cat.id = c.category_id
        JOIN cases_casestatus st ON st.id = c.status_id
        WHERE c.organization_id = %s AND c.category_id = %s AND c.is_open AND c.duplicate_of_id IS NULL
          AND ST_DWithin(c.location::geography, {here}::geography, %s)
          AND c.location && ST_Expand({here}, %s)
        ORDER BY d
        LIMIT %s
    """  # noqa: S608 (constant fragments only; every value is a parameter)
    degrees = metres / 100_000  # a box a little larger than the circle, so the GiST index narrows first
    params = [point.x, point.y, organization.pk, category.pk, point.x, point.y, metres]
    params += [point.x, point.y, degrees, NEARBY_LIMIT]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [NearbyCase(r[0], r[1], r[2], r[3], round(r[4])) for r in rows]


def intake_categories(organization: Organization) -> list[CaseCategory]:
    """The active categories a citizen may choose in `organization` (the public directory of its services)."""
    return list(active_categories(organization).values())


def intake_category(organization: Organization, code: str) -> CaseCategory:
    """An active category by code, with its default department (the case service reads it: no extra query),
    from the per-process cache of the case engine: no query while nothing changed."""
    category = active_categories(organization).get(code)
    if category is None:
        raise InvalidInput.for_field(
            "category", _("%(org)s has no category “%(code)s”.") % {"org": organization.name_th, "code": code}
        )
    return category


def category_notice(organization: Organization, code: str) -> str:
    """A category's notice to citizens, kept as data in Organization.settings["reports"]["notices"][code]."""
    notices = (organization.settings or {}).get("reports", {}).get("notices", {})
    return str(notices.get(code, "")) if isinstance(notices, dict) else ""


# The organisations the public pages list: those that take cases.
public_organizations = organizations_taking_cases


def map_start_bounds(organization: Organization | None) -> list[list[float]] | None:
    """Where the public map opens, as Leaflet bounds [[south, west], [north, east]]: around the open reports
    (of `organization`), else around `organization`'s area or the areas of the organisations that take
    reports, else None (the client shows the whole country)."""
    box = map_grid.extent(organization_id=organization.pk if organization else None)
    if box is None:
        boundaries = (
            Organization.objects.filter(pk=organization.pk)
            if organization is not None
            else public_organizations().order_by()
        )
        extent = boundaries.aggregate(extent=Extent("boundary"))["extent"]
        box = tuple(round(v, 6) for v in extent) if extent else None
    if box is None:
        return None
    min_lon, min_lat, max_lon, max_lat = box
    return [[min_lat, min_lon], [max_lat, max_lon]]


def public_organization(slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug, is_active=True).first()
    if organization is None:
        raise NotFound(_("No organisation “%(slug)s”.") % {"slug": slug})
    return organization


# --- statistics --------------------------------------------------------------------------------------------------


@dataclass
class OrganizationCount:
    name: str
    slug: str
    total: int
    open: int


@dataclass
class Stats:
    organization: Organization | None  # None: every organisation that takes reports
    total: int
    open: int
    by_category: list[dict[str, Any]]
    by_status: list[dict[str, Any]]
    median_hours_to_resolve: float | None
    average_rating: float | None
    ratings: list[tuple[int, int]]  # (stars, how many) for 1..5
    rated: int
    by_organization: list[OrganizationCount]  # filled for every organisation only


def _kept(key: str, compute):
    """`compute()`, kept in the cache for settings.MUANG_PUBLIC_FIGURES_SECONDS: the public figures scan every
    case (seconds with a million), and anyone may ask for them at any rate."""
    seconds = settings.MUANG_PUBLIC_FIGURES_SECONDS
    if seconds <= 0:
        return compute()
    return cache.get_or_set(f"muang.reports.{key}", compute, seconds)


def organization_stats(organization: Organization | None) -> Stats:
    """Aggregate figures only (no case, no person): counts, the median time to resolve and satisfaction, of
    one organisation or, with None, of every active organisation together (and each one's counts).
    Kept for a few minutes (`_kept`)."""
    key = f"stats:{organization.pk if organization is not None else 'all'}"
    return _kept(key, lambda: _organization_stats(organization))


def _organization_stats(organization: Organization | None) -> Stats:
    if organization is not None:
        cases = Case.objects.filter(organization=organization)
        scope_sql, scope_params = "organization_id = %s", [organization.pk]
    else:
        cases = Case.objects.filter(organization__is_active=True)
        scope_sql, scope_params = "organization_id IN (SELECT id FROM core_organization WHERE is_active)", []
    by_category = list(
        cases.values("category__name_th")
        .annotate(n=Count("id"), open=Count("id", filter=Q(is_open=True)))
        .order_by("-n", "category__name_th")
    )
    by_status = list(
        cases.values("status__name_th", "status__kind")
        .annotate(n=Count("id"), position=Min("status__position"))
        .order_by("position", "status__name_th")
    )
    by_organization = []
    if organization is None:
        by_organization = [
            OrganizationCount(
                name=row["organization__name_th"],
                slug=row["organization__slug"],
                total=row["n"],
                open=row["open"],
            )
            for row in cases.values("organization__name_th", "organization__slug")
            .annotate(n=Count("id"), open=Count("id", filter=Q(is_open=True)))
            .order_by("-n", "organization__name_th")
        ]
    total, n_open, median_hours, average_rating, rated, ratings = _figures(scope_sql, scope_params)
    return Stats(
        organization=organization,
        total=total,
        open=n_open,
        by_category=by_category,
        by_status=by_status,
        median_hours_to_resolve=median_hours,
        average_rating=average_rating,
        ratings=ratings,
        rated=rated,
        by_organization=by_organization,
    )


def _figures(scope_sql: str, scope_params: list[Any]) -> tuple:
    """(total, open, median hours to resolve, average rating, ratings, [(stars, how many)]) in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE is_open),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at))
                     FILTER (WHERE resolved_at IS NOT NULL),
                   avg(rating), count(rating),
                   count(*) FILTER (WHERE rating = 1), count(*) FILTER (WHERE rating = 2),
                   count(*) FILTER (WHERE rating = 3), count(*) FILTER (WHERE rating = 4),
                   count(*) FILTER (WHERE rating = 5)
            FROM cases_case WHERE {scope_sql}
            """,  # noqa: S608 (a constant condition; the id is a parameter)
            scope_params,
        )
        row = cursor.fetchone()
    total, n_open, median_seconds, avg_rating, rated = row[:5]
    return (
        total,
        n_open,
        round(median_seconds / 3600, 1) if median_seconds is not None else None,
        round(float(avg_rating), 2) if avg_rating is not None else None,
        rated,
        [(stars, row[4 + stars]) for stars in range(1, 6)],
    )


@dataclass(frozen=True)
class PublicTotals:
    total: int
    open: int
    resolved: int
    median_hours_to_resolve: float | None
    average_rating: float | None


def public_totals() -> PublicTotals:
    """The figures of every active organisation together, for the public home page (one query, kept for a
    few minutes)."""
    return _kept("totals", _public_totals)


def _public_totals() -> PublicTotals:
    total, n_open, median_hours, average_rating, _rated, _ratings = _figures(
        "organization_id IN (SELECT id FROM core_organization WHERE is_active)", []
    )
    return PublicTotals(
        total=total,
        open=n_open,
        resolved=total - n_open,
        median_hours_to_resolve=median_hours,
        average_rating=average_rating,
    )


def status_names(organization: Organization) -> dict[str, str]:
    return dict(CaseStatus.objects.filter(organization=organization).values_list("code", "name_th"))


@dataclass
class OverdueGroup:
    """One department's overdue open cases for the digest: the oldest `cases` and how many there are in all."""

    cases: list[Case]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.cases)


def overdue_by_department(now: dt.datetime | None = None, *, limit: int = 200) -> dict[int, OverdueGroup]:
    """Open cases past their due time, grouped by department id, oldest due first (for the daily digest).

    At most `limit` cases per department are loaded (a window query: ROW_NUMBER() per department), with the
    department's total beside them; loading every overdue case made the background worker grow to 556 MB on
    the 1M-case bench (issue 11).
    """
    now = now or timezone.now()
    by_department = {"partition_by": [F("department_id")]}
    rows = (
        Case.objects.filter(is_open=True, due_at__lt=now, organization__is_active=True)
        .annotate(
            row=Window(RowNumber(), order_by=[F("due_at").asc(), F("id").asc()], **by_department),
            overdue=Window(Count("id"), **by_department),
        )
        .filter(row__lte=limit)
        .select_related("organization", "category", "status", "department", "assignee")
        .order_by("department_id", "due_at", "id")
    )
    grouped: dict[int, OverdueGroup] = {}
    for case in rows:
        group = grouped.setdefault(case.department_id, OverdueGroup(cases=[], total=case.overdue))
        group.cases.append(case)
    return grouped
