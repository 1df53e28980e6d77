"""The dashboard for the council meeting: an Excel workbook (one sheet, one row per indicator and area, the
year's months as columns) and a PDF (WeasyPrint, as billing prints its notices). Aggregates only."""

from __future__ import annotations

import io
import logging

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from muang.core.spreadsheets import safe_row
from muang.core.templatetags.thai import format_thai_date
from muang.kpi.selectors import Dashboard, localized

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month_label(month) -> str:
    return format_thai_date(month).split(" ", 1)[1]


def _filename(board: Dashboard, ext: str) -> str:
    return f"kpi-{board.organization.slug}-{board.month:%Y-%m}.{ext}"


def xlsx_bytes(board: Dashboard) -> bytes:
    from openpyxl import Workbook  # imported where a spreadsheet is written, not by every web worker

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Indicators"))
    sheet.append(safe_row([board.organization.name_th, localized(board.framework)]))
    sheet.append(
        safe_row(
            [
                _("Area"),
                _("Indicator"),
                _("Unit"),
                _("Good direction"),
                _("Target, fiscal year %(year)s") % {"year": board.fiscal_year},
                *(_month_label(m) for m in board.months),
            ]
        )
    )
    for block in board.blocks:
        for row in block.rows:
            sheet.append(
                safe_row(
                    [
                        block.name,
                        row.name,
                        row.indicator.unit_label,
                        row.indicator.get_direction_display(),
                        None if row.target is None else float(row.target),
                        *(value for _m, value in row.series),
                    ]
                )
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(board: Dashboard) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(board), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(board, "xlsx")}"'
    return response


def pdf_bytes(board: Dashboard) -> bytes:
    import weasyprint  # imported late: it loads Pango and fonts, which only PDF requests need

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    html = render_to_string("kpi/pdf.html", {"board": board})
    return weasyprint.HTML(string=html, base_url=None).write_pdf()


def pdf_response(board: Dashboard) -> HttpResponse:
    response = HttpResponse(pdf_bytes(board), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(board, "pdf")}"'
    return response
