"""The reports app's open dataset: the organisation's citizen reports, without the people.

Published: the tracking code, category, status, when it came and was resolved, the rating (a number), and the
place as the public map shows it (a sensitive category's point blurred to about 110 m, `PUBLIC_LON_SQL`). Never
the reporter, contact details, LINE ids, the description or the address a citizen typed (free text may name
people), internal notes or assignees. Merged duplicates are left out, as on the public map.
"""

from django.utils.translation import gettext_lazy as _

from muang.core.contract import DatasetColumn, OpenDataset
from muang.core.geo import point_sql
from muang.reports.selectors import PUBLIC_LAT_SQL, PUBLIC_LON_SQL

CASES = OpenDataset(
    code="reports.cases",
    title=_("Citizen reports"),
    description=_(
        "Problems that citizens reported to the organisation (web, LINE, Open311): category, status, dates and "
        "place. No reporter, contact, description or address; places of sensitive categories are blurred."
    ),
    from_sql="cases_case c JOIN cases_casecategory cat ON cat.id = c.category_id "
    "JOIN cases_casestatus st ON st.id = c.status_id",
    tenant_sql="c.organization_id = %(org)s AND c.duplicate_of_id IS NULL",
    order_sql="c.created_at, c.id",
    columns=(
        DatasetColumn("tracking_code", "c.tracking_code", _("tracking code")),
        DatasetColumn("category", "cat.name_th", _("category")),
        DatasetColumn("status", "st.name_th", _("status")),
        DatasetColumn("is_open", "c.is_open", _("open"), "boolean"),
        DatasetColumn("received_at", "c.created_at", _("received at"), "datetime"),
        DatasetColumn("resolved_at", "c.resolved_at", _("resolved at"), "datetime"),
        DatasetColumn("rating", "c.rating", _("rating (1-5)"), "integer"),
    ),
    geometry_sql=f"CASE WHEN c.location IS NOT NULL THEN {point_sql(PUBLIC_LON_SQL, PUBLIC_LAT_SQL)} END",
    data_type="record",
    frequency="daily",
    keywords=("ร้องเรียน", "แจ้งปัญหา", "บริการประชาชน"),
    source=_("Citizen reports (web, LINE, Open311)"),
)
