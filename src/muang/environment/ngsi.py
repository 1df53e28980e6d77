"""The environment app's NGSI-LD entity types (Smart Data Models, dataModel.Environment), served by the `ngsi`
app: `AirQualityObserved` for an air-quality station and `FloodMonitoring` for a water-level gauge.

An entity is `urn:ngsi-ld:AirQualityObserved:<device serial>` (or `…:FloodMonitoring:…`) in its organisation's
tenant. Both types are **public** — readable without a token, like the public page — and so they hold the
organisation's **public stations only**: the provider interface has no per-row publicity, so `tenant_sql` keeps
`is_public` rows for every caller (a station that is not public is read through the staff pages and the API).

The attributes are SQL over the station, its device and the iot app's latest values (one indexed lookup each):

- AirQualityObserved: `name`, `pm25` and `pm10` (the latest readings, µg/m³: unitCode GQ, observed at the
  reading's time), `airQualityIndex` (the Thai AQI of the 24-hour means ending at the station's newest reading,
  from the AqiBand rows, as `muang.environment.levels.aqi` computes it), `airQualityLevel` (the station's band,
  kept with its hysteresis by the alert step: veryGood … unhealthy), `dateObserved`, `refDevice`, `location`;
- FloodMonitoring: `name`, `stationID`, `currentLevel` (the latest water level, m: MTR), `alertLevel` and
  `dangerLevel` (the gauge's thresholds, m), `floodLevelStatus` (normal / warning / critical, kept by the alert
  step), `observationDateTime`, `refDevice`, `location`. The data model's `referenceLevel` (river bed to sensor)
  and `measuredDistance` (sensor to water) are not known to Muang, and the bank level has no name there.

The SQL here is constant text (no caller's value is ever formatted into it: S608 is silenced for that reason).
"""

from muang.environment.selectors import SDM_AIR_LEVEL, SDM_FLOOD_STATUS
from muang.ngsi.providers import (
    DATETIME,
    GEO_PROPERTY,
    GEOMETRY,
    NUMBER,
    RELATIONSHIP,
    TEXT,
    Attribute,
    EntityType,
)

SDM_ENVIRONMENT = "https://smartdatamodels.org/dataModel.Environment/"
FROM = "environment_station st JOIN iot_device d ON d.id = st.device_id"
LATEST = "iot_latestvalue lv WHERE lv.organization_id = st.organization_id AND lv.device_id = st.device_id"


def _tenant(kind: str) -> str:
    return f"st.organization_id = %(org)s AND st.kind = '{kind}' AND st.is_public"


def _latest(key: str, digits: int) -> tuple[str, str]:
    """The latest reading of `key` rounded as the station pages show it, and its time."""
    value = f"(SELECT round(lv.value::numeric, {digits})::float8 FROM {LATEST} AND lv.key = '{key}')"  # noqa: S608
    time = f"(SELECT lv.time FROM {LATEST} AND lv.key = '{key}')"  # noqa: S608
    return value, time


def _level(names: dict[int, str]) -> str:
    """The station's kept level as the data model names it; none before its first reading."""
    cases = " ".join(f"WHEN {rank} THEN '{name}'" for rank, name in names.items())
    return f"CASE WHEN st.observed_at IS NOT NULL THEN CASE st.level {cases} END END"


# The Thai AQI in SQL (muang.environment.levels.sub_index / aqi): each pollutant's 24-hour mean, rounded half up
# to its bands' decimals, in the band with the highest lower bound at or under it, interpolated linearly inside
# it (the open top band keeps the slope of the band below); the AQI is the highest sub-index.
_X = "round(greatest(m.mean, 0)::numeric, b.decimals)"
_SUB_INDEX = (
    "CASE WHEN b.high IS NOT NULL AND b.index_high IS NOT NULL THEN "
    f"CASE WHEN b.high = b.low THEN b.index_low ELSE round((b.index_high - b.index_low)::numeric "
    f"/ (b.high - b.low) * ({_X} - b.low) + b.index_low) END "
    "ELSE CASE WHEN COALESCE(lo.high, b.low) = lo.low THEN b.index_low ELSE "
    f"round((COALESCE(lo.index_high, b.index_low) - lo.index_low)::numeric / (COALESCE(lo.high, b.low) - lo.low) "
    f"* ({_X} - b.low) + b.index_low) END END"
)
AQI_SQL = (
    f"(SELECT max({_SUB_INDEX})::float8 FROM ("  # noqa: S608
    "SELECT t.key, avg(t.value) AS mean FROM iot_telemetry t "
    "WHERE t.organization_id = st.organization_id AND t.device_id = st.device_id AND t.key IN ('pm25', 'pm10') "
    "AND t.time > st.observed_at - interval '24 hours' AND t.time <= st.observed_at GROUP BY t.key) m "
    "JOIN LATERAL (SELECT * FROM environment_aqiband b WHERE b.pollutant = m.key "
    f"AND b.low <= round(greatest(m.mean, 0)::numeric, b.decimals) ORDER BY b.rank DESC LIMIT 1) b ON true "
    "JOIN environment_aqiband lo ON lo.pollutant = b.pollutant AND lo.rank = greatest(b.rank - 1, 0))"
)

PM25, PM25_AT = _latest("pm25", 1)
PM10, PM10_AT = _latest("pm10", 1)
LEVEL, LEVEL_AT = _latest("level", 2)

AIR_QUALITY_OBSERVED = EntityType(
    name="AirQualityObserved",
    uri=SDM_ENVIRONMENT + "AirQualityObserved",
    public=True,
    from_sql=FROM,
    tenant_sql=_tenant("air"),
    id_prefix="urn:ngsi-ld:AirQualityObserved:",
    key_sql="d.serial",  # a station is one device: (organization_id, serial) is unique and indexed
    attributes=(
        Attribute("name", "st.name", TEXT),
        Attribute("pm25", PM25, NUMBER, observed_at=PM25_AT, unit_code="GQ"),
        Attribute("pm10", PM10, NUMBER, observed_at=PM10_AT, unit_code="GQ"),
        Attribute("airQualityIndex", AQI_SQL, NUMBER, observed_at="st.observed_at"),
        Attribute("airQualityLevel", _level(SDM_AIR_LEVEL), TEXT, observed_at="st.observed_at"),
        Attribute("dateObserved", "st.observed_at", DATETIME),
        Attribute("refDevice", "'urn:ngsi-ld:Device:' || d.serial", TEXT, kind=RELATIONSHIP),
        Attribute("location", "d.location", GEOMETRY, kind=GEO_PROPERTY),
    ),
    created_at_sql="st.created_at",
    modified_at_sql="GREATEST(st.created_at, st.observed_at)",
)

FLOOD_MONITORING = EntityType(
    name="FloodMonitoring",
    uri=SDM_ENVIRONMENT + "FloodMonitoring",
    public=True,
    from_sql=FROM,
    tenant_sql=_tenant("water"),
    id_prefix="urn:ngsi-ld:FloodMonitoring:",
    key_sql="d.serial",
    attributes=(
        Attribute("name", "st.name", TEXT),
        Attribute("stationID", "d.serial", TEXT),
        Attribute("currentLevel", LEVEL, NUMBER, observed_at=LEVEL_AT, unit_code="MTR"),
        Attribute("alertLevel", "st.alert_level", NUMBER, unit_code="MTR"),
        Attribute("dangerLevel", "st.danger_level", NUMBER, unit_code="MTR"),
        Attribute("floodLevelStatus", _level(SDM_FLOOD_STATUS), TEXT, observed_at="st.observed_at"),
        Attribute("observationDateTime", "st.observed_at", DATETIME),
        Attribute("refDevice", "'urn:ngsi-ld:Device:' || d.serial", TEXT, kind=RELATIONSHIP),
        Attribute("location", "d.location", GEOMETRY, kind=GEO_PROPERTY),
    ),
    created_at_sql="st.created_at",
    modified_at_sql="GREATEST(st.created_at, st.observed_at)",
)
