"""Exports of the registry as GeoJSON (parcels, for GIS) and Excel (the whole registry, for the office).

Reads only, streamed in chunks so a province-sized registry does not sit in memory. The GeoJSON carries no
personal data (it is what a GIS desk or an open-data portal may get); the workbook does (national IDs,
phones, addresses), so both need the registry permission (the tax duty) and every workbook taken is audited.
The workbook speaks the reader's language (Thai unless they switched to English): sheet names and column
headings are translated, years are Buddhist Era in Thai, and text that a spreadsheet would run as a formula is
made inert (muang.core.spreadsheets).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muang.core import audit, geo
from muang.core.access import Actor, require
from muang.core.models import Organization
from muang.core.spreadsheets import safe_row
from muang.core.thai_dates import uses_buddhist_era, year_for_reader
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
    yield from geo.feature_collection_chunks(
        (
            pk,
            geometry or location,
            {k: _json_value(v) for k, v in zip(PARCEL_PROPERTIES, values, strict=True)},
        )
        for pk, geometry, location, *values in rows.iterator(chunk_size=CHUNK)
    )


def _year_heading() -> str:
    return _("B.E.") if uses_buddhist_era() else _("C.E.")


# (field, heading) per sheet. Headings are translated when the workbook is written; "{era}" is B.E. or C.E.
USE_SHARE_COLUMNS = [
    ("use", gettext_lazy("Use")),
    ("share_agricultural", gettext_lazy("Agricultural share (%)")),
    ("share_residential", gettext_lazy("Residential share (%)")),
    ("share_other", gettext_lazy("Other-use share (%)")),
    ("share_vacant", gettext_lazy("Vacant share (%)")),
]
PARCEL_COLUMNS = [
    ("code", gettext_lazy("Parcel code")),
    ("deed_type", gettext_lazy("Deed type")),
    ("deed_number", gettext_lazy("Deed number")),
    ("land_number", gettext_lazy("Land number")),
    ("map_sheet", gettext_lazy("Map sheet")),
    ("area_rai", gettext_lazy("Rai")),
    ("area_ngan", gettext_lazy("Ngan")),
    ("area_wah", gettext_lazy("Square wah")),
    ("area_square_wah", gettext_lazy("Area (square wah)")),
    ("area_square_metres", gettext_lazy("Area (m²)")),
    *USE_SHARE_COLUMNS,
    ("survey_status", gettext_lazy("Survey status")),
    ("vacant_since", gettext_lazy("Vacant since (year {era})")),
    ("exemption", gettext_lazy("Exemption")),
    ("address", gettext_lazy("Address")),
    ("retired_on", gettext_lazy("Retired on")),
]
BUILDING_COLUMNS = [
    ("id", gettext_lazy("Building ID")),
    ("parcel__code", gettext_lazy("Parcel code")),
    ("number", gettext_lazy("Building number on the parcel")),
    ("house_number", gettext_lazy("House number")),
    ("house_id", gettext_lazy("House ID")),
    ("type_code", gettext_lazy("Building type code")),
    ("construction", gettext_lazy("Construction")),
    ("floor_area_m2", gettext_lazy("Floor area (m²)")),
    ("year_built", gettext_lazy("Year built ({era})")),
    ("storeys", gettext_lazy("Storeys")),
    *USE_SHARE_COLUMNS,
    ("demolished_on", gettext_lazy("Demolished on")),
]
CONDO_COLUMNS = [
    ("id", gettext_lazy("Unit ID")),
    ("condominium_code", gettext_lazy("Condominium code")),
    ("condominium_name", gettext_lazy("Condominium name")),
    ("building_name", gettext_lazy("Building")),
    ("unit_number", gettext_lazy("Unit number")),
    ("floor", gettext_lazy("Floor")),
    ("area_m2", gettext_lazy("Unit area (m²)")),
    ("title_deed_number", gettext_lazy("Unit title deed number")),
    ("use", gettext_lazy("Use")),
]
OWNER_COLUMNS = [
    ("id", gettext_lazy("Owner ID")),
    ("kind", gettext_lazy("Kind")),
    ("national_id", gettext_lazy("National ID")),
    ("tax_id", gettext_lazy("Tax ID")),
    ("title", gettext_lazy("Title")),
    ("name", gettext_lazy("Name")),
    ("last_name", gettext_lazy("Family name")),
    ("address", gettext_lazy("Address")),
    ("phone", gettext_lazy("Phone")),
    ("email", gettext_lazy("Email")),
    ("is_farmer", gettext_lazy("Farmer")),
]
OWNERSHIP_COLUMNS = [
    ("id", gettext_lazy("Ownership ID")),
    ("owner_id", gettext_lazy("Owner ID")),
    ("parcel__code", gettext_lazy("Parcel code")),
    ("building_id", gettext_lazy("Building ID")),
    ("condo_unit_id", gettext_lazy("Unit ID")),
    ("kind", gettext_lazy("Kind")),
    ("share_numerator", gettext_lazy("Share numerator")),
    ("share_denominator", gettext_lazy("Share denominator")),
    ("valid_from", gettext_lazy("Valid from")),
    ("valid_to", gettext_lazy("Valid until")),
    ("document", gettext_lazy("Document")),
]
REGISTRATION_COLUMNS = [
    ("id", gettext_lazy("Registration ID")),
    ("owner_id", gettext_lazy("Owner ID")),
    ("building_id", gettext_lazy("Building ID")),
    ("condo_unit_id", gettext_lazy("Unit ID")),
    ("registered_on", gettext_lazy("Registered on")),
    ("moved_out_on", gettext_lazy("Moved out on")),
]
SIGN_COLUMNS = [
    ("id", gettext_lazy("Signboard ID")),
    ("owner_id", gettext_lazy("Owner ID")),
    ("parcel__code", gettext_lazy("Parcel code")),
    ("building_id", gettext_lazy("Building ID")),
    ("place", gettext_lazy("Place")),
    ("sign_type", gettext_lazy("Sign type")),
    ("moving", gettext_lazy("Moving")),
    ("width_cm", gettext_lazy("Width (cm)")),
    ("height_cm", gettext_lazy("Height (cm)")),
    ("area_cm2", gettext_lazy("Area (cm²)")),
    ("message", gettext_lazy("Message")),
    ("installed_on", gettext_lazy("Installed on")),
    ("removed_on", gettext_lazy("Removed on")),
]
YEAR_FIELDS = frozenset({"vacant_since", "year_built"})


def _headings(columns) -> list[str]:
    era = _year_heading()
    return [str(heading).replace("{era}", era) for _field, heading in columns]


def _fields(columns) -> list[str]:
    return [field for field, _heading in columns]


class _Sheets:
    """Writes sheets into a write-only workbook, counting the rows that leave the application."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.rows = 0

    def add(self, title: str, columns, rows) -> None:
        sheet = self.workbook.create_sheet(title)
        sheet.append(_headings(columns))
        years = [i for i, field in enumerate(_fields(columns)) if field in YEAR_FIELDS]
        for row in rows:
            row = list(row)  # str, int, Decimal, date, bool: all native to openpyxl
            for i in years:
                row[i] = year_for_reader(row[i])
            sheet.append(safe_row(row))
            self.rows += 1


def registry_xlsx(*, actor: Actor, organization: Organization) -> bytes:
    """The whole registry as a workbook: parcels, buildings, condo units, owners, ownerships, house
    registrations, signboards. Geometry stays out (GeoJSON carries it); parcels keep their lon/lat.
    Audited: the registry holds national IDs, phones and addresses."""
    from openpyxl import Workbook

    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    workbook = Workbook(write_only=True)
    sheets = _Sheets(workbook)
    org = {"organization": organization}

    parcels = Parcel.objects.filter(**org).order_by("code", "id")
    parcel_fields = _fields(PARCEL_COLUMNS)
    sheets.add(
        _("Parcels"),
        [*PARCEL_COLUMNS, ("lon", _("Longitude")), ("lat", _("Latitude"))],
        (
            [
                *(getattr(p, f) for f in parcel_fields),
                *((p.location.x, p.location.y) if p.location else (None, None)),
            ]
            for p in parcels.defer("geometry").iterator(chunk_size=CHUNK)
        ),
    )
    sheets.add(
        _("Buildings"),
        BUILDING_COLUMNS,
        Building.objects.filter(**org)
        .order_by("parcel__code", "number")
        .values_list(*_fields(BUILDING_COLUMNS))
        .iterator(chunk_size=CHUNK),
    )
    sheets.add(
        _("Condo units"),
        CONDO_COLUMNS,
        CondoUnit.objects.filter(**org)
        .order_by("id")
        .values_list(*_fields(CONDO_COLUMNS))
        .iterator(chunk_size=CHUNK),
    )
    sheets.add(
        _("Owners"),
        OWNER_COLUMNS,
        Owner.objects.filter(**org)
        .order_by("id")
        .values_list(*_fields(OWNER_COLUMNS))
        .iterator(chunk_size=CHUNK),
    )
    sheets.add(
        _("Ownerships"),
        OWNERSHIP_COLUMNS,
        Ownership.objects.filter(**org)
        .order_by("id")
        .values_list(*_fields(OWNERSHIP_COLUMNS))
        .iterator(chunk_size=CHUNK),
    )
    sheets.add(
        _("House registrations"),
        REGISTRATION_COLUMNS,
        HouseRegistration.objects.filter(**org)
        .order_by("id")
        .values_list(*_fields(REGISTRATION_COLUMNS))
        .iterator(chunk_size=CHUNK),
    )
    sheets.add(
        _("Signboards"),
        SIGN_COLUMNS,
        Signboard.objects.filter(**org)
        .order_by("id")
        .values_list(*_fields(SIGN_COLUMNS))
        .iterator(chunk_size=CHUNK),
    )
    out = io.BytesIO()
    workbook.save(out)
    audit.record_export(
        actor=actor,
        organization=organization,
        what="property.registry",
        filename=registry_filename(organization),
        rows=sheets.rows,
    )
    return out.getvalue()


def registry_filename(organization: Organization) -> str:
    return f"{organization.slug}-registry.xlsx"
