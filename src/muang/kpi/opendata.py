"""The kpi app's open dataset: the organisation's monthly indicator values, as snapshotted (aggregates: a KPI
never carries a person). Each row is one indicator's figure for one month: its code, its Thai and English
titles, the unit, the good direction, the month, the value and where the figure came from."""

from django.utils.translation import gettext_lazy as _

from muang.core.contract import DatasetColumn, OpenDataset

KPI_VALUES = OpenDataset(
    code="kpi.values",
    title=_("The city's indicator values"),
    description=_(
        "The organisation's smart-city indicators month by month, as snapshotted when each month was over: "
        "the indicator's code and title, its unit, whether more or less is better, the month, the value and its "
        "source (computed from a module, entered with evidence, imported, or computed by a formula). "
        "Aggregates only."
    ),
    from_sql="kpi_snapshot s JOIN kpi_indicator i ON i.id = s.indicator_id",
    tenant_sql="s.organization_id = %(org)s AND i.is_active",
    order_sql="s.month, i.code",
    columns=(
        DatasetColumn("indicator", "i.code", _("indicator code")),
        DatasetColumn("indicator_th", "i.name_th", _("indicator (Thai)")),
        DatasetColumn("indicator_en", "i.name_en", _("indicator (English)")),
        DatasetColumn("unit", "i.unit", _("unit")),
        DatasetColumn("direction", "i.direction", _("good direction (up or down)")),
        DatasetColumn("month", "s.month", _("month (its first day)"), "date"),
        DatasetColumn("value", "s.value", _("value"), "number"),
        DatasetColumn("origin", "s.origin", _("source of the figure")),
    ),
    data_type="statistical",
    frequency="monthly",
    keywords=("ตัวชี้วัด", "เมืองอัจฉริยะ", "KPI"),
    source=_("Monthly KPI snapshots of Muang"),
)
