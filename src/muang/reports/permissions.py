"""The API scope of citizen-facing apps. Staff work on reports is case work (`muang.cases.permissions`)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Scope


class ReportScope(StrEnum):
    # A citizen-facing app (an Open311 client) files reports as the citizens it serves: no staff permission.
    # The Open311 endpoint checks the scope itself (muang.reports.open311.intake).
    REPORTS_SUBMIT = "reports:submit"


SCOPES = (Scope(ReportScope.REPORTS_SUBMIT, _("File citizen reports (Open311 GeoReport v2 clients)")),)
