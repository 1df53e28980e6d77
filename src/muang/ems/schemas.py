import datetime as dt

from ninja import Field, Schema


class IncidentIn(Schema):
    caller_name: str = Field(..., max_length=200)
    caller_phone: str = Field(..., max_length=40)
    lat: float | None = None
    lon: float | None = None
    criterion: str = Field(..., max_length=16, description='A CBD criterion key, e.g. "6-red-1".')
    address: str = Field("", max_length=300)
    description: str = Field("", max_length=2000)
    patient_name: str = Field("", max_length=200)
    patient_age: int | None = None
    source_ref: str = Field("", max_length=64, description='What raised it, e.g. "care.alert:42".')
    received_at: dt.datetime | None = None


class IncidentOut(Schema):
    id: int
    number: str
    dispatch_code: str
    colour: str
    cbd_group: int
    cbd_criterion: str
    lat: float
    lon: float
    address: str
    step: str
    unit: str | None
    hospital: str
    source_ref: str
    call_received_at: dt.datetime
    dispatched_at: dt.datetime | None
    rolling_at: dt.datetime | None
    at_scene_at: dt.datetime | None
    leaving_scene_at: dt.datetime | None
    at_hospital_at: dt.datetime | None
    back_at_base_at: dt.datetime | None

    @staticmethod
    def resolve_lat(incident) -> float:
        return incident.location.y

    @staticmethod
    def resolve_lon(incident) -> float:
        return incident.location.x

    @staticmethod
    def resolve_unit(incident) -> str | None:
        return incident.unit.call_sign if incident.unit else None


class DispatchIn(Schema):
    unit_id: int
    at: dt.datetime | None = None


class StepIn(Schema):
    step: str = Field(..., description="rolling, at_scene, leaving_scene, at_hospital or back_at_base")
    at: dt.datetime | None = None
    hospital: str = Field("", max_length=200)


class UnitOut(Schema):
    id: int
    call_sign: str
    kind: str
    level: str
    status: str
    lat: float
    lon: float
    position_at: dt.datetime | None

    @staticmethod
    def resolve_lat(unit) -> float:
        return unit.where.y

    @staticmethod
    def resolve_lon(unit) -> float:
        return unit.where.x


class UnitIn(Schema):
    call_sign: str = Field(..., max_length=40)
    lat: float = Field(..., description="the base, where the unit waits")
    lon: float
    kind: str = Field("ambulance", description="ambulance or rescue")
    level: str = Field("bls", description="fr (first responder), bls (basic) or als (advanced)")
    crew: str = Field("", max_length=2000)
    phone: str = Field("", max_length=40)


class UnitStatusIn(Schema):
    status: str = Field(..., description="available or out_of_service")


class RankedOut(Schema):
    unit_id: int
    call_sign: str
    level: str
    seconds: float | None
    metres: float
    by_road: bool = Field(..., description="false: a straight-line estimate (no road network)")


class AlertOut(Schema):
    """A wristband alert as the provincial centre's systems read it: no name, no health data."""

    id: int
    kind: str
    severity: str = Field(..., description="critical (SOS, fall, heart rate), warning or info")
    status: str
    wristband: str = Field(..., description="the band's tracker id")
    raised_at: dt.datetime
    lat: float | None
    lon: float | None
    value: float | None
    escalation: int = Field(..., description="how many people on call were told (not taken in time)")
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    incident_id: int | None

    @staticmethod
    def resolve_wristband(alert) -> str:
        return alert.wristband.device.serial

    @staticmethod
    def resolve_lat(alert) -> float | None:
        return alert.location.y if alert.location else None

    @staticmethod
    def resolve_lon(alert) -> float | None:
        return alert.location.x if alert.location else None


class AlertCloseIn(Schema):
    reason: str = Field(..., max_length=2000)
    false_alarm: bool = True


class AlertIncidentIn(Schema):
    criterion: str = Field(..., max_length=16, description='A CBD criterion key, e.g. "24-red-1".')


class WristbandRulesIn(Schema):
    heart_rate_min: int | None = Field(None, description="beats a minute; empty: not checked")
    heart_rate_max: int | None = None
    geofence_radius_m: int | None = Field(None, description="a circle around the person's home")
    still_hours: int | None = Field(None, description="no movement for this many daytime hours")
    battery_low: int = Field(20, description="percent")
    medical_summary: str = Field("", max_length=4000)


class WristbandIn(WristbandRulesIn):
    person_id: int = Field(..., description="a person of the care register")
    serial: str = Field(..., max_length=64, description="the band's device id (IMEI or tracker id)")


class WristbandReplaceIn(Schema):
    serial: str = Field(..., max_length=64, description="the new band's device id")


class WristbandOut(Schema):
    """A band and its wearer's rules (the care centre's staff: restricted, no API token carries it)."""

    id: int
    person_id: int
    serial: str
    active: bool
    heart_rate_min: int | None
    heart_rate_max: int | None
    geofence_radius_m: int | None
    still_hours: int | None
    battery_low: int
    medical_summary: str
    created_at: dt.datetime

    @staticmethod
    def resolve_serial(band) -> str:
        return band.device.serial
