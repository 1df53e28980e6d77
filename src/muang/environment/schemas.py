import datetime as dt

from ninja import Field, Schema


class StationIn(Schema):
    device_id: int
    kind: str = Field(..., description="air or water")
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    is_public: bool = True
    bank_level: float | None = None
    alert_level: float | None = None
    danger_level: float | None = None
    rise_alert: float | None = Field(None, description="rising-rate alert, m/h")
    hysteresis: float | None = None


class StationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    is_public: bool | None = None
    bank_level: float | None = None
    alert_level: float | None = None
    danger_level: float | None = None
    rise_alert: float | None = None
    hysteresis: float | None = None


class StationState(Schema):
    """A station's current state. Air: pm25/pm10 (newest readings), their 1-hour and 24-hour means, the AQI
    (24-hour, PCD notice), the band (colour, level name, advice). Water: level, rise rate (m/h), the gauge's own
    levels and its status (normal, watch, danger)."""

    id: int
    kind: str
    name: str
    name_th: str
    lat: float | None
    lon: float | None
    is_public: bool
    observed_at: dt.datetime | None
    level: int
    alert: bool
    colour: str
    colour_hex: str
    level_name: str
    advice: str = ""
    pm25: float | None = None
    pm10: float | None = None
    pm25_1h: float | None = None
    pm25_24h: float | None = None
    pm10_1h: float | None = None
    pm10_24h: float | None = None
    aqi: int | None = None
    water_level: float | None = None
    rise_rate: float | None = None
    bank_level: float | None = None
    alert_level: float | None = None
    danger_level: float | None = None
    rise_alert: float | None = None
    status: str | None = None


class HistoryOut(Schema):
    """Columns for a chart: `t` bucket starts (epoch seconds), then one list per key (a mean, or null)."""

    range: str
    bucket: int
    start: int
    end: int
    t: list[int]
    pm25: list[float | None] | None = None
    pm10: list[float | None] | None = None
    level: list[float | None] | None = None
