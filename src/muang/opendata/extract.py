"""A dataset's rows for one organisation, read in one SQL statement from its provider, and written as the files a
catalogue offers: CSV (UTF-8 with a byte-order mark, so Excel reads Thai), GeoJSON (`core.geo` streaming) and
Excel (`core.spreadsheets`: text that a spreadsheet would run is made inert).

Times are written in ISO 8601 in Asia/Bangkok; decimals as numbers; a place as GeoJSON (with its longitude and
latitude, or a point on a shape, as two columns in CSV and Excel)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from muang.core import geo
from muang.core.contract import OpenDataset
from muang.core.spreadsheets import safe_row
from muang.core.thai_dates import in_bangkok
from muang.opendata.vocab import Format

FETCH = 2000


@dataclass(frozen=True)
class Extract:
    headers: list[str]  # the dataset's columns, then longitude and latitude when it has places
    rows: list[list[Any]]  # plain values: text, int, float, bool, ISO text for times, None
    geometries: list[str | None]  # GeoJSON text of each row's place


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)
    if isinstance(value, dt.datetime):
        return in_bangkok(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dataset_sql(dataset: OpenDataset) -> str:
    """The one statement that reads the dataset's rows (constant text: the organisation is `%(org)s`)."""
    columns = [f"{c.sql} AS c{i}" for i, c in enumerate(dataset.columns)]
    if dataset.geometry_sql:
        shape = f"({dataset.geometry_sql})"
        on = f"ST_PointOnSurface({shape})"
        columns += [
            f"ST_AsGeoJSON({shape}, {geo.GEOJSON_PRECISION}) AS geometry",
            f"round(ST_X({on})::numeric, {geo.GEOJSON_PRECISION})::float8 AS lon",
            f"round(ST_Y({on})::numeric, {geo.GEOJSON_PRECISION})::float8 AS lat",
        ]
    return (
        f"SELECT {', '.join(columns)} FROM {dataset.from_sql} "  # noqa: S608 (provider text, not input)
        f"WHERE {dataset.tenant_sql} ORDER BY {dataset.order_sql}"
    )


def read(dataset: OpenDataset, organization_id: int) -> Extract:
    width = len(dataset.columns)
    headers = [c.name for c in dataset.columns]
    if dataset.geometry_sql:
        headers += ["longitude", "latitude"]
    rows: list[list[Any]] = []
    geometries: list[str | None] = []
    with connection.cursor() as cursor:
        cursor.execute(dataset_sql(dataset), {"org": organization_id})
        while batch := cursor.fetchmany(FETCH):
            for record in batch:
                values = [_plain(v) for v in record[:width]]
                if dataset.geometry_sql:
                    geometries.append(record[width])
                    values += [record[width + 1], record[width + 2]]
                else:
                    geometries.append(None)
                rows.append(values)
    return Extract(headers, rows, geometries)


def to_csv(extract: Extract) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(extract.headers)
    for row in extract.rows:
        writer.writerow(safe_row("" if v is None else v for v in row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_geojson(extract: Extract, dataset: OpenDataset) -> bytes:
    width = len(dataset.columns)
    names = extract.headers[:width]

    def features() -> Iterator[tuple[Any, str | None, dict[str, Any]]]:
        for i, (row, shape) in enumerate(zip(extract.rows, extract.geometries, strict=True), start=1):
            yield i, shape, dict(zip(names, row[:width], strict=True))

    return "".join(geo.feature_collection_chunks(features())).encode("utf-8")


def to_xlsx(extract: Extract, *, title: str) -> bytes:
    from openpyxl import Workbook  # imported where a spreadsheet is written, not by every web worker

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "data")
    sheet.append(extract.headers)
    for row in extract.rows:
        sheet.append(safe_row(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(extract: Extract, dataset: OpenDataset, *, title: str) -> dict[str, bytes]:
    """The files of one refresh, by format."""
    return {
        Format.CSV: to_csv(extract),
        Format.GEOJSON: to_geojson(extract, dataset),
        Format.XLSX: to_xlsx(extract, title=title),
    }
