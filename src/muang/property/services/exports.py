"""Exports of the registry as GeoJSON (parcels, for GIS) and Excel (the whole registry, for the office).

Reads only, streamed in chunks so a province-sized registry does not sit in memory. The GeoJSON carries no
personal data (it is what a GIS desk or an open-data portal may get); the workbook does, so both need the
registry permission.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

from django.contrib.gis.db.models.functions import AsGeoJSON

from muang.core.access import Actor, require
from muang.core.models import Organization
from muang.property.models import Building, CondoUnit, HouseRegistration, Owner, Ownership, Parcel, Signboard
from muang.property.permissions import PropertyPerm

CHUNK = 2000
GEOJSON_PRECISION = 7  # about 1 cm
PARCEL_PROPERTIES = (
    "code",
    "deed_type",
    "deed_number",
    "land_number",
    "map_sheet",
    "area_rai",
    "area_ngan",
    "area_wah",
    "area_square_metres",
    "use",
    "survey_status",
    "exemption",
)


def _json_value(value):
    return str(value) if value is not None and not isinstance(value, str | int | float | bool) else value


def parcels_geojson_chunks(*, actor: Actor, organization: Organization) -> Iterator[str]:
    """A GeoJSON FeatureCollection of the active parcels, as text chunks (ST_AsGeoJSON in the database)."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    rows = (
        Parcel.objects.filter(organization=organization, retired_on__isnull=True)
        .annotate(
            geometry_json=AsGeoJSON("geometry", precision=GEOJSON_PRECISION),
            location_json=AsGeoJSON("location", precision=GEOJSON_PRECISION),
        )
        .order_by("code")
        .values_list("id", "geometry_json", "location_json", *PARCEL_PROPERTIES)
    )
    yield '{"type":"FeatureCollection","features":['
    first = True
    for row in rows.iterator(chunk_size=CHUNK):
        pk, geometry, location, *values = row
        properties = json.dumps(
            {k: _json_value(v) for k, v in zip(PARCEL_PROPERTIES, values, strict=True)}, ensure_ascii=False
        )
        feature = f'{"" if first else ","}{{"type":"Feature","id":{pk},"geometry":{geometry or location or "null"},"properties":{properties}}}'
        first = False
        yield feature
    yield "]}"


def _sheet(workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))  # str, int, Decimal, date, bool: all native to openpyxl


def registry_xlsx(*, actor: Actor, organization: Organization) -> bytes:
    """The whole registry as a workbook: parcels, buildings, condo units, owners, ownerships, house
    registrations, signboards. Geometry stays out (GeoJSON carries it); parcels keep their lon/lat."""
    from openpyxl import Workbook

    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    workbook = Workbook(write_only=True)
    org = {"organization": organization}

    parcel_fields = [
        "code",
        "deed_type",
        "deed_number",
        "land_number",
        "map_sheet",
        "area_rai",
        "area_ngan",
        "area_wah",
        "area_square_wah",
        "area_square_metres",
        "use",
        "share_agricultural",
        "share_residential",
        "share_other",
        "share_vacant",
        "survey_status",
        "vacant_since",
        "exemption",
        "address",
        "retired_on",
    ]
    parcels = Parcel.objects.filter(**org).order_by("code", "id")
    _sheet(
        workbook,
        "parcels",
        [*parcel_fields, "lon", "lat"],
        (
            [
                *(getattr(p, f) for f in parcel_fields),
                *((p.location.x, p.location.y) if p.location else (None, None)),
            ]
            for p in parcels.defer("geometry").iterator(chunk_size=CHUNK)
        ),
    )
    building_fields = [
        "number",
        "house_number",
        "house_id",
        "type_code",
        "construction",
        "floor_area_m2",
        "year_built",
        "storeys",
        "use",
        "share_agricultural",
        "share_residential",
        "share_other",
        "share_vacant",
        "demolished_on",
    ]
    _sheet(
        workbook,
        "buildings",
        ["id", "parcel", *building_fields],
        Building.objects.filter(**org)
        .order_by("parcel__code", "number")
        .values_list("id", "parcel__code", *building_fields)
        .iterator(chunk_size=CHUNK),
    )
    condo_fields = [
        "id",
        "condominium_code",
        "condominium_name",
        "building_name",
        "unit_number",
        "floor",
        "area_m2",
        "title_deed_number",
        "use",
    ]
    _sheet(
        workbook,
        "condo_units",
        condo_fields,
        CondoUnit.objects.filter(**org).values_list(*condo_fields).iterator(chunk_size=CHUNK),
    )
    owner_fields = [
        "id",
        "kind",
        "national_id",
        "tax_id",
        "title",
        "name",
        "last_name",
        "address",
        "phone",
        "email",
        "is_farmer",
    ]
    _sheet(
        workbook,
        "owners",
        owner_fields,
        Owner.objects.filter(**org).order_by("id").values_list(*owner_fields).iterator(chunk_size=CHUNK),
    )
    ownership_fields = [
        "id",
        "owner_id",
        "parcel__code",
        "building_id",
        "condo_unit_id",
        "kind",
        "share_numerator",
        "share_denominator",
        "valid_from",
        "valid_to",
        "document",
    ]
    _sheet(
        workbook,
        "ownerships",
        ownership_fields,
        Ownership.objects.filter(**org)
        .order_by("id")
        .values_list(*ownership_fields)
        .iterator(chunk_size=CHUNK),
    )
    registration_fields = ["id", "owner_id", "building_id", "condo_unit_id", "registered_on", "moved_out_on"]
    _sheet(
        workbook,
        "house_registrations",
        registration_fields,
        HouseRegistration.objects.filter(**org)
        .order_by("id")
        .values_list(*registration_fields)
        .iterator(chunk_size=CHUNK),
    )
    sign_fields = [
        "id",
        "owner_id",
        "parcel__code",
        "building_id",
        "place",
        "sign_type",
        "moving",
        "width_cm",
        "height_cm",
        "area_cm2",
        "message",
        "installed_on",
        "removed_on",
    ]
    _sheet(
        workbook,
        "signboards",
        sign_fields,
        Signboard.objects.filter(**org).order_by("id").values_list(*sign_fields).iterator(chunk_size=CHUNK),
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
