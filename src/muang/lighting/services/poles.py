"""The pole register: add a pole, import many from CSV / Excel / GeoJSON (a dry run lists every rejected row and
why; nothing is written unless every row is good or the caller skips the rejected ones), export it back in the
same columns (so an export edited in a spreadsheet imports again).

Rows reuse the shared readers (`muang.core.tabular`): the file's columns are

    code, lat, lon, lamp_type, rated_watts, lantern_height, circuit, cabinet, group, installed_on,
    last_lamp_change, controller

(Thai headers are accepted too: รหัสเสา, ละติจูด, ลองจิจูด, ...). A GeoJSON file is a FeatureCollection of
Points with these properties (no lat / lon). A code already in the register updates that pole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.geo import GEOJSON_CONTENT_TYPE, feature_collection, point_feature
from muang.core.models import Organization
from muang.core.spreadsheets import safe_row
from muang.core.tabular import ImportReport, decimal_value, int_value, read_rows, text
from muang.core.thai_dates import parse_thai_date
from muang.core.validation import point_from
from muang.iot.models import Device
from muang.lighting.models import CODE_MAX, Circuit, LampType, Pole, PoleGroup
from muang.lighting.permissions import LightingPerm

COLUMNS = (
    "code",
    "lat",
    "lon",
    "lamp_type",
    "rated_watts",
    "lantern_height",
    "circuit",
    "cabinet",
    "group",
    "installed_on",
    "last_lamp_change",
    "controller",
)
ALIASES = {
    "รหัสเสา": "code",
    "ละติจูด": "lat",
    "ลองจิจูด": "lon",
    "latitude": "lat",
    "longitude": "lon",
    "ชนิดหลอด": "lamp_type",
    "กำลังไฟ": "rated_watts",
    "วัตต์": "rated_watts",
    "ความสูง": "lantern_height",
    "วงจร": "circuit",
    "ตู้ควบคุม": "cabinet",
    "กลุ่ม": "group",
    "วันติดตั้ง": "installed_on",
    "วันเปลี่ยนหลอด": "last_lamp_change",
    "ตัวควบคุม": "controller",
}
MAX_GEOJSON_BYTES = 50 * 1024 * 1024
EXPORT_FORMATS = ("csv", "xlsx", "geojson")


def _lamp_type(raw: str) -> str:
    value = raw.strip().lower()
    if not value:
        return LampType.LED
    for choice in LampType:
        if value in (choice.value, str(choice.label).lower(), choice.name.lower()):
            return choice.value
    raise InvalidInput.for_field(
        "lamp_type",
        _("Unknown lamp type %(value)s: one of %(choices)s.")
        % {"value": raw, "choices": ", ".join(c.value for c in LampType)},
    )


def _date(row: dict, key: str) -> dt.date | None:
    value = row.get(key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(row, key)
    if not raw:
        return None
    try:
        return parse_thai_date(raw)
    except ValueError as e:
        raise InvalidInput.for_field(
            key, _("Not a date: %(value)s (dd/mm/yyyy B.E.)") % {"value": raw}
        ) from e


def _rows(data: bytes, filename: str) -> Iterator[dict[str, Any]]:
    if not filename.lower().endswith((".geojson", ".json")):
        yield from read_rows(data, filename, ALIASES)
        return
    if len(data) > MAX_GEOJSON_BYTES:
        raise InvalidInput.for_field("file", _("The file is too large."))
    try:
        collection = json.loads(data)
        features = collection["features"]
        if not isinstance(features, list):
            raise TypeError
    except (ValueError, KeyError, TypeError) as e:
        raise InvalidInput.for_field("file", _("Not a GeoJSON FeatureCollection.")) from e
    for feature in features:
        props = dict((feature or {}).get("properties") or {}) if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if isinstance(geometry, dict) and geometry.get("type") == "Point" and isinstance(coords, list):
            props["lon"], props["lat"] = [*coords, None, None][:2]
        else:
            props["lat"] = props["lon"] = None
        yield {ALIASES.get(k, k): v for k, v in props.items()}


class _Context:
    """What the rows are checked against, read once per import."""

    def __init__(self, organization: Organization):
        self.organization = organization
        self.poles = {p.code: p for p in Pole.objects.filter(organization=organization)}
        self.circuits = {c.code: c for c in Circuit.objects.filter(organization=organization)}
        self.groups = {g.name: g for g in PoleGroup.objects.filter(organization=organization)}
        self.devices = {
            d.serial: d
            for d in Device.objects.filter(organization=organization).exclude(state=Device.State.RETIRED)
        }
        self.device_pole = dict(
            Pole.objects.filter(organization=organization, device__isnull=False).values_list(
                "device_id", "code"
            )
        )
        self.codes_seen: set[str] = set()
        self.devices_seen: set[int] = set()


def _clean_row(ctx: _Context, row: dict[str, Any]) -> dict[str, Any]:
    code = text(row, "code")
    if not code:
        raise InvalidInput.for_field("code", _("Required."))
    if len(code) > CODE_MAX:
        raise InvalidInput.for_field("code", _("At most %(n)d characters.") % {"n": CODE_MAX})
    if code in ctx.codes_seen:
        raise InvalidInput.for_field("code", _("Pole %(code)s appears twice in the file.") % {"code": code})
    if row.get("lat") in (None, "") or row.get("lon") in (None, ""):
        raise InvalidInput.for_field("lat", _("Give the pole's latitude and longitude."))
    location = point_from(lat=text(row, "lat"), lon=text(row, "lon"))
    boundary = ctx.organization.boundary
    if boundary is not None and not boundary.contains(location):
        raise InvalidInput.for_field(
            "location", _("The pole lies outside %(org)s.") % {"org": ctx.organization}
        )
    watts = int_value(row, "rated_watts")
    if not 1 <= watts <= 2000:
        raise InvalidInput.for_field("rated_watts", _("Rated power is between 1 and 2,000 W."))
    height = decimal_value(row, "lantern_height", required=False)
    if height is not None and not Decimal(0) < height < Decimal(100):
        raise InvalidInput.for_field("lantern_height", _("A lantern height is between 0 and 100 m."))
    controller = text(row, "controller")
    device = None
    if controller:
        device = ctx.devices.get(controller)
        if device is None:
            raise InvalidInput.for_field(
                "controller", _("No live device with serial %(serial)s.") % {"serial": controller}
            )
        holder = ctx.device_pole.get(device.pk)
        if device.pk in ctx.devices_seen or (holder is not None and holder != code):
            raise InvalidInput.for_field(
                "controller", _("Controller %(serial)s is already on another pole.") % {"serial": controller}
            )
    circuit, group = text(row, "circuit"), text(row, "group")
    if len(circuit) > CODE_MAX or len(group) > 100:
        raise InvalidInput.for_field("circuit", _("Circuit or group name too long."))
    return {
        "code": code,
        "location": location,
        "lamp_type": _lamp_type(text(row, "lamp_type")),
        "rated_watts": watts,
        "lantern_height": height.quantize(Decimal("0.1")) if height is not None else None,
        "circuit": circuit,
        "cabinet": text(row, "cabinet")[:100],
        "group": group,
        "installed_on": _date(row, "installed_on"),
        "last_lamp_change": _date(row, "last_lamp_change"),
        "device": device,
    }


@transaction.atomic
def poles_import(
    *,
    actor: Actor,
    organization: Organization,
    data: bytes,
    filename: str,
    dry_run: bool = True,
    skip_rejected: bool = False,
) -> ImportReport:
    """Check every row; unless `dry_run`, write them (only if none was rejected, or `skip_rejected`)."""
    require(actor, organization, LightingPerm.LIGHTING_MANAGE)
    report = ImportReport(kind="poles", filename=filename, dry_run=dry_run)
    ctx = _Context(organization)
    good: list[dict[str, Any]] = []
    for number, row in enumerate(_rows(data, filename), start=1):
        if not row:
            continue
        report.rows_total += 1
        try:
            cleaned = _clean_row(ctx, row)
        except InvalidInput as e:
            report.reject(number, e, key=text(row, "code"))
            continue
        ctx.codes_seen.add(cleaned["code"])
        if cleaned["device"] is not None:
            ctx.devices_seen.add(cleaned["device"].pk)
        good.append(cleaned)
    report.accepted = len(good)
    if dry_run or (report.rejected and not skip_rejected):
        return report
    created: list[Pole] = []
    for cleaned in good:
        pole = _save(ctx, cleaned)
        if pole is not None:
            created.append(pole)
    audit.record_created(
        actor=actor, organization=organization, instances=created, reason=f"import {filename}"
    )
    report.imported = len(good)
    return report


def _save(ctx: _Context, cleaned: dict[str, Any]) -> Pole | None:
    """Create or update one pole; returns it when created."""
    org = ctx.organization
    circuit = None
    if cleaned["circuit"]:
        circuit = ctx.circuits.get(cleaned["circuit"])
        if circuit is None:
            circuit = Circuit.objects.create(
                organization=org, code=cleaned["circuit"], cabinet=cleaned["cabinet"]
            )
            ctx.circuits[circuit.code] = circuit
    group = None
    if cleaned["group"]:
        group = ctx.groups.get(cleaned["group"])
        if group is None:
            group = PoleGroup.objects.create(organization=org, name=cleaned["group"])
            ctx.groups[group.name] = group
    fields = {k: v for k, v in cleaned.items() if k not in ("code", "circuit", "cabinet", "group")}
    fields.update(circuit=circuit, group=group)
    pole = ctx.poles.get(cleaned["code"])
    if pole is None:
        return Pole.objects.create(organization=org, code=cleaned["code"], **fields)
    for name, value in fields.items():
        setattr(pole, name, value)
    pole.save(update_fields=list(fields))
    return None


@transaction.atomic
def pole_create(
    *,
    actor: Actor,
    organization: Organization,
    code: str,
    lat: float,
    lon: float,
    rated_watts: int,
    lamp_type: str = LampType.LED,
    circuit: str = "",
    group: str = "",
    device: Device | None = None,
    installed_on: dt.date | None = None,
) -> Pole:
    """One pole (the API, the demo): the same checks as an imported row."""
    require(actor, organization, LightingPerm.LIGHTING_MANAGE)
    ctx = _Context(organization)
    if code.strip() in ctx.poles:
        raise InvalidInput.for_field("code", _("Pole %(code)s is already in the register.") % {"code": code})
    row = {
        "code": code,
        "lat": lat,
        "lon": lon,
        "rated_watts": rated_watts,
        "lamp_type": lamp_type,
        "circuit": circuit,
        "group": group,
        "controller": device.serial if device else "",
        "installed_on": installed_on.isoformat() if installed_on else "",
    }
    pole = _save(ctx, _clean_row(ctx, row))
    audit.record_create(actor=actor, organization=organization, instance=pole)
    return pole


def _export_rows(poles) -> Iterator[list[Any]]:
    for p in poles:
        yield [
            p.code,
            round(p.location.y, 6),
            round(p.location.x, 6),
            p.lamp_type,
            p.rated_watts,
            float(p.lantern_height) if p.lantern_height is not None else "",
            p.circuit.code if p.circuit_id else "",
            p.circuit.cabinet if p.circuit_id else "",
            p.group.name if p.group_id else "",
            p.installed_on.isoformat() if p.installed_on else "",
            p.last_lamp_change.isoformat() if p.last_lamp_change else "",
            p.device.serial if p.device_id else "",
        ]


def poles_export(*, actor: Actor, organization: Organization, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, filename) of the register in `fmt` (csv, xlsx, geojson)."""
    require(actor, organization, LightingPerm.LIGHTING_VIEW)
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput.for_field("format", _("One of csv, xlsx, geojson."))
    poles = (
        Pole.objects.filter(organization=organization)
        .select_related("circuit", "group", "device")
        .order_by("code")
    )
    name = f"poles-{organization.slug}"
    if fmt == "geojson":
        features = [
            point_feature(
                row[2], row[1], {k: v for k, v in zip(COLUMNS, row, strict=True) if k not in ("lat", "lon")}
            )
            for row in _export_rows(poles)
        ]
        return feature_collection(features).encode(), GEOJSON_CONTENT_TYPE, f"{name}.geojson"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in _export_rows(poles):
            writer.writerow(safe_row(row))
        return out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", f"{name}.csv"
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("poles")
    sheet.append(list(COLUMNS))
    for row in _export_rows(poles):
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return (
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{name}.xlsx",
    )
