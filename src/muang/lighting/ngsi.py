"""The lighting app's NGSI-LD entity type: `Streetlight` (Smart Data Models, dataModel.Streetlighting), served by
the `ngsi` app.

One entity per pole, `urn:ngsi-ld:Streetlight:<pole code>` in its organisation's tenant. The attributes are SQL
over the pole, its controller's state and its open faults (one indexed lookup each), so `q` and `attrs` run in
PostgreSQL:

- `name` (the pole's code), `status`: `ok`, or the confirmed open faults' status as `lighting.selectors`
  computes it (`STATUS_OF_FAULT`: a silent controller is `brokenLantern`, a dark circuit `columnIssue`, the
  lamp's own faults `defectiveLamp`; the first fault that is not `defectiveLamp` wins);
- `powerState` (`on` / `off`, as the controller last said), `illuminanceLevel` (its dimming level as a ratio
  0–1), `powerConsumption` (W), each observed at the controller's last report;
- `lanternHeight` (m), `circuit` (the circuit's code), `refStreetlightGroup` and `refDevice` (Relationships to
  `urn:ngsi-ld:StreetlightGroup:<id>` and the controller's `urn:ngsi-ld:Device:<serial>`, which the iot app
  serves), `dateServiceStarted`, `dateLastLampChange`, `location` (GeoProperty).

The SQL here is constant text (no caller's value is ever formatted into it: S608 is silenced for that reason).
Street lights are the engineering department's: reading them needs `lighting.view` (`lighting:read`) or
`ngsi.read`.
"""

from muang.lighting.permissions import LightingPerm
from muang.lighting.selectors import STATUS_OF_FAULT
from muang.ngsi.providers import (
    DATE,
    GEO_PROPERTY,
    GEOMETRY,
    NUMBER,
    RELATIONSHIP,
    TEXT,
    Attribute,
    EntityType,
)

SDM_STREETLIGHTING = "https://smartdatamodels.org/dataModel.Streetlighting/"


def _status_sql() -> str:
    """`status` in SQL, from the same table as the map's (`STATUS_OF_FAULT`): the confirmed open faults in id
    order, one that is not `defectiveLamp` first; `ok` with none. The open-fault lookup uses the partial unique
    index (organisation, pole, kind) of open faults."""
    cases = " ".join(f"WHEN '{kind.value}' THEN '{status}'" for kind, status in STATUS_OF_FAULT.items())
    status = f"CASE f.kind {cases} END"
    return (
        f"COALESCE((SELECT {status} FROM lighting_fault f "  # noqa: S608
        "WHERE f.organization_id = s.organization_id AND f.pole_id = s.id AND f.cleared_at IS NULL "
        "AND (f.confirmed_at IS NOT NULL OR f.parent_id IS NOT NULL) "
        f"ORDER BY ({status}) = 'defectiveLamp', f.id LIMIT 1), 'ok')"
    )


STREETLIGHT = EntityType(
    name="Streetlight",
    uri=SDM_STREETLIGHTING + "Streetlight",
    public=False,
    permission=LightingPerm.LIGHTING_VIEW,
    # The state counts only while the pole has a controller (as on the map).
    from_sql="lighting_pole s "
    "LEFT JOIN lighting_polestate st ON st.pole_id = s.id AND s.device_id IS NOT NULL "
    "LEFT JOIN lighting_circuit c ON c.id = s.circuit_id "
    "LEFT JOIN iot_device d ON d.id = s.device_id",
    tenant_sql="s.organization_id = %(org)s",
    id_prefix="urn:ngsi-ld:Streetlight:",
    key_sql="s.code",  # UniqueConstraint(organization, code)
    attributes=(
        Attribute("name", "s.code", TEXT),
        Attribute("status", _status_sql(), TEXT),
        Attribute("powerState", "NULLIF(st.power_state, '')", TEXT, observed_at="st.reported_at"),
        Attribute(
            "illuminanceLevel",
            "st.dimming_level / 100.0",
            NUMBER,
            observed_at="st.reported_at",
            unit_code="C62",
        ),
        Attribute(
            "powerConsumption",
            "st.power_consumption",
            NUMBER,
            observed_at="st.reported_at",
            unit_code="WTT",
        ),
        Attribute("lanternHeight", "s.lantern_height::float8", NUMBER, unit_code="MTR"),
        Attribute("circuit", "c.code", TEXT),
        Attribute(
            "refStreetlightGroup",
            "'urn:ngsi-ld:StreetlightGroup:' || s.group_id",
            TEXT,
            kind=RELATIONSHIP,
        ),
        Attribute("refDevice", "'urn:ngsi-ld:Device:' || d.serial", TEXT, kind=RELATIONSHIP),
        Attribute("dateServiceStarted", "s.installed_on", DATE),
        Attribute("dateLastLampChange", "s.last_lamp_change", DATE),
        Attribute("location", "s.location", GEOMETRY, kind=GEO_PROPERTY),
    ),
    created_at_sql="s.created_at",
    modified_at_sql="GREATEST(s.created_at, st.reported_at)",
)
