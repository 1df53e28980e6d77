"""CSV and Excel exports of an organisation's cases for staff. No reporter contact: files travel further than
the queue does, so personal data stays in the application; descriptions and places still speak of people, so
each file taken is audited (muang.core.audit.record_export), and text a spreadsheet would run as a formula is
made inert (muang.core.spreadsheets)."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from muang.cases.models import Case
from muang.core import audit
from muang.core.access import Actor
from muang.core.models import Organization
from muang.core.spreadsheets import safe_row
from muang.core.thai_dates import BANGKOK

CHUNK = 2000


def _headers() -> list[str]:
    return [
        _("Tracking code"),
        _("Received at"),
        _("Channel"),
        _("Category"),
        _("Department"),
        _("Status"),
        _("Open"),
        _("Assignee"),
        _("Due"),
        _("Resolved at"),
        _("Overdue"),
        _("Rating"),
        _("Place"),
        _("Latitude"),
        _("Longitude"),
        _("Description"),
    ]


def _local(value):
    return value.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(qs: QuerySet[Case]) -> Iterator[list]:
    for c in qs.iterator(chunk_size=CHUNK):
        overdue = c.is_open and c.due_at is not None and c.resolved_at is None and c.is_overdue()
        yield safe_row(
            [
                c.tracking_code,
                _local(c.created_at),
                c.get_channel_display(),
                c.category.name_th,
                c.department.name_th,
                c.status.name_th,
                "1" if c.is_open else "0",
                c.assignee.username if c.assignee else "",
                _local(c.due_at),
                _local(c.resolved_at),
                "1" if overdue else "0",
                c.rating or "",
                c.address,
                round(c.location.y, 6) if c.location else "",
                round(c.location.x, 6) if c.location else "",
                c.description,
            ]
        )


@dataclass(frozen=True)
class ExportRequest:
    """Who takes which cases into which file: the audit entry of the export."""

    actor: Actor
    organization: Organization
    filename: str
    filters: dict = field(default_factory=dict)

    def record(self, rows: int) -> None:
        audit.record_export(
            actor=self.actor,
            organization=self.organization,
            what="cases",
            filename=self.filename,
            rows=rows,
            filters=self.filters,
        )


def cases_csv(qs: QuerySet[Case], export: ExportRequest) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # a byte order mark, so that Excel opens Thai text as UTF-8
    writer = csv.writer(out)
    writer.writerow(_headers())
    count = 0
    for row in rows(qs):
        writer.writerow(row)
        count += 1
    export.record(count)
    return out.getvalue().encode("utf-8")


def cases_xlsx(qs: QuerySet[Case], export: ExportRequest) -> bytes:
    from openpyxl import Workbook  # imported where a spreadsheet is written, not by every web worker

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cases"))
    sheet.append(_headers())
    count = 0
    for row in rows(qs):
        sheet.append(row)
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    export.record(count)
    return out.getvalue()
