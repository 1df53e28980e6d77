"""Reads of the property domain. Every read takes the actor and the organisation and checks access; fetches
by code or id go through `get_*_for`, which only ever look inside the given organisation."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.db.models import GeometryField
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import NotFound
from muang.core.geo import SRID, BBox, bbox_polygon, envelope_sql, feature_collection_text
from muang.core.models import AuditEntry, Organization
from muang.core.uploads import FileRead, Visibility
from muang.property.models import (
    Building,
    BuildingPrice,
    CondoPrice,
    CondoUnit,
    HouseRegistration,
    ImportBatch,
    LandPrice,
    Owner,
    Ownership,
    Parcel,
    ParcelPhoto,
    Signboard,
    TaxYear,
)
from muang.property.permissions import PropertyPerm

MAP_FEATURE_LIMIT = 5000
# What a parcel shows on the map: its surveyed geometry, else its pin (GiST-indexed as this expression).
PARCEL_SHAPE = Coalesce("geometry", "location", output_field=GeometryField(srid=SRID))
MAX_BBOX_DEGREES = 1.0  # about 110 km: a province-wide view asks for tiles or a coarser layer


def parse_bbox(value: str, field: str = "bbox") -> BBox:
    """`min_lon,min_lat,max_lon,max_lat` in WGS84, at most MAX_BBOX_DEGREES each way."""
    return BBox.parse(value, field, max_degrees=MAX_BBOX_DEGREES)


# --- parcels ---------------------------------------------------------------------------------------------------


def parcels_of(
    *,
    actor: Actor,
    organization: Organization,
    bbox: tuple[float, float, float, float] | None = None,
    q: str = "",
    zone: str | None = None,
    use: str | None = None,
    survey_status: str | None = None,
    include_retired: bool = False,
) -> QuerySet[Parcel]:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    qs = Parcel.objects.filter(organization=organization)
    if not include_retired:
        qs = qs.filter(retired_on__isnull=True)
    if bbox is not None:
        qs = qs.annotate(shape=PARCEL_SHAPE).filter(shape__bboverlaps=bbox_polygon(bbox))
    if q := q.strip():
        qs = qs.filter(Q(code__startswith=q.upper()) | Q(deed_number=q) | Q(land_number=q))
    if zone:
        qs = qs.filter(zone=zone)
    if use:
        qs = qs.filter(use=use)
    if survey_status:
        qs = qs.filter(survey_status=survey_status)
    return qs.order_by("code", "id")


def get_parcel_for(*, actor: Actor, organization: Organization, code: str) -> Parcel:
    parcel = (
        parcels_of(actor=actor, organization=organization)
        .select_related("organization")
        .filter(code=code.upper())
        .first()
    )
    if parcel is None:
        raise NotFound(_("No parcel %(code)s in %(org)s.") % {"code": code, "org": organization})
    return parcel


def parcel_card(
    *, actor: Actor, organization: Organization, code: str, as_of: dt.date | None = None
) -> Parcel:
    """A parcel with its buildings, current owners (as of a day, default today) and signboards, in 4 queries."""
    parcel = get_parcel_for(actor=actor, organization=organization, code=code)
    day = as_of or dt.date.today()  # noqa: DTZ011 (a calendar day; ownership periods are dates)
    parcel.current_ownerships = list(
        ownerships_on(organization=organization, day=day).filter(parcel=parcel).select_related("owner")
    )
    parcel.active_buildings = list(
        parcel.buildings.filter(Q(demolished_on__isnull=True) | Q(demolished_on__gt=day)).order_by("number")
    )
    parcel.active_signboards = list(
        parcel.signboards.filter(Q(removed_on__isnull=True) | Q(removed_on__gt=day)).order_by("id")
    )
    return parcel


def parcels_geojson(
    *,
    actor: Actor,
    organization: Organization,
    bbox: tuple[float, float, float, float],
    limit: int = MAP_FEATURE_LIMIT,
) -> str:
    """The map layer: active parcels in the box as GeoJSON text, built by PostGIS in one query.

    Only the columns the map colours by; geometry to 6 decimals (~10 cm). Parcels without a surveyed
    geometry show as their pin. More than `limit` features → `limit` of them (any; no sort, so the index scan stops early) and `"truncated": true`.
    """
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    west, south, east, north = bbox
    sql = f"""
        WITH hits AS (
            SELECT '{{"type":"Feature","id":' || p.id
                || ',"geometry":' || ST_AsGeoJSON(COALESCE(p.geometry, p.location), 6)
                || ',"properties":' || json_build_object(
                    'code', p.code, 'use', p.use, 'survey_status', p.survey_status,
                    'area_square_wah', p.area_square_wah, 'exemption', p.exemption
                )::text || '}}' AS feature
            FROM {Parcel._meta.db_table} p
            WHERE p.organization_id = %s AND p.retired_on IS NULL
              AND COALESCE(p.geometry, p.location) && {envelope_sql()}
            LIMIT %s
        )
        SELECT (SELECT count(*) FROM hits),
               (SELECT '[' || COALESCE(string_agg(feature, ','), '') || ']' FROM (SELECT feature FROM hits LIMIT %s) f)
    """  # noqa: S608 (the table name is ours; every value is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization.pk, west, south, east, north, limit + 1, limit])
        count, features = cursor.fetchone()
    return feature_collection_text(features, truncated=count > limit)


def registry_history(*, actor: Actor, organization: Organization, parcel: Parcel) -> QuerySet[AuditEntry]:
    """Every change of a parcel and of what hangs on it (buildings, units, ownerships, signboards), newest first."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)

    def ids(qs) -> list[str]:
        return [str(pk) for pk in qs.values_list("pk", flat=True)]

    buildings = Building.objects.filter(organization=organization, parcel=parcel)
    targets = {
        Parcel: [str(parcel.pk)],
        Building: ids(buildings),
        CondoUnit: ids(CondoUnit.objects.filter(organization=organization, parcel=parcel)),
        Ownership: ids(
            Ownership.objects.filter(organization=organization).filter(
                Q(parcel=parcel) | Q(building__in=buildings) | Q(condo_unit__parcel=parcel)
            )
        ),
        HouseRegistration: ids(
            HouseRegistration.objects.filter(organization=organization, building__in=buildings)
        ),
        Signboard: ids(Signboard.objects.filter(organization=organization, parcel=parcel)),
    }
    condition = Q(pk__in=[])
    for model, object_ids in targets.items():
        if object_ids:
            condition |= Q(object_type=model._meta.label, object_id__in=object_ids)
    return AuditEntry.objects.filter(condition, organization=organization).order_by("-at", "-id")


def object_history(*, actor: Actor, organization: Organization, instance) -> QuerySet[AuditEntry]:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    return AuditEntry.objects.filter(
        organization=organization, object_type=instance._meta.label, object_id=str(instance.pk)
    ).order_by("-at", "-id")


# --- buildings, units, owners, signboards ----------------------------------------------------------------------


def buildings_of(
    *, actor: Actor, organization: Organization, parcel: Parcel | None = None
) -> QuerySet[Building]:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    qs = Building.objects.filter(organization=organization).select_related("parcel")
    if parcel is not None:
        qs = qs.filter(parcel=parcel)
    return qs.order_by("parcel__code", "number")


def get_building_for(*, actor: Actor, organization: Organization, building_id: int) -> Building:
    building = buildings_of(actor=actor, organization=organization).filter(pk=building_id).first()
    if building is None:
        raise NotFound(_("No building %(id)s in %(org)s.") % {"id": building_id, "org": organization})
    return building


def condo_units_of(
    *, actor: Actor, organization: Organization, condominium_code: str = ""
) -> QuerySet[CondoUnit]:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    qs = CondoUnit.objects.filter(organization=organization)
    if condominium_code:
        qs = qs.filter(condominium_code=condominium_code)
    return qs.order_by("condominium_code", "building_name", "unit_number")


def get_condo_unit_for(*, actor: Actor, organization: Organization, unit_id: int) -> CondoUnit:
    unit = condo_units_of(actor=actor, organization=organization).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("No condominium unit %(id)s in %(org)s.") % {"id": unit_id, "org": organization})
    return unit


def owners_of(*, actor: Actor, organization: Organization, q: str = "") -> QuerySet[Owner]:
    """Owners by name, family name or (exact) national / tax ID."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    qs = Owner.objects.filter(organization=organization)
    if q := q.strip():
        digits = q.replace("-", "").replace(" ", "")
        if digits.isdigit() and len(digits) == 13:
            qs = qs.filter(Q(national_id=digits) | Q(tax_id=digits))
        else:
            qs = qs.filter(Q(name__icontains=q) | Q(last_name__icontains=q))
    return qs.order_by("name", "last_name", "id")


def get_owner_for(*, actor: Actor, organization: Organization, owner_id: int) -> Owner:
    owner = owners_of(actor=actor, organization=organization).filter(pk=owner_id).first()
    if owner is None:
        raise NotFound(_("No owner %(id)s in %(org)s.") % {"id": owner_id, "org": organization})
    return owner


def ownerships_on(*, organization: Organization, day: dt.date) -> QuerySet[Ownership]:
    """Ownerships valid on `day` (for a tax year: 1 January). No access check: for services and the
    assessment run, which check their own permission; set-based, to join in SQL."""
    return Ownership.objects.filter(organization=organization, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def house_registrations_on(*, organization: Organization, day: dt.date) -> QuerySet[HouseRegistration]:
    """House registrations in force on `day` (s.41 looks at 1 January). No access check, like `ownerships_on`."""
    return HouseRegistration.objects.filter(organization=organization, registered_on__lte=day).filter(
        Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=day)
    )


def ownerships_of(
    *, actor: Actor, organization: Organization, owner: Owner | None = None, parcel: Parcel | None = None
) -> QuerySet[Ownership]:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    qs = Ownership.objects.filter(organization=organization).select_related(
        "owner", "parcel", "building__parcel"
    )
    if owner is not None:
        qs = qs.filter(owner=owner)
    if parcel is not None:
        qs = qs.filter(parcel=parcel)
    return qs.order_by("valid_from", "id")


def get_ownership_for(*, actor: Actor, organization: Organization, ownership_id: int) -> Ownership:
    ownership = ownerships_of(actor=actor, organization=organization).filter(pk=ownership_id).first()
    if ownership is None:
        raise NotFound(_("No ownership %(id)s in %(org)s.") % {"id": ownership_id, "org": organization})
    return ownership


def get_house_registration_for(
    *, actor: Actor, organization: Organization, registration_id: int
) -> HouseRegistration:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    registration = HouseRegistration.objects.filter(organization=organization, pk=registration_id).first()
    if registration is None:
        raise NotFound(
            _("No house registration %(id)s in %(org)s.") % {"id": registration_id, "org": organization}
        )
    return registration


def signboards_of(
    *,
    actor: Actor,
    organization: Organization,
    owner: Owner | None = None,
    parcel: Parcel | None = None,
    include_removed: bool = False,
) -> QuerySet[Signboard]:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    qs = Signboard.objects.filter(organization=organization).select_related("parcel")
    if not include_removed:
        qs = qs.filter(removed_on__isnull=True)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if parcel is not None:
        qs = qs.filter(parcel=parcel)
    return qs.order_by("id")


def get_signboard_for(*, actor: Actor, organization: Organization, signboard_id: int) -> Signboard:
    sign = (
        signboards_of(actor=actor, organization=organization, include_removed=True)
        .filter(pk=signboard_id)
        .first()
    )
    if sign is None:
        raise NotFound(_("No signboard %(id)s in %(org)s.") % {"id": signboard_id, "org": organization})
    return sign


# The stored photos of the registry, by the kind in their name (muang.core.uploads): model and field.
PHOTO_KINDS = {"signboards": (Signboard, "photo"), "parcels": (ParcelPhoto, "file")}


def photo_visibility(*, actor: Actor, kind: str, organization_id: int, name: str) -> Visibility:
    """A signboard or survey photo shows someone's property: staff of its organisation who may read the
    registry (property.view) only, and never a shared cache."""
    model, field = PHOTO_KINDS[kind]
    row = model.objects.filter(organization_id=organization_id, **{field: name}).select_related(
        "organization"
    )
    row = row.first()
    if row is None:
        raise NotFound(_("No such photo."))
    require(actor, row.organization, PropertyPerm.PROPERTY_VIEW)
    return Visibility.PERSONAL


def read_photo(read: FileRead) -> Visibility:
    """The reader of `/files/signboards/...` and `/files/parcels/...` (declared in the app's contract)."""
    return photo_visibility(
        actor=read.actor, kind=read.kind, organization_id=read.organization_id, name=read.name
    )


# --- valuation tables ------------------------------------------------------------------------------------------


def tax_years_of(*, actor: Actor, organization: Organization) -> QuerySet[TaxYear]:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    return TaxYear.objects.filter(organization=organization).order_by("-year")


def get_tax_year_for(*, actor: Actor, organization: Organization, year: int) -> TaxYear:
    tax_year = tax_years_of(actor=actor, organization=organization).filter(year=year).first()
    if tax_year is None:
        raise NotFound(_("No tax year %(y)s in %(org)s.") % {"y": year, "org": organization})
    return tax_year


def land_prices_of(*, actor: Actor, tax_year: TaxYear, key_prefix: str = "") -> QuerySet[LandPrice]:
    require(actor, tax_year.organization, PropertyPerm.PROPERTY_VIEW)
    qs = LandPrice.objects.filter(organization=tax_year.organization, tax_year=tax_year)
    if key_prefix:
        qs = qs.filter(key__startswith=key_prefix.upper())
    return qs.order_by("key")


def building_prices_of(*, actor: Actor, tax_year: TaxYear) -> QuerySet[BuildingPrice]:
    require(actor, tax_year.organization, PropertyPerm.PROPERTY_VIEW)
    return BuildingPrice.objects.filter(organization=tax_year.organization, tax_year=tax_year).order_by(
        "type_code"
    )


def condo_prices_of(*, actor: Actor, tax_year: TaxYear) -> QuerySet[CondoPrice]:
    require(actor, tax_year.organization, PropertyPerm.PROPERTY_VIEW)
    return CondoPrice.objects.filter(organization=tax_year.organization, tax_year=tax_year).order_by(
        "condominium_code", "floor"
    )


def imports_of(*, actor: Actor, organization: Organization) -> QuerySet[ImportBatch]:
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    return (
        ImportBatch.objects.filter(organization=organization)
        .select_related("actor_user")  # the page names who imported, by name
        .order_by("-created_at", "-id")
    )


def parcels_with_land_price(*, organization: Organization, tax_year: TaxYear) -> QuerySet[Parcel]:
    """Active parcels annotated with `land_price` per square wah: the parcel's own price, else its block's,
    else its zone's (None if none). Set-based (three index lookups per row in one statement), for the
    assessment run; no access check, like `ownerships_on`."""
    prices = LandPrice.objects.filter(organization=organization, tax_year=tax_year)

    def price_for(column: str) -> Subquery:
        return Subquery(prices.filter(key=OuterRef(column)).values("price_per_square_wah")[:1])

    return Parcel.objects.filter(organization=organization, retired_on__isnull=True).annotate(
        land_price=Coalesce(price_for("code"), price_for("block"), price_for("zone"))
    )
