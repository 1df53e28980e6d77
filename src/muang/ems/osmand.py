"""Traccar's OsmAnd protocol (what OsmAnd, the Traccar Client apps, many trackers and a Traccar forwarder send),
parsed into what the IoT core's ingest takes. Pure: no database.

Two forms, as Traccar's `OsmAndProtocolDecoder` reads them:
- parameters (the query string of a GET or POST, or a form body when the query is empty): `id` (or `deviceid`),
  `lat`, `lon` (or `location=lat,lon`), `timestamp` (Unix seconds, milliseconds, ISO 8601, or
  `yyyy-MM-dd HH:mm:ss` in UTC), `speed` (knots), `bearing` (or `heading`), `altitude`, `accuracy`, `batt` (%),
  `alarm` (Traccar's names: `sos`, `fallDown`, `lowBattery`, `geofenceExit`, `removing`, ...), `heartRate`;
  every other parameter is kept (a telemetry key when the device's profile declares it, else an attribute);
- the JSON body of the newer clients: `{"device_id", "location": {"timestamp", "coords": {"latitude",
  "longitude", "speed" (m/s), "heading", "altitude", "accuracy"}, "battery": {"level" (0..1), "is_charging"},
  "is_moving", "odometer", "event", "activity": {"type"}, "extras": {...}}}`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import orjson
from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput
from muang.ems.services.wristbands import TRACCAR_ALARMS

KNOT_KMH = 1.852
MPS_KMH = 3.6
MAX_ATTRIBUTES = 40
NAIVE_FORMAT = "%Y-%m-%d %H:%M:%S"
ATTRIBUTE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
# Parameter -> telemetry key (numbers).
NUMBERS = {
    "lat": "lat",
    "lon": "lon",
    "bearing": "bearing",
    "heading": "bearing",
    "altitude": "altitude",
    "accuracy": "accuracy",
    "batt": "batt",
    "heartRate": "heart_rate",
    "heart_rate": "heart_rate",
}


@dataclass
class Position:
    device_id: str
    time: dt.datetime | None
    values: dict[str, float] = field(default_factory=dict)
    attributes: dict[str, object] = field(default_factory=dict)

    @property
    def point(self) -> tuple[float, float] | None:
        if "lat" in self.values and "lon" in self.values:
            return self.values["lat"], self.values["lon"]
        return None


def _number(name: str, raw) -> float:
    if isinstance(raw, bool):
        raise InvalidInput.for_field(name, _("%(name)s must be a number.") % {"name": name})
    try:
        value = float(raw)
    except (TypeError, ValueError) as e:
        raise InvalidInput.for_field(name, _("%(name)s must be a number.") % {"name": name}) from e
    if not math.isfinite(value):
        raise InvalidInput.for_field(name, _("%(name)s must be a number.") % {"name": name})
    return value


def parse_time(raw) -> dt.datetime:
    """Unix seconds (or milliseconds, as Traccar: anything past 2^31), ISO 8601, or `yyyy-MM-dd HH:mm:ss`;
    a time without a zone is UTC."""
    text = str(raw).strip()
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None and math.isfinite(number):
        if number >= 2**31:
            number /= 1000
        try:
            return dt.datetime.fromtimestamp(number, tz=dt.UTC)
        except (OverflowError, OSError, ValueError) as e:
            raise InvalidInput.for_field("timestamp", _("The timestamp is out of range.")) from e
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = dt.datetime.strptime(text, NAIVE_FORMAT)  # noqa: DTZ007 (UTC, set below)
        except ValueError as e:
            raise InvalidInput.for_field(
                "timestamp", _("The timestamp is Unix seconds or an ISO 8601 time.")
            ) from e
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _keep(position: Position, key: str, value) -> None:
    if not ATTRIBUTE_KEY.match(key):
        raise InvalidInput.for_field(
            "parameters", _("%(name)s is not a parameter name.") % {"name": key[:64]}
        )
    if len(position.attributes) >= MAX_ATTRIBUTES:
        raise InvalidInput.for_field("parameters", _("Too many parameters."))
    if isinstance(value, str):
        low = value.lower()
        if low in ("true", "false"):
            value = low == "true"
        else:
            try:
                number = float(value)
                value = number if math.isfinite(number) else value[:200]
            except ValueError:
                value = value[:200]
    position.attributes[key] = value


def _alarm(position: Position, name: str) -> None:
    for one in str(name).split(","):
        one = one.strip()
        key = TRACCAR_ALARMS.get(one)
        if key is not None:
            position.values[key] = 1.0
        elif one:
            _keep(position, "alarm", one)  # an alarm the band knows and we do not: kept, not lost


def parse_parameters(params: dict[str, str]) -> Position:
    """The parameter form: a mapping of name -> value (the last one when repeated)."""
    device_id = (params.get("id") or params.get("deviceid") or "").strip()
    if not device_id:
        raise InvalidInput.for_field("id", _("Give the tracker's id."))
    position = Position(device_id=device_id, time=None)
    for name, raw in params.items():
        if name in ("id", "deviceid"):
            continue
        if name == "timestamp":
            position.time = parse_time(raw)
        elif name == "location":
            parts = str(raw).split(",")
            if len(parts) != 2:
                raise InvalidInput.for_field("location", _("location is lat,lon."))
            position.values["lat"] = _number("lat", parts[0])
            position.values["lon"] = _number("lon", parts[1])
        elif name == "speed":
            position.values["speed"] = _number("speed", raw) * KNOT_KMH
        elif name == "alarm":
            _alarm(position, raw)
        elif name in NUMBERS:
            position.values[NUMBERS[name]] = _number(name, raw)
        else:
            _keep(position, name, raw)
    return position


def parse_json(body: bytes) -> Position:
    """The JSON form of the newer Traccar/OsmAnd clients."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as e:
        raise InvalidInput.for_field("body", _("The body is not valid JSON.")) from e
    if not isinstance(data, dict):
        raise InvalidInput.for_field("body", _("The body is a JSON object."))
    device_id = str(data.get("device_id") or "").strip()
    if not device_id:
        raise InvalidInput.for_field("device_id", _("Give the tracker's id."))
    location = data.get("location")
    if isinstance(location, list) and location:
        location = location[-1]  # a batch of positions: the newest is the last
    if not isinstance(location, dict):
        raise InvalidInput.for_field("location", _("location is an object."))
    position = Position(device_id=device_id, time=None)
    if "timestamp" in location:
        position.time = parse_time(location["timestamp"])
    coords = location.get("coords") or {}
    if not isinstance(coords, dict):
        raise InvalidInput.for_field("location.coords", _("coords is an object."))
    for name, key, scale in (
        ("latitude", "lat", 1.0),
        ("longitude", "lon", 1.0),
        ("speed", "speed", MPS_KMH),
        ("heading", "bearing", 1.0),
        ("altitude", "altitude", 1.0),
        ("accuracy", "accuracy", 1.0),
    ):
        value = coords.get(name)
        if value is not None and not (name in ("speed", "heading") and _number(name, value) < 0):
            position.values[key] = _number(name, value) * scale  # iOS: -1 speed or heading = unknown
    battery = location.get("battery") or {}
    if isinstance(battery, dict):
        if battery.get("level") is not None:
            level = _number("battery.level", battery["level"])
            if level >= 0:
                position.values["batt"] = level * 100 if level <= 1 else level
        if "is_charging" in battery:
            _keep(position, "charge", bool(battery["is_charging"]))
    if "is_moving" in location:
        _keep(position, "motion", bool(location["is_moving"]))
    if location.get("odometer") is not None:
        _keep(position, "odometer", _number("odometer", location["odometer"]))
    if location.get("event"):
        _keep(position, "event", str(location["event"]))
    activity = location.get("activity")
    if isinstance(activity, dict) and activity.get("type"):
        _keep(position, "activity", str(activity["type"]))
    extras = location.get("extras") or {}
    if isinstance(extras, dict):
        for name, value in extras.items():
            if name == "alarm":
                _alarm(position, value)
            elif name in NUMBERS:
                position.values[NUMBERS[name]] = _number(name, value)
            elif isinstance(value, str | int | float | bool):
                _keep(position, str(name), value)
    return position
