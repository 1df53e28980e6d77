"""Rows from CSV and Excel files (what officers export from LTAX or type in a spreadsheet), and the report
that every import returns: which rows were rejected and why. Shared by every app that imports a register
(property's parcels and prices, lighting's poles)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput
from muang.core.form_errors import field_messages

MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class Rejection:
    row: int  # 1-based data row (the header is row 0), or the feature number in GeoJSON / Shapefile
    field: str
    message: str
    key: str = ""  # the row's parcel code / price key, when it has one


@dataclass
class ImportReport:
    kind: str
    filename: str
    dry_run: bool
    rows_total: int = 0
    accepted: int = 0
    imported: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    source_srid: int | None = None
    batch_id: int | None = None

    def reject(self, row: int, error: InvalidInput | str, *, field: str = "__all__", key: str = "") -> None:
        if isinstance(error, InvalidInput):
            for f, m in field_messages(error, default_field=field):
                self.rejected.append(Rejection(row, f, m, key))
        else:
            self.rejected.append(Rejection(row, field, error, key))

    @property
    def rejected_rows(self) -> int:
        return len({r.row for r in self.rejected})

    def as_field_errors(self, limit: int = 200) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for r in self.rejected[:limit]:
            errors.setdefault(f"rows.{r.row}.{r.field}", []).append(r.message)
        return errors


def normalize_header(name: Any) -> str:
    return str(name or "").strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp874"):  # UTF-8, or Thai Windows (TIS-620) from older Excel / LTAX
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput.for_field("file", _("The file is neither UTF-8 nor Thai Windows (cp874) text."))


def read_rows(
    data: bytes, filename: str, aliases: Mapping[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of a .csv or .xlsx file as dicts keyed by normalised header (with `aliases` applied)."""
    aliases = aliases or {}
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        rows = csv.reader(io.StringIO(_decode(data), newline=""))
    else:
        raise InvalidInput.for_field("file", _("Send a .csv or .xlsx file."))
    header: list[str] | None = None
    for count, values in enumerate(rows):
        if header is None:
            header = [aliases.get(normalize_header(h), normalize_header(h)) for h in values]
            if not any(header):
                raise InvalidInput.for_field("file", _("The first row must name the columns."))
            continue
        if count > MAX_ROWS:
            raise InvalidInput.for_field("file", _("More than %(n)s rows: split the file.") % {"n": MAX_ROWS})
        values = list(values)
        if not any(v not in (None, "") and str(v).strip() for v in values):
            yield {}  # a blank line keeps its row number but carries nothing
            continue
        yield {h: v for h, v in zip(header, values, strict=False) if h}
    if header is None:
        raise InvalidInput.for_field("file", _("The file is empty."))


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook  # imported here: only imports and exports need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as e:
        raise InvalidInput.for_field("file", _("Not a readable .xlsx workbook.")) from e
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def text(row: Mapping[str, Any], key: str, default: str = "") -> str:
    value = row.get(key)
    if value is None:
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps 1 as 1.0
    return str(value).strip()


def decimal_value(row: Mapping[str, Any], key: str, *, required: bool = True) -> Decimal | None:
    raw = text(row, key)
    if raw == "":
        if required:
            raise InvalidInput.for_field(key, _("Required."))
        return None
    try:
        number = Decimal(raw.replace(",", ""))
    except InvalidOperation as e:
        raise InvalidInput.for_field(key, _("Not a number: %(value)s") % {"value": raw}) from e
    if not number.is_finite():
        raise InvalidInput.for_field(key, _("Not a number: %(value)s") % {"value": raw})
    return number


def int_value(
    row: Mapping[str, Any], key: str, *, required: bool = True, default: int | None = None
) -> int | None:
    number = decimal_value(row, key, required=required)
    if number is None:
        return default
    if number != number.to_integral_value():
        raise InvalidInput.for_field(key, _("Expected a whole number, not %(value)s.") % {"value": number})
    return int(number)
