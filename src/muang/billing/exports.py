"""The arrears report as an Excel workbook and as GeoJSON (one feature per overdue bill, at its parcels).

Both take a prepared :class:`~muang.billing.selectors.ArrearsReport`: the figures are exactly the report's.
Money goes out as numbers (Excel sums them), dates as dates; text a spreadsheet would run as a formula is
made inert (muang.core.spreadsheets). Both name payers, so each file taken is audited (who, rows, filters).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from muang.billing.models import BillKind
from muang.billing.selectors import ArrearsReport
from muang.core import audit, geo
from muang.core.access import Actor
from muang.core.models import Organization
from muang.core.spreadsheets import safe_row
from muang.core.thai_dates import BUDDHIST_ERA_OFFSET

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"

if TYPE_CHECKING:  # openpyxl is imported where a spreadsheet is written, not by every web worker
    from openpyxl.cell import WriteOnlyCell


def _kind_label(kind: str) -> str:
    return str(BillKind(kind).label) if kind in BillKind.values else kind


def _headers() -> list[str]:
    return [
        _("Bill number"),
        _("Kind"),
        _("Year (B.E.)"),
        _("Payer"),
        _("Tax ID"),
        _("Address"),
        _("Status"),
        _("Oldest due date"),
        _("Days overdue"),
        _("Months late"),
        _("Tax / fee outstanding"),
        _("Penalty"),
        _("Surcharge"),
        _("Total"),
        _("Warning letters"),
    ]


def arrears_filename(organization: Organization, report: ArrearsReport, extension: str) -> str:
    return f"arrears-{organization.slug}-{report.as_of:%Y%m%d}.{extension}"


def _audit(actor: Actor, organization: Organization, report: ArrearsReport, extension: str, filters) -> None:
    audit.record_export(
        actor=actor,
        organization=organization,
        what="billing.arrears",
        filename=arrears_filename(organization, report, extension),
        rows=len(report.rows),
        filters={"as_of": report.as_of, **(filters or {})},
    )


def arrears_xlsx(
    report: ArrearsReport, *, actor: Actor, organization: Organization, filters: dict | None = None
) -> bytes:
    """Sheet 1: one row per overdue bill and a total row; sheet 2: totals by kind and year."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Arrears"))
    bold = Font(bold=True)

    def cell(value, *, fmt: str | None = None, strong: bool = False) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet, value=value)
        if fmt:
            c.number_format = fmt
        if strong:
            c.font = bold
        return c

    sheet.append([cell(_("Arrears as of %(day)s") % {"day": report.as_of.isoformat()}, strong=True)])
    sheet.append([cell(h, strong=True) for h in _headers()])
    for r in report.rows:
        b = r.bill
        sheet.append(
            safe_row(
                [
                    b.number,
                    _kind_label(b.kind),
                    b.year + BUDDHIST_ERA_OFFSET,
                    b.payer_name,
                    b.payer_tax_id,
                    b.payer_address,
                    str(b.get_status_display()),
                    cell(r.oldest_due_date, fmt=DATE_FORMAT),
                    r.days_overdue,
                    r.months_late,
                    cell(r.principal, fmt=MONEY_FORMAT),
                    cell(r.penalty, fmt=MONEY_FORMAT),
                    cell(r.surcharge, fmt=MONEY_FORMAT),
                    cell(r.total, fmt=MONEY_FORMAT),
                    r.warning_letters,
                ]
            )
        )
    sheet.append(
        [cell(_("Total"), strong=True), cell(len(report.rows)), *[None] * 8]
        + [cell(v, fmt=MONEY_FORMAT, strong=True) for v in _totals(report)]
    )
    groups = workbook.create_sheet(_("By kind and year"))
    groups.append([_("Kind"), _("Year (B.E.)"), _("Bills"), _("Tax / fee outstanding"), _("Penalty"),
                   _("Surcharge"), _("Total")])  # fmt: skip
    for g in report.groups:
        groups.append(
            [g.kind_label, g.year + BUDDHIST_ERA_OFFSET, g.count]
            + [_money_cell(groups, v) for v in (g.principal, g.penalty, g.surcharge, g.total)]
        )
    out = io.BytesIO()
    workbook.save(out)
    _audit(actor, organization, report, "xlsx", filters)
    return out.getvalue()


def _money_cell(sheet, value: Decimal) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(sheet, value=value)
    c.number_format = MONEY_FORMAT
    return c


def _totals(report: ArrearsReport) -> list[Decimal]:
    return [report.principal, report.penalty, report.surcharge, report.total]


def _geometry(points: list[tuple[float, float]] | None) -> dict | None:
    if not points:
        return None
    if len(points) == 1:
        return {"type": "Point", "coordinates": list(points[0])}
    return {"type": "MultiPoint", "coordinates": [list(p) for p in points]}


def arrears_geojson(
    report: ArrearsReport,
    locations: dict[int, list[tuple[float, float]]],
    *,
    actor: Actor,
    organization: Organization,
    filters: dict | None = None,
) -> str:
    """A FeatureCollection (RFC 7946, WGS84 lon/lat): each overdue bill at its parcels' points, or with a
    null geometry when it names no parcel (signboards, fees). Amounts are strings, exact to the satang."""
    features = [
        {
            "type": "Feature",
            "id": r.bill.number,
            "geometry": _geometry(locations.get(r.bill.pk)),
            "properties": {
                "bill_number": r.bill.number,
                "kind": r.bill.kind,
                "year": r.bill.year,
                "payer_name": r.bill.payer_name,
                "status": r.bill.status,
                "oldest_due_date": r.oldest_due_date.isoformat(),
                "days_overdue": r.days_overdue,
                "months_late": r.months_late,
                "principal": str(r.principal),
                "penalty": str(r.penalty),
                "surcharge": str(r.surcharge),
                "total": str(r.total),
                "warning_letters": r.warning_letters,
            },
        }
        for r in report.rows
    ]
    _audit(actor, organization, report, "geojson", filters)
    return geo.feature_collection(features, as_of=report.as_of.isoformat())
