import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class StreetlightOut(Schema):
    """A pole and its state, with the Smart Data Models `Streetlight` attribute names."""

    id: int
    code: str
    lat: float
    lon: float
    lampType: str = Field(..., alias="lamp_type")
    ratedPower: int = Field(..., alias="rated_watts")
    lanternHeight: float | None = Field(None, alias="lantern_height")
    circuit: str
    group: str
    dateInstalled: dt.date | None = Field(None, alias="installed_on")
    dateLastLampChange: dt.date | None = Field(None, alias="last_lamp_change")
    controller: str
    status: str
    powerState: str = Field(..., alias="power_state")
    dimmingLevel: int | None = Field(None, alias="dimming_level")
    powerConsumption: float | None = Field(None, alias="power_consumption")
    energy: float | None
    lampOperatingHours: float | None = Field(None, alias="operating_hours")
    lampSwitchOnCount: int | None = Field(None, alias="switch_on_count")
    dateLastReported: dt.datetime | None = Field(None, alias="reported_at")
    mapState: str = Field(..., alias="map_class")
    faults: list[str]
    case: str = Field(..., alias="case_code")

    @staticmethod
    def resolve_faults(view) -> list[str]:
        return [kind for kind, _label in view.faults]


class PoleIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    lat: float
    lon: float
    rated_watts: int
    lamp_type: str = "led"
    circuit: str = Field("", max_length=40)
    group: str = Field("", max_length=100)


class FaultOut(Schema):
    id: int
    kind: str
    pole: str | None
    circuit: str | None
    started_at: dt.datetime
    last_seen_at: dt.datetime
    confirmed_at: dt.datetime | None
    case: str | None

    @staticmethod
    def resolve_pole(fault) -> str | None:
        return fault.pole.code if fault.pole_id else None

    @staticmethod
    def resolve_circuit(fault) -> str | None:
        return fault.circuit.code if fault.circuit_id else None

    @staticmethod
    def resolve_case(fault) -> str | None:
        case = fault.case or (fault.parent.case if fault.parent_id else None)
        return case.tracking_code if case else None


class ScheduleStepIn(Schema):
    anchor: str
    offset_minutes: int = 0
    at: str | None = None
    dim_level: int


class ScheduleIn(Schema):
    steps: list[ScheduleStepIn]


class ScheduleStepOut(Schema):
    anchor: str
    offset_minutes: int
    at: dt.time | None
    dim_level: int


class GroupOut(Schema):
    id: int
    name: str
    steps: list[ScheduleStepOut]

    @staticmethod
    def resolve_steps(group) -> list:
        return list(group.steps.all())


class EnergyLineOut(Schema):
    circuit: str
    kwh: Decimal
    baht: Decimal
    saving_kwh: Decimal


class EnergyOut(Schema):
    month: dt.date
    tariff: Decimal = Field(..., description="THB/kWh in force on the month's first day")
    tariff_is_default: bool = Field(
        ..., description="true: the organisation has set no tariff yet and the system's default is used"
    )
    tariff_from: dt.date | None
    tariff_source: str
    kwh: Decimal
    baht: Decimal
    saving_kwh: Decimal
    saving_baht: Decimal
    availability: Decimal | None
    circuits: list[EnergyLineOut]
