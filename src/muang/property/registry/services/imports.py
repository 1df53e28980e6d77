"""Parcel import from GeoJSON, CSV / Excel (WKT, lon/lat or x/y) and zipped Shapefile.

Land Office files come in EPSG:24047 (Indian 1975 / UTM 47N); they are reprojected to WGS84 with the datum
shift (see `geometry.Reprojector`). Every row goes through the same checks as `parcel_create` (code, deed
area, use, geometry valid, inside Thailand and inside the organisation), plus duplicates in the file and in
the registry. A dry run reports every rejected row and why and writes nothing; a real import writes every
accepted row in one transaction, or nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import Organization
from muang.core.tabular import (
    ImportReport,
    decimal_value,
    normalize_header,
    read_rows,
    text,
)
from muang.property.models import ImportBatch, Parcel, Use
from muang.property.permissions import PropertyPerm
from muang.property.registry.services.common import REASON_MAX, required_reason
from muang.property.registry.services.geometry import (
    WGS84,
    OrganizationArea,
    Reprojector,
    geometry_from_geojson,
    geometry_from_wkt,
)
from muang.property.registry.services.registry import build_parcel
from muang.taxlaw import units

MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
SHARE_COLUMNS = ("share_agricultural", "share_residential", "share_other", "share_vacant")

# Column names accepted besides the canonical ones: English variants, Shapefile's 10-character truncations,
# and the Thai headings of Land Office and LTAX exports.
PARCEL_ALIASES = {
    "parcel_code": "code",
    "parcel": "code",
    "รหัสแปลง": "code",
    "รหัสแปลงที่ดิน": "code",
    "deed_no": "deed_number",
    "deed_numbe": "deed_number",
    "เลขโฉนด": "deed_number",
    "เลขที่เอกสารสิทธิ์": "deed_number",
    "ประเภทเอกสารสิทธิ์": "deed_type",
    "land_no": "land_number",
    "land_numbe": "land_number",
    "เลขที่ดิน": "land_number",
    "sheet": "map_sheet",
    "ระวาง": "map_sheet",
    "rai": "area_rai",
    "ไร่": "area_rai",
    "ngan": "area_ngan",
    "งาน": "area_ngan",
    "wah": "area_wah",
    "sq_wah": "area_wah",
    "วา": "area_wah",
    "ตารางวา": "area_wah",
    "area_m2": "area_square_metres",
    "area_sqm": "area_square_metres",
    "area_squar": "area_square_metres",
    "land_use": "use",
    "การใช้ประโยชน์": "use",
    "survey": "survey_status",
    "survey_sta": "survey_status",
    "vacant_sin": "vacant_since",
    "ที่ตั้ง": "address",
    "share_agri": "share_agricultural",
    "share_resi": "share_residential",
    "share_othe": "share_other",
    "share_vaca": "share_vacant",
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "geometry": "wkt",
    "geom": "wkt",
    "the_geom": "wkt",
}
_TEXT_FIELDS = (
    "code",
    "deed_type",
    "deed_number",
    "land_number",
    "map_sheet",
    "survey_status",
    "address",
    "note",
)
_EPSG_RE = re.compile(r"EPSG:{1,2}(\d+)$", re.IGNORECASE)


@dataclass
class SourceRow:
    number: int
    attributes: dict[str, Any]
    geometry: GEOSGeometry | None = None
    location: GEOSGeometry | None = None
    location_is_lonlat: bool = False  # lat/lon columns: WGS84 whatever the file's SRID
    error: InvalidInput | None = None  # the row could not even be read (e.g. broken geometry)


def _aliased(attributes: Mapping[str, Any]) -> dict[str, Any]:
    result = {}
    for key, value in attributes.items():
        name = normalize_header(key)
        result[PARCEL_ALIASES.get(name, name)] = value
    return result


# --- readers ---------------------------------------------------------------------------------------------------


def _srid_of_geojson(document: Mapping[str, Any]) -> int | None:
    crs = document.get("crs")
    if not isinstance(crs, Mapping):
        return None
    name = str((crs.get("properties") or {}).get("name", ""))
    if name.upper().endswith("CRS84"):
        return WGS84
    match = _EPSG_RE.search(name)
    return int(match.group(1)) if match else None


def _geojson_rows(data: bytes) -> tuple[int | None, Iterator[SourceRow]]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise InvalidInput.for_field("file", _("Not a GeoJSON file: %(e)s") % {"e": e}) from e
    if not isinstance(document, Mapping) or document.get("type") != "FeatureCollection":
        raise InvalidInput.for_field("file", _("Expected a GeoJSON FeatureCollection."))
    features = document.get("features")
    if not isinstance(features, list):
        raise InvalidInput.for_field("file", _("The FeatureCollection has no features list."))

    def rows() -> Iterator[SourceRow]:
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
                yield SourceRow(
                    number, {}, error=InvalidInput.for_field("feature", _("Not a GeoJSON Feature."))
                )
                continue
            attributes = _aliased(feature.get("properties") or {})
            geometry, error = None, None
            if feature.get("geometry") is not None:
                try:
                    geometry = geometry_from_geojson(feature["geometry"])
                except InvalidInput as e:
                    error = e
            yield SourceRow(number, attributes, geometry=geometry, error=error)

    return _srid_of_geojson(document), rows()


def _tabular_rows(data: bytes, filename: str) -> Iterator[SourceRow]:
    for number, row in enumerate(read_rows(data, filename, PARCEL_ALIASES), start=1):
        if not row:
            continue
        geometry = location = error = None
        lonlat = False
        try:
            if text(row, "wkt"):
                geometry = geometry_from_wkt(text(row, "wkt"))
                if geometry.geom_type == "Point":
                    geometry, location = None, geometry
            elif text(row, "lat") or text(row, "lon"):
                lat, lon = decimal_value(row, "lat"), decimal_value(row, "lon")
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise InvalidInput.for_field("lat", _("Latitude/longitude out of range."))
                location, lonlat = Point(float(lon), float(lat), srid=WGS84), True
            elif text(row, "x") or text(row, "y"):
                location = Point(float(decimal_value(row, "x")), float(decimal_value(row, "y")))
        except InvalidInput as e:
            error = e
        yield SourceRow(
            number, row, geometry=geometry, location=location, location_is_lonlat=lonlat, error=error
        )


def _safe_member_name(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name


def _shapefile_rows(data: bytes, srid: int | None) -> tuple[Reprojector, list[SourceRow]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise InvalidInput.for_field("file", _("Not a zip file.")) from e
    with archive, tempfile.TemporaryDirectory(prefix="muang-shp-") as tmp:
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise InvalidInput.for_field("file", _("The archive unpacks to more than 1 GB."))
        shapes = [m for m in members if m.filename.lower().endswith(".shp")]
        if len(shapes) != 1:
            raise InvalidInput.for_field(
                "file", _("The zip must hold exactly one .shp (with its .shx and .dbf).")
            )
        stem = PurePosixPath(shapes[0].filename).stem
        for member in members:
            name = _safe_member_name(member.filename)  # never a path: no writing outside tmp
            if PurePosixPath(name).stem != stem:
                continue
            with archive.open(member) as source:
                (Path(tmp) / name).write_bytes(source.read())
        path = Path(tmp) / _safe_member_name(shapes[0].filename)
        for encoding in ("utf-8", "cp874"):
            try:
                return _read_shapefile(path, srid, encoding)
            except UnicodeDecodeError:
                continue
        raise InvalidInput.for_field(
            "file", _("The attribute table is neither UTF-8 nor Thai Windows (cp874).")
        )


def _read_shapefile(path: Path, srid: int | None, encoding: str) -> tuple[Reprojector, list[SourceRow]]:
    try:
        source = DataSource(str(path), encoding=encoding)
        layer = source[0]
    except (GDALException, IndexError) as e:
        raise InvalidInput.for_field("file", _("The Shapefile cannot be read: %(e)s") % {"e": e}) from e
    reproject = Reprojector.from_srs(layer.srs, srid)
    rows = []
    for number, feature in enumerate(layer, start=1):
        attributes = _aliased({name: feature.get(name) for name in layer.fields})
        geometry, error = None, None
        try:
            ogr = feature.geom
            geometry = ogr.geos if ogr is not None else None
        except (GDALException, ValueError) as e:
            error = InvalidInput.for_field("geometry", _("Unreadable geometry: %(e)s") % {"e": e})
        rows.append(SourceRow(number, attributes, geometry=geometry, error=error))
    return reproject, rows


# --- rows into parcels -----------------------------------------------------------------------------------------


def _row_data(row: SourceRow, default_use: str | None) -> dict[str, Any]:
    """The attributes of a row as `parcel_values` takes them."""
    a = row.attributes
    data: dict[str, Any] = {key: text(a, key) for key in _TEXT_FIELDS if text(a, key)}
    data["code"] = text(a, "code")
    if any(text(a, k) for k in ("area_rai", "area_ngan", "area_wah")):
        data.update(
            {k: decimal_value(a, k, required=False) or 0 for k in ("area_rai", "area_ngan", "area_wah")}
        )
        for key in ("area_rai", "area_ngan"):
            if data[key] != int(data[key]):
                raise InvalidInput.for_field(key, _("Expected a whole number."))
            data[key] = int(data[key])
    elif text(a, "area_square_metres"):
        square_metres = decimal_value(a, "area_square_metres")
        if square_metres < 0:
            raise InvalidInput.for_field("area_square_metres", _("An area is not negative."))
        deed = units.from_square_metres(square_metres)
        data.update(
            area_rai=deed.rai, area_ngan=deed.ngan, area_wah=deed.wah.quantize(Decimal("0.01"), ROUND_HALF_UP)
        )
    use = text(a, "use").lower() or default_use
    if not use:
        raise InvalidInput.for_field("use", _("No use given (and no default use for the import)."))
    data["use"] = use
    if use == Use.MIXED:
        data["use_shares"] = {
            c.removeprefix("share_"): decimal_value(a, c, required=False) or 0
            for c in SHARE_COLUMNS
            if text(a, c)
        }
    if text(a, "vacant_since"):
        data["vacant_since"] = text(a, "vacant_since")
    if row.geometry is not None:
        data["geometry"] = row.geometry
    elif row.location is not None:
        data["location"] = row.location
    return data


def _source(
    data: bytes, filename: str, srid: int | None
) -> tuple[Reprojector, Reprojector, Iterator[SourceRow] | list[SourceRow], int]:
    """(reprojector for geometries, reprojector for lon/lat points, rows, the source SRID)."""
    name = filename.lower()
    if name.endswith((".geojson", ".json")):
        file_srid, rows = _geojson_rows(data)
        reproject = Reprojector(srid or file_srid or WGS84)
        return reproject, reproject, rows, reproject.srid
    if name.endswith((".csv", ".txt", ".xlsx")):
        reproject = Reprojector(srid or WGS84)
        return reproject, Reprojector(WGS84), _tabular_rows(data, filename), reproject.srid
    if name.endswith(".zip"):
        reproject, rows = _shapefile_rows(data, srid)
        return reproject, reproject, rows, reproject.srid
    raise InvalidInput.for_field("file", _("Send a .geojson, .csv, .xlsx or zipped Shapefile (.zip)."))


@transaction.atomic
def parcel_import(
    *,
    actor: Actor,
    organization: Organization,
    data: bytes,
    filename: str,
    srid: int | None = None,
    dry_run: bool = True,
    skip_rejected: bool = False,
    default_use: str | None = None,
    reason: str = "",
) -> ImportReport:
    """Check (dry run) or import the parcels of a file; see the module docstring.

    `srid` overrides the file's own coordinate system (GeoJSON `crs`, Shapefile `.prj`; CSV has none and
    defaults to WGS84; lat/lon columns are always WGS84). With rejected rows a real import refuses
    everything unless `skip_rejected`, which imports the accepted rows and reports the others.
    """
    require(actor, organization, PropertyPerm.PROPERTY_EDIT)
    if not dry_run:
        reason = required_reason(reason)
    if default_use is not None and default_use not in Use.values:
        raise InvalidInput.for_field("default_use", _("Choose one of: %(u)s.") % {"u": ", ".join(Use.values)})
    reproject, reproject_lonlat, rows, source_srid = _source(data, filename, srid)
    report = ImportReport(
        kind=ImportBatch.Kind.PARCELS, filename=filename, dry_run=dry_run, source_srid=source_srid
    )
    area = OrganizationArea(organization)
    existing = set(
        Parcel.objects.filter(organization=organization, retired_on__isnull=True).values_list(
            "code", flat=True
        )
    )
    seen: dict[str, int] = {}
    accepted: list[Parcel] = []
    for row in rows:
        report.rows_total += 1
        key = text(row.attributes, "code")
        if row.error is not None:
            report.reject(row.number, row.error, key=key)
            continue
        try:
            parcel = build_parcel(
                organization=organization,
                data=_row_data(row, default_use),
                area=area,
                reproject=reproject_lonlat if row.location_is_lonlat else reproject,
            )
        except InvalidInput as e:
            report.reject(row.number, e, key=key)
            continue
        if parcel.code in seen:
            report.reject(
                row.number, _("Duplicate of row %(n)s.") % {"n": seen[parcel.code]}, field="code", key=key
            )
            continue
        if parcel.code in existing:
            report.reject(
                row.number,
                _("Parcel %(c)s is already in the registry.") % {"c": parcel.code},
                field="code",
                key=key,
            )
            continue
        seen[parcel.code] = row.number
        accepted.append(parcel)
    report.accepted = len(accepted)
    if dry_run:
        return report
    if report.rejected and not skip_rejected:
        raise InvalidInput(
            _("%(n)s rows were rejected; nothing was imported (run the dry run for the full report).")
            % {"n": report.rejected_rows},
            field_errors=report.as_field_errors(),
        )
    if not accepted:
        raise InvalidInput.for_field("file", _("No row to import."))
    batch = ImportBatch.objects.create(
        organization=organization,
        kind=ImportBatch.Kind.PARCELS,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        source_srid=source_srid,
        rows_total=report.rows_total,
        rows_imported=len(accepted),
        rows_skipped=report.rejected_rows,
        actor_user=actor.user,
        actor_label=actor.label,
        reason=reason,
    )
    for parcel in accepted:
        parcel.import_batch = batch
    try:
        with transaction.atomic():
            Parcel.objects.bulk_create(accepted, batch_size=2000)
    except IntegrityError as e:
        raise Conflict(
            _("Some of these parcel codes were registered meanwhile; run the import again.")
        ) from e
    audit.record_created(
        actor=actor,
        organization=organization,
        instances=accepted,
        reason=f"{reason} (import {batch.pk}: {filename})"[:REASON_MAX],
    )
    audit.record_create(actor=actor, organization=organization, instance=batch, reason=reason)
    report.imported = len(accepted)
    report.batch_id = batch.pk
    return report
