"""Reads of the staff tax map and the field survey: parcel status per tax year, the layers in a box, search,
the parcel card and the parcels nearest to a surveyor.

A parcel's map status for a tax year, first match wins:

1. **exempt** — outside the tax by s.8 (`Parcel.exemption`);
2. **paid / partly paid / unpaid** — from the year's land-and-building tax bills that are not cancelled and
   have a line for the parcel or a building on it (billing's convention: line `source_ref`
   ``property:parcel:<id>`` / ``property:building:<id>``): all paid → paid; some money received → partly
   paid; nothing received → unpaid;
3. **not surveyed** — not yet surveyed in the field (and not billed);
4. **exempt** — assessed, but the year's assessment in force puts its tax at 0 (e.g. inside a s.41 allowance);
5. **vacant** — vacant or unused land (s.37) not billed yet;
6. **not billed** — everything else (surveyed, not assessed or not billed yet).

Payment status changes all day (counter payments, bank files), so it is computed when asked, for the
parcels in view only, in one SQL statement; the vector tiles (`tiles.py`) stay pure geometry.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muang.billing.models import Bill, BillKind, BillLine, BillStatus
from muang.billing.permissions import BillingPerm
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.geo import (
    bbox_polygon,
    envelope_sql,
    feature_collection,
    feature_collection_text,
    grid_cell_degrees,
    grid_cluster_sql,
    grid_clusters,
    parse_position,
    point_feature,
)
from muang.core.models import Organization
from muang.property.assessment.selectors import current_run
from muang.property.assessment.sheet import AssessmentSheet
from muang.property.models import (
    Assessment,
    Building,
    Ownership,
    Parcel,
    ParcelPhoto,
    Signboard,
    Use,
)
from muang.property.permissions import PropertyPerm
from muang.property.registry import sources
from muang.property.registry.selectors import (
    PARCEL_SHAPE,
    get_parcel_for,
    owners_of,
    ownerships_on,
    parcel_card,
)

LAYER_FEATURE_LIMIT = (
    5000  # parcels, buildings or signs in one box; more → truncated (the map asks to zoom in)
)
SEARCH_LIMIT = 20
NEAREST_LIMIT = 8
NEAREST_MAX_METRES = 2000
MIN_TAX_YEAR = 2020


class MapStatus(TextChoices):
    PAID = "paid", gettext_lazy("paid")
    PARTLY_PAID = "partly_paid", gettext_lazy("partly paid")
    UNPAID = "unpaid", gettext_lazy("unpaid")
    EXEMPT = "exempt", gettext_lazy("exempt")
    VACANT = "vacant", gettext_lazy("vacant land")
    NOT_SURVEYED = "not_surveyed", gettext_lazy("not yet surveyed")
    NOT_BILLED = "not_billed", gettext_lazy("not yet billed")


def current_tax_year() -> int:
    return timezone.localdate().year


def clean_year(value: str | int | None) -> int:
    """A tax year in C.E. from a form or query string; empty → the current year. A B.E. year is refused."""
    if value in (None, ""):
        return current_tax_year()
    try:
        year = int(value)
    except (TypeError, ValueError) as e:
        raise InvalidInput.for_field("year", _("Give the tax year as a number, e.g. 2026.")) from e
    if not MIN_TAX_YEAR <= year <= current_tax_year() + 1:
        raise InvalidInput.for_field(
            "year",
            _("Choose a tax year from %(first)s to %(last)s (C.E.).")
            % {"first": MIN_TAX_YEAR, "last": current_tax_year() + 1},
        )
    return year


def map_years(*, organization: Organization) -> list[int]:
    """The tax years the year selector offers: the current one, next year, and every year billed or set up."""
    from muang.property.models import TaxYear

    years = {current_tax_year()}
    years.update(TaxYear.objects.filter(organization=organization).values_list("year", flat=True))
    years.update(
        Bill.objects.filter(organization=organization, kind=BillKind.LAND_BUILDING_TAX)
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted((y for y in years if y >= MIN_TAX_YEAR), reverse=True)


# --- status ----------------------------------------------------------------------------------------------------

# Parameters: org, west, south, east, north, limit, year, jan1, run. The hits use the GiST index on the shape;
# the bill lines the (organization, source_ref) index; the assessment sheets are read only for parcels
# with no bill (CASE evaluates lazily), through the owners on 1 January.
_STATUS_SQL = f"""
    WITH hits AS (
        SELECT p.id, p.code, p.use, p.survey_status, p.exemption, p.geometry, p.location
        FROM {Parcel._meta.db_table} p
        WHERE p.organization_id = %(org)s AND p.retired_on IS NULL AND {{where}}
        {{limit}}
    ),
    refs AS (
        SELECT h.id, '{sources.PARCEL.prefix}' || h.id AS ref FROM hits h
        UNION ALL
        SELECT b.parcel_id, '{sources.BUILDING.prefix}' || b.id
        FROM {Building._meta.db_table} b JOIN hits h ON b.parcel_id = h.id
        WHERE b.organization_id = %(org)s
    ),
    billed AS (
        SELECT r.id,
               count(*) FILTER (WHERE bill.status = '{BillStatus.PAID}') AS paid,
               count(*) FILTER (WHERE bill.status = '{BillStatus.PARTLY_PAID}') AS partly,
               count(*) FILTER (WHERE bill.status = '{BillStatus.OPEN}') AS open
        FROM refs r
        JOIN {BillLine._meta.db_table} line ON line.organization_id = %(org)s AND line.source_ref = r.ref
        JOIN {Bill._meta.db_table} bill ON bill.id = line.bill_id
        WHERE bill.organization_id = %(org)s AND bill.kind = '{BillKind.LAND_BUILDING_TAX}'
          AND bill.year = %(year)s AND bill.cancelled_at IS NULL AND bill.status <> '{BillStatus.CANCELLED}'
        GROUP BY r.id
    ),
    status AS (
        SELECT h.*,
            CASE
                WHEN h.exemption <> '' THEN 'exempt'
                WHEN bl.id IS NOT NULL THEN
                    CASE WHEN bl.open = 0 AND bl.partly = 0 THEN 'paid'
                         WHEN bl.paid > 0 OR bl.partly > 0 THEN 'partly_paid'
                         ELSE 'unpaid' END
                WHEN h.survey_status = '{Parcel.SurveyStatus.NOT_SURVEYED}' THEN 'not_surveyed'
                WHEN %(run)s::bigint IS NOT NULL AND EXISTS (
                    SELECT 1
                    FROM {Ownership._meta.db_table} o
                    JOIN {Assessment._meta.db_table} a
                      ON a.organization_id = %(org)s AND a.run_id = %(run)s AND a.owner_id = o.owner_id
                    CROSS JOIN LATERAL jsonb_array_elements(a.sheet -> 'properties') prop
                    WHERE o.organization_id = %(org)s AND o.parcel_id = h.id
                      AND o.valid_from <= %(jan1)s AND (o.valid_to IS NULL OR o.valid_to > %(jan1)s)
                      AND prop ->> 'kind' = 'parcel'
                      AND CASE WHEN prop -> 'id' IS NULL THEN prop ->> 'label' = h.code  -- sheets before ids
                               ELSE (prop ->> 'id')::bigint = h.id END
                      AND (prop ->> 'tax')::numeric = 0
                ) THEN 'exempt'
                WHEN h.use = '{Use.VACANT}' THEN 'vacant'
                ELSE 'not_billed'
            END AS status
        FROM hits h LEFT JOIN billed bl ON bl.id = h.id
    )
"""  # noqa: S608 (table names and choice values are ours; every value is a parameter)


_STATUS_BY_ID_SQL = (
    _STATUS_SQL.format(where="p.id = ANY(%(ids)s)", limit="") + "SELECT id, status FROM status"  # noqa: S608 (constant fragments only)
)
_GEOJSON_SQL = (
    _STATUS_SQL.format(  # noqa: S608 (constant fragments only)
        where=f"COALESCE(p.geometry, p.location) && {envelope_sql('%(w)s', '%(s)s', '%(e)s', '%(n)s')}",
        limit="LIMIT %(limit1)s",
    )
    + """
    SELECT (SELECT count(*) FROM hits),
           (SELECT '[' || COALESCE(string_agg(feature, ','), '') || ']' FROM (
                SELECT '{"type":"Feature","id":' || s.id
                    || ',"geometry":' || ST_AsGeoJSON(COALESCE(s.geometry, s.location), 6)
                    || ',"properties":' || json_build_object(
                        'code', s.code, 'status', s.status, 'use', s.use, 'survey_status', s.survey_status
                    )::text || '}' AS feature
                FROM status s LIMIT %(limit)s) f)
"""
)


def _status_params(organization: Organization, year: int) -> dict:
    run = current_run(organization=organization, year=year)
    return {
        "org": organization.pk,
        "year": year,
        "jan1": dt.date(year, 1, 1),
        "run": run.pk if run else None,
    }


def parcel_statuses(
    *, actor: Actor, organization: Organization, year: int, parcel_ids: list[int]
) -> dict[int, str]:
    """The map status of each of these parcels (ids of other organisations are simply not found)."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    if not parcel_ids:
        return {}
    sql = _STATUS_BY_ID_SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, {**_status_params(organization, year), "ids": list(parcel_ids)})
        return dict(cursor.fetchall())


def map_parcels_geojson(
    *,
    actor: Actor,
    organization: Organization,
    bbox: tuple[float, float, float, float],
    year: int,
    limit: int = LAYER_FEATURE_LIMIT,
) -> str:
    """The parcels in the box with their status for the year, as GeoJSON text built by PostGIS.

    Surveyed parcels come as polygons, the others as their pin; geometry to 6 decimals (~10 cm). More than
    `limit` → `limit` of them and `"truncated": true` (the map then asks to zoom in)."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    west, south, east, north = bbox
    sql = _GEOJSON_SQL
    params = {
        **_status_params(organization, year),
        "w": west,
        "s": south,
        "e": east,
        "n": north,
        "limit1": limit + 1,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, features = cursor.fetchone()
    return feature_collection_text(features, year=year, truncated=count > limit)


# --- other layers ----------------------------------------------------------------------------------------------


def _collection(features: list[dict], limit: int) -> str:
    return feature_collection(features[:limit], truncated=len(features) > limit)


def buildings_geojson(
    *, actor: Actor, organization: Organization, bbox: tuple[float, float, float, float], limit: int = 2000
) -> str:
    """Standing buildings with a surveyed footprint in the box."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    today = timezone.localdate()
    rows = (
        Building.objects.filter(organization=organization, footprint__bboverlaps=bbox_polygon(bbox))
        .filter(Q(demolished_on__isnull=True) | Q(demolished_on__gt=today))
        .select_related("parcel")
        .only("id", "number", "footprint", "type_code", "storeys", "use", "parcel__code")
        .order_by("id")[: limit + 1]
    )
    features = [
        {
            "type": "Feature",
            "id": b.pk,
            "geometry": json.loads(b.footprint.json),
            "properties": {"code": b.code, "parcel": b.parcel.code, "type_code": b.type_code, "use": b.use},
        }
        for b in rows
    ]
    return _collection(features, limit)


def signboards_geojson(
    *, actor: Actor, organization: Organization, bbox: tuple[float, float, float, float], limit: int = 2000
) -> str:
    """Signboards still up, located in the box."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    rows = (
        Signboard.objects.filter(
            organization=organization, removed_on__isnull=True, location__bboverlaps=bbox_polygon(bbox)
        )
        .select_related("parcel")
        .only("id", "location", "sign_type", "width_cm", "height_cm", "message", "parcel__code")
        .order_by("id")[: limit + 1]
    )
    features = [
        {
            "type": "Feature",
            "id": s.pk,
            "geometry": point_feature(s.location.x, s.location.y, {})["geometry"],
            "properties": {
                "sign_type": s.sign_type,
                "size": f"{s.width_cm:g} × {s.height_cm:g} cm",
                "message": s.message[:80],
                "parcel": s.parcel.code if s.parcel else "",
            },
        }
        for s in rows
    ]
    return _collection(features, limit)


# --- search ----------------------------------------------------------------------------------------------------


@dataclass
class SearchHit:
    code: str
    deed_number: str
    address: str
    matched_owner: str
    bounds: tuple[float, float, float, float] | None  # west, south, east, north


def map_search(
    *, actor: Actor, organization: Organization, q: str, limit: int = SEARCH_LIMIT
) -> list[SearchHit]:
    """Active parcels by code (prefix), deed or land number (exact), or owner (name, family name, or the
    13-digit national / tax ID) as of today, codes in order."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    q = q.strip()
    if len(q) < 2:
        return []
    condition = Q(code__startswith=q.upper()) | Q(deed_number=q) | Q(land_number=q)
    owners = {o.pk: o.display_name for o in owners_of(actor=actor, organization=organization, q=q)[:50]}
    matched: dict[int, str] = {}
    if owners:
        for owner_id, parcel_id, building_parcel, unit_parcel in (
            ownerships_on(organization=organization, day=timezone.localdate())
            .filter(owner_id__in=owners)
            .values_list("owner_id", "parcel_id", "building__parcel_id", "condo_unit__parcel_id")
        ):
            pid = parcel_id or building_parcel or unit_parcel
            if pid:
                matched.setdefault(pid, owners[owner_id])
        condition |= Q(pk__in=list(matched))
    parcels = (
        Parcel.objects.filter(organization=organization, retired_on__isnull=True)
        .filter(condition)
        .only("id", "code", "deed_number", "address", "geometry", "location")
        .order_by("code", "id")[:limit]
    )
    hits = []
    for p in parcels:
        shape = p.geometry or p.location
        hits.append(
            SearchHit(
                code=p.code,
                deed_number=p.deed_number,
                address=p.address,
                matched_owner=matched.get(p.pk, ""),
                bounds=tuple(round(v, 6) for v in shape.extent) if shape else None,
            )
        )
    return hits


# --- the parcel card -------------------------------------------------------------------------------------------


@dataclass
class BillOnCard:
    number: str
    payer_name: str
    status: str
    status_label: str
    amount: Decimal  # the whole bill
    paid_principal: Decimal
    due_date: dt.date
    line_amount: Decimal  # the part of it for this parcel and its buildings
    lines: list[str]


@dataclass
class AssessedOnCard:
    owner_id: int
    owner_name: str
    value: Decimal
    tax: Decimal


@dataclass
class MapCard:
    parcel: Parcel
    year: int
    status: str
    status_label: str
    assessed: list[AssessedOnCard] = field(default_factory=list)
    bills: list[BillOnCard] | None = None  # None: the actor may not see bills
    photos: list[ParcelPhoto] = field(default_factory=list)

    @property
    def assessed_tax(self) -> Decimal | None:
        return sum((a.tax for a in self.assessed), Decimal(0)) if self.assessed else None


def _parcel_refs(parcel: Parcel, buildings: list[Building]) -> list[str]:
    return [str(sources.PARCEL.ref(parcel.pk)), *(str(sources.BUILDING.ref(b.pk)) for b in buildings)]


def map_card(*, actor: Actor, organization: Organization, code: str, year: int) -> MapCard:
    """Everything the card shows, prepared here (the template runs no query): the registry facts, the
    status, each taxpayer's assessed tax for this parcel (from the sheet in force), the bills if the actor
    may see bills, and the latest survey photos."""
    parcel = parcel_card(actor=actor, organization=organization, code=code)
    status = parcel_statuses(actor=actor, organization=organization, year=year, parcel_ids=[parcel.pk])[
        parcel.pk
    ]
    card = MapCard(parcel=parcel, year=year, status=status, status_label=str(MapStatus(status).label))

    run = current_run(organization=organization, year=year)
    if run is not None:
        owners_on_jan1 = ownerships_on(organization=organization, day=dt.date(year, 1, 1)).filter(
            parcel=parcel
        )
        for a in (
            Assessment.objects.filter(
                organization=organization, run=run, owner_id__in=owners_on_jan1.values("owner_id")
            )
            .select_related("owner")
            .order_by("owner_id")
        ):
            for prop in AssessmentSheet.from_json(a.sheet).parcel_properties(parcel.pk, parcel.code):
                card.assessed.append(
                    AssessedOnCard(
                        owner_id=a.owner_id, owner_name=a.owner.display_name, value=prop.value, tax=prop.tax
                    )
                )

    if actor.has_perm(organization, BillingPerm.BILL_VIEW):
        lines = (
            BillLine.objects.filter(
                organization=organization,
                source_ref__in=_parcel_refs(parcel, parcel.active_buildings),
                bill__kind=BillKind.LAND_BUILDING_TAX,
                bill__year=year,
            )
            .select_related("bill")
            .order_by("bill__number", "position")
        )
        bills: dict[int, BillOnCard] = {}
        for line in lines:
            bill = line.bill
            entry = bills.get(bill.pk)
            if entry is None:
                entry = bills[bill.pk] = BillOnCard(
                    number=bill.number,
                    payer_name=bill.payer_name,
                    status=bill.status,
                    status_label=str(BillStatus(bill.status).label),
                    amount=bill.amount,
                    paid_principal=bill.paid_principal,
                    due_date=bill.due_date,
                    line_amount=Decimal(0),
                    lines=[],
                )
            entry.line_amount += line.amount
            entry.lines.append(line.description)
        card.bills = list(bills.values())
    card.photos = list(
        ParcelPhoto.objects.filter(organization=organization, parcel=parcel).order_by("-created_at", "-id")[
            :6
        ]
    )
    return card


# --- the field survey ------------------------------------------------------------------------------------------


@dataclass
class NearParcel:
    code: str
    distance_m: int
    contains: bool  # the surveyor stands on it
    use: str
    use_label: str
    survey_status: str
    survey_label: str
    address: str


def clean_position(lat, lon) -> Point:
    return parse_position(lat, lon)


def nearest_parcels(
    *, actor: Actor, organization: Organization, position: Point, limit: int = NEAREST_LIMIT
) -> list[NearParcel]:
    """The active parcels nearest to where the surveyor stands (KNN on the shape's GiST index), at most
    2 km away; the one they stand on first."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    rows = (
        Parcel.objects.filter(organization=organization, retired_on__isnull=True)
        .annotate(shape=PARCEL_SHAPE)
        .filter(shape__dwithin=(position, NEAREST_MAX_METRES / 111_320))
        .annotate(distance=Distance("shape", position))
        .only("id", "code", "use", "survey_status", "address", "geometry", "location")
        .order_by("distance", "code")[:limit]
    )
    out = []
    for p in rows:
        metres = p.distance.m
        out.append(
            NearParcel(
                code=p.code,
                distance_m=round(metres),
                contains=bool(p.geometry and p.geometry.contains(position)),
                use=p.use,
                use_label=str(Use(p.use).label),
                survey_status=p.survey_status,
                survey_label=str(Parcel.SurveyStatus(p.survey_status).label),
                address=p.address,
            )
        )
    out.sort(key=lambda n: (not n.contains, n.distance_m, n.code))
    return out


def get_map_parcel(*, actor: Actor, organization: Organization, code: str) -> Parcel:
    return get_parcel_for(actor=actor, organization=organization, code=code)


def get_parcel_photo_for(*, actor: Actor, organization: Organization, photo_id: int) -> ParcelPhoto:
    from muang.core.errors import NotFound

    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    photo = ParcelPhoto.objects.filter(organization=organization, pk=photo_id).first()
    if photo is None:
        raise NotFound(_("No photo %(id)s in %(org)s.") % {"id": photo_id, "org": organization})
    return photo


# The legend and the map draw from this one table (colour-blind-safe enough: each also has a label).
STATUS_COLOURS: dict[str, str] = {
    MapStatus.PAID: "#067647",
    MapStatus.PARTLY_PAID: "#f79009",
    MapStatus.UNPAID: "#d92d20",
    MapStatus.EXEMPT: "#7a5af8",
    MapStatus.VACANT: "#a15c07",
    MapStatus.NOT_SURVEYED: "#98a2b3",
    MapStatus.NOT_BILLED: "#2e90fa",
}


def legend() -> list[dict[str, str]]:
    return [{"code": s.value, "label": str(s.label), "colour": STATUS_COLOURS[s]} for s in MapStatus]


# --- low zoom --------------------------------------------------------------------------------------------------

# Counting reads every parcel in view: from zoom 14 a desktop view holds at most ~180,000 even of a
# wall-to-wall registry of 22 m lots (bench/bench_tax_map.py measures it); further out the map asks to zoom in.
CLUSTER_MIN_ZOOM = 14
_CLUSTER_SQL = grid_cluster_sql(
    f"""SELECT COALESCE(p.geometry, p.location) AS shape
          FROM {Parcel._meta.db_table} p
          WHERE p.organization_id = %(org)s AND p.retired_on IS NULL
            AND COALESCE(p.geometry, p.location) && {envelope_sql("%(w)s", "%(s)s", "%(e)s", "%(n)s")}"""  # noqa: S608 (the table name is ours; every value is a parameter)
)


def parcel_clusters(
    *, actor: Actor, organization: Organization, bbox: tuple[float, float, float, float], zoom: int
) -> str:
    """How many parcels lie in each cell of a grid over the box (cells ~64 screen pixels at `zoom`), as
    GeoJSON points with a `count`: the map below parcel zoom. Only the bounding boxes are read (no geometry
    is decoded), so a district-wide view of a province-sized registry stays quick."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    if not CLUSTER_MIN_ZOOM <= zoom <= 22:
        raise InvalidInput.for_field(
            "zoom", _("Counts are given from zoom %(min)s to %(max)s.") % {"min": CLUSTER_MIN_ZOOM, "max": 22}
        )
    west, south, east, north = bbox
    cell = grid_cell_degrees(zoom, 4)  # cells of ~64 pixels
    params = {"org": organization.pk, "w": west, "s": south, "e": east, "n": north, "cell": cell}
    return feature_collection(grid_clusters(_CLUSTER_SQL, params))
