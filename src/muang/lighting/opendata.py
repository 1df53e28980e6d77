"""The lighting app's open dataset: every street-light pole of the organisation, with its status as the map and
NGSI-LD `Streetlight` show it (the same SQL), its lamp and its place. Poles are public assets: no person."""

from django.utils.translation import gettext_lazy as _

from muang.core.contract import DatasetColumn, OpenDataset
from muang.lighting.ngsi import STREETLIGHT

STREETLIGHTS = OpenDataset(
    code="lighting.streetlights",
    title=_("Street lights"),
    description=_(
        "Every street-light pole of the organisation: its code, status (working or the kind of fault), lamp "
        "type, rated power, lantern height, circuit, dates and location."
    ),
    from_sql="lighting_pole s LEFT JOIN lighting_circuit c ON c.id = s.circuit_id",
    tenant_sql="s.organization_id = %(org)s",
    order_sql="s.code",
    columns=(
        DatasetColumn("pole_code", "s.code", _("pole code")),
        DatasetColumn("status", STREETLIGHT.by_name["status"].sql, _("status")),
        DatasetColumn("lamp_type", "s.lamp_type", _("lamp type")),
        DatasetColumn("rated_watts", "s.rated_watts", _("rated power (W)"), "integer"),
        DatasetColumn("lantern_height_m", "s.lantern_height", _("lantern height (m)"), "number"),
        DatasetColumn("circuit", "c.code", _("circuit")),
        DatasetColumn("installed_on", "s.installed_on", _("installed on"), "date"),
        DatasetColumn("last_lamp_change", "s.last_lamp_change", _("last lamp change"), "date"),
    ),
    geometry_sql="s.location",
    data_type="geospatial",
    frequency="daily",
    keywords=("ไฟฟ้าส่องสว่าง", "เสาไฟ", "โครงสร้างพื้นฐาน"),
    source=_("Street-light register and pole controllers"),
)
