"""Exports of a year's assessments: Excel for the office (taxpayers and their properties, personal data) and
GeoJSON for GIS (each parcel with the tax assessed on it this year, no personal data)."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.contrib.gis.db.models.functions import AsGeoJSON

from muang.core import audit, geo
from muang.core.access import Actor, require
from muang.core.models import Organization
from muang.core.spreadsheets import safe_row
from muang.property.assessment.selectors import current_run
from muang.property.assessment.sheet import AssessmentSheet
from muang.property.models import Assessment, Parcel
from muang.property.permissions import PropertyPerm
from muang.property.registry.services.exports import CHUNK, GEOJSON_PRECISION

ZERO = Decimal(0)


def _assessments(organization: Organization, year: int):
    run = current_run(organization=organization, year=year)
    if run is None:
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(organization=organization, run=run)
        .select_related("owner")
        .order_by("owner_id")
    )


def assessments_xlsx(*, actor: Actor, organization: Organization, year: int) -> bytes:
    """Sheet "taxpayers": one row per taxpayer; sheet "properties": one row per property of each sheet.
    Audited: it names the taxpayers with their IDs and addresses."""
    from openpyxl import Workbook

    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    workbook = Workbook(write_only=True)
    taxpayers = workbook.create_sheet("taxpayers")
    taxpayers.append(
        ["owner_id", "name", "national_id", "tax_id", "address", "properties", "total_value", "total_tax"]
    )
    properties = workbook.create_sheet("properties")
    properties.append(
        ["owner_id", "kind", "label", "share", "value", "tax", "parcel_id", "building_ids", "condo_unit_id"]
    )
    rows = 0
    for a in _assessments(organization, year).iterator(chunk_size=CHUNK):
        o = a.owner
        rows += 1
        taxpayers.append(
            safe_row(
                [
                    o.pk,
                    o.display_name,
                    o.national_id or "",
                    o.tax_id or "",
                    o.address,
                    a.property_count,
                    a.total_value,
                    a.total_tax,
                ]
            )
        )
        for p in AssessmentSheet.from_json(a.sheet).properties:
            properties.append(
                safe_row(
                    [
                        o.pk,
                        p.kind,
                        p.label,
                        p.share,
                        p.value,
                        p.tax,
                        p.parcel_id,
                        " ".join(str(b) for b in p.building_ids),
                        p.condo_unit_id,
                    ]
                )
            )
    out = io.BytesIO()
    workbook.save(out)
    audit.record_export(
        actor=actor,
        organization=organization,
        what="property.assessments",
        filename=assessments_filename(organization, year),
        rows=rows,
        filters={"year": year},
    )
    return out.getvalue()


def assessments_filename(organization: Organization, year: int) -> str:
    return f"{organization.slug}-assessments-{year}.xlsx"


def parcel_taxes(*, organization: Organization, year: int) -> dict[str, tuple[Decimal, int]]:
    """Parcel code → (tax assessed on the land and the buildings on it, number of taxpayers)."""
    taxes: dict[str, Decimal] = defaultdict(lambda: ZERO)
    payers: dict[str, int] = defaultdict(int)
    for sheet in _assessments(organization, year).values_list("sheet", flat=True).iterator(chunk_size=CHUNK):
        for p in sheet.get("properties", []):
            if p.get("kind") in ("parcel", "building"):
                taxes[p["label"]] += Decimal(p.get("tax") or 0)
                payers[p["label"]] += 1
    return {code: (taxes[code], payers[code]) for code in taxes}


def assessments_geojson_chunks(*, actor: Actor, organization: Organization, year: int) -> Iterator[str]:
    """Every active parcel with the year's tax on it (0 where nobody owes any) and how many taxpayers."""
    require(actor, organization, PropertyPerm.PROPERTY_VIEW)
    taxes = parcel_taxes(organization=organization, year=year)
    rows = (
        Parcel.objects.filter(organization=organization, retired_on__isnull=True)
        .annotate(
            geometry_json=AsGeoJSON("geometry", precision=GEOJSON_PRECISION),
            location_json=AsGeoJSON("location", precision=GEOJSON_PRECISION),
        )
        .order_by("code")
        .values_list("id", "geometry_json", "location_json", "code", "use")
    )

    def features():
        for pk, geometry, location, code, use in rows.iterator(chunk_size=CHUNK):
            tax, count = taxes.get(code, (ZERO, 0))
            properties = {"code": code, "use": use, "year": year, "tax": str(tax), "taxpayers": count}
            yield pk, geometry or location, properties

    yield from geo.feature_collection_chunks(features())
