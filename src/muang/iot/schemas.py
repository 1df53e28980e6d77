import datetime as dt

from ninja import Schema


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
