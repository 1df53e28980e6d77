"""The environment app's open datasets: the public air-quality stations and water-level gauges with their latest
readings, from the same SQL as their NGSI-LD types (`environment/ngsi.py`). Stations that are not public stay
out, as on the public page."""

from django.utils.translation import gettext_lazy as _

from muang.core.contract import DatasetColumn, OpenDataset
from muang.environment.ngsi import AIR_QUALITY_OBSERVED, FLOOD_MONITORING, FROM, LEVEL, PM10, PM25

AIR_QUALITY = OpenDataset(
    code="environment.air_quality",
    title=_("Air quality"),
    description=_(
        "The organisation's public air-quality stations: the latest PM2.5 and PM10 (µg/m³), the Thai air "
        "quality index and when they were measured."
    ),
    from_sql=FROM,
    tenant_sql=AIR_QUALITY_OBSERVED.tenant_sql,
    order_sql="d.serial",
    columns=(
        DatasetColumn("station_code", "d.serial", _("station code")),
        DatasetColumn("station", "st.name", _("station")),
        DatasetColumn("pm25", PM25, _("PM2.5 (µg/m³)"), "number"),
        DatasetColumn("pm10", PM10, _("PM10 (µg/m³)"), "number"),
        DatasetColumn(
            "aqi", AIR_QUALITY_OBSERVED.by_name["airQualityIndex"].sql, _("air quality index"), "number"
        ),
        DatasetColumn("observed_at", "st.observed_at", _("observed at"), "datetime"),
    ),
    geometry_sql="d.location",
    data_type="geospatial",
    frequency="hourly",
    keywords=("คุณภาพอากาศ", "PM2.5", "สิ่งแวดล้อม"),
    source=_("Air-quality stations (Internet of Things)"),
)

WATER_LEVELS = OpenDataset(
    code="environment.water_levels",
    title=_("Water levels"),
    description=_(
        "The organisation's public water-level gauges: the latest level (m), the alert and danger levels and "
        "when the level was measured."
    ),
    from_sql=FROM,
    tenant_sql=FLOOD_MONITORING.tenant_sql,
    order_sql="d.serial",
    columns=(
        DatasetColumn("station_code", "d.serial", _("station code")),
        DatasetColumn("station", "st.name", _("station")),
        DatasetColumn("level_m", LEVEL, _("water level (m)"), "number"),
        DatasetColumn("alert_level_m", "st.alert_level", _("alert level (m)"), "number"),
        DatasetColumn("danger_level_m", "st.danger_level", _("danger level (m)"), "number"),
        DatasetColumn("observed_at", "st.observed_at", _("observed at"), "datetime"),
    ),
    geometry_sql="d.location",
    data_type="geospatial",
    frequency="hourly",
    keywords=("ระดับน้ำ", "น้ำท่วม", "สิ่งแวดล้อม"),
    source=_("Water-level gauges (Internet of Things)"),
)
