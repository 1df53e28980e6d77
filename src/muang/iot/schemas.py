import datetime as dt

from ninja import Field, Schema


class ProfileOut(Schema):
    id: int
    name: str
    keys: list[dict]
    decoder: dict
    report_interval: int


class DeviceOut(Schema):
    id: int
    name: str
    serial: str
    dev_eui: str | None
    profile_id: int
    state: str
    lat: float | None
    lon: float | None
    installed_on: dt.date | None
    asset_ref: str
    last_seen: dt.datetime | None
    error_count: int

    @staticmethod
    def resolve_lat(device) -> float | None:
        return device.location.y if device.location else None

    @staticmethod
    def resolve_lon(device) -> float | None:
        return device.location.x if device.location else None


class LatestValueOut(Schema):
    key: str
    time: dt.datetime
    value: float


class BucketOut(Schema):
    time: dt.datetime
    avg: float
    min: float
    max: float
    count: int


class IngestOut(Schema):
    status: str  # stored, duplicate
    rows: int


class ProfileIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    keys: list[dict] = Field(..., min_length=1, max_length=200)
    decoder: dict
    report_interval: int = Field(300, ge=10, le=7 * 86400)


class DeviceIn(Schema):
    profile_id: int
    name: str = Field(..., min_length=1, max_length=200)
    serial: str = Field(..., pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    dev_eui: str | None = Field(None, pattern=r"^[0-9A-Fa-f]{16}$")
    lat: float | None = None
    lon: float | None = None
    installed_on: dt.date | None = None
    asset_ref: str = Field("", max_length=200)


class DeviceCreatedOut(DeviceOut):
    credential: str  # shown once: the device's `Authorization: Bearer` token and MQTT password
    mqtt_username: str


class IotSettingsIO(Schema):
    retention_days: int = Field(..., ge=30, le=3650, description="telemetry kept, in days")
