"""The iot app's NGSI-LD entity type: `Device` (Smart Data Models, dataModel.Device), served by the `ngsi` app.

A device is `urn:ngsi-ld:Device:<serial>` in its organisation's tenant. Its attributes are SQL over the device,
its profile and its latest values (one indexed lookup each), so `q` and `attrs` run in PostgreSQL:

- `name`, `serialNumber`, `deviceState` (active / silent / retired), `dateInstalled`, `dateLastValueReported`;
- `controlledProperty`: the telemetry keys its profile declares (`pm25`, `level`, …);
- `value`: its latest readings as one object (`{"pm25": 41.2, "pm10": 60.0}`), observed at the newest of them;
  `q=value[pm25]>37.5` compares one reading;
- `batteryLevel`: the latest `battery` reading (percent) as a ratio from 0 to 1, as the data model has it;
- `location`: a GeoProperty (Point).

The SQL here is constant text (no caller's value is ever formatted into it: S608 is silenced for that reason).
Devices are the engineering department's: reading them needs `iot.view` (or `ngsi.read`).
"""

from muang.iot.permissions import IotPerm
from muang.ngsi.providers import (
    DATE,
    DATETIME,
    GEO_PROPERTY,
    GEOMETRY,
    JSON,
    NUMBER,
    TEXT,
    TEXT_ARRAY,
    Attribute,
    EntityType,
)

SDM_DEVICE = "https://smartdatamodels.org/dataModel.Device/"
LATEST = "iot_latestvalue lv WHERE lv.organization_id = d.organization_id AND lv.device_id = d.id"

DEVICE = EntityType(
    name="Device",
    uri=SDM_DEVICE + "Device",
    public=False,
    permission=IotPerm.IOT_VIEW,
    from_sql="iot_device d JOIN iot_deviceprofile p ON p.id = d.profile_id",
    tenant_sql="d.organization_id = %(org)s",
    id_prefix="urn:ngsi-ld:Device:",
    key_sql="d.serial",  # unique with the organisation: the (organization_id, serial) index
    attributes=(
        Attribute("name", "d.name", TEXT),
        Attribute("serialNumber", "d.serial", TEXT),
        Attribute(
            "controlledProperty",
            "ARRAY(SELECT k ->> 'key' FROM jsonb_array_elements(p.keys) AS k)",
            TEXT_ARRAY,
        ),
        Attribute("deviceState", "d.state", TEXT),
        Attribute("dateInstalled", "d.installed_on", DATE),
        Attribute("dateLastValueReported", "d.last_seen", DATETIME),
        Attribute(
            "value",
            f"(SELECT jsonb_object_agg(lv.key, lv.value ORDER BY lv.key) FROM {LATEST})",  # noqa: S608
            JSON,
            observed_at=f"(SELECT max(lv.time) FROM {LATEST})",  # noqa: S608
        ),
        Attribute(
            "batteryLevel",
            f"(SELECT lv.value / 100.0 FROM {LATEST} AND lv.key = 'battery')",  # noqa: S608
            NUMBER,
            observed_at=f"(SELECT lv.time FROM {LATEST} AND lv.key = 'battery')",  # noqa: S608
            unit_code="C62",
        ),
        Attribute("location", "d.location", GEOMETRY, kind=GEO_PROPERTY),
    ),
    created_at_sql="d.created_at",
    modified_at_sql="GREATEST(d.created_at, d.last_seen)",
)
