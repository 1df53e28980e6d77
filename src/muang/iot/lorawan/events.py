"""The network servers' webhook bodies, read into one shape (pure: no database).

ChirpStack v4, HTTP integration with `marshaler=json` (`integration.proto`, protobuf JSON: camelCase names, bytes
in base64, Timestamps in RFC 3339, fields at their zero value may be missing):

    POST <url>?event=up      {"deduplicationId": uuid, "time", "deviceInfo": {"tenantId", "applicationId",
                              "deviceName", "devEui": "0102030405060708", ...}, "devAddr", "fCnt", "fPort",
                              "data": base64 FRMPayload, "object": {...} (only with a codec), "rxInfo": [{"rssi",
                              "snr", ...}], "txInfo"}
             ?event=status   {"deduplicationId", "time", "deviceInfo", "margin", "externalPowerSource",
                              "batteryLevelUnavailable", "batteryLevel"}
             ?event=join     {"deduplicationId", "time", "deviceInfo", "devAddr"}
             ?event=log      {"time", "deviceInfo", "level": "INFO|WARNING|ERROR", "code", "description",
                              "context"}
             ?event=ack      {"deduplicationId", "time", "deviceInfo", "queueItemId", "acknowledged", "fCntDown"}
             ?event=txack    {"downlinkId", "time", "deviceInfo", "queueItemId", "fCntDown", "gatewayId"}

The Things Stack v3 webhooks (docs "Data Formats"; proto3 JSON: snake_case, zero values omitted), one path per
message type: `uplink-message`, `join-accept`, `downlink-ack|nack|sent|queued|failed`, `service-data`,
`location-solved`:

    {"end_device_ids": {"device_id", "application_ids": {"application_id"}, "dev_eui", "join_eui", "dev_addr"},
     "correlation_ids": ["as:up:01…", …], "received_at",
     "uplink_message": {"session_key_id", "f_port", "f_cnt", "frm_payload": base64, "decoded_payload": {...},
                        "rx_metadata": [{"gateway_ids", "rssi", "snr", …}], "received_at"}}
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass, field

import orjson
from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput, MuangError

CHIRPSTACK_EVENTS = ("up", "status", "join", "log", "ack", "txack")
TTS_EVENTS = (
    "uplink-message",
    "join-accept",
    "downlink-ack",
    "downlink-nack",
    "downlink-sent",
    "downlink-queued",
    "downlink-failed",
    "service-data",
    "location-solved",
)
_DEV_EUI = re.compile(r"^[0-9A-Fa-f]{16}$")


class MalformedBody(MuangError):
    status = 400
    code = "malformed_body"
    title = _("The body cannot be read")


class UnknownEvent(MuangError):
    status = 400
    code = "unknown_event"
    title = _("Unknown event")


@dataclass
class Event:
    """One network-server event about one device."""

    kind: str  # "up", "status", "join", "log", "downlink" (ack, txack, TTS downlink-*), "other"
    dev_eui: str  # upper-case hex, as Device.dev_eui stores it
    time: dt.datetime | None = None
    message_id: str | None = (
        None  # deduplicationId / the as:up correlation id, else device address + frame counter
    )
    values: dict | None = None  # decoded by the network server (`object` / `decoded_payload`)
    data: str | None = None  # the FRMPayload in base64, checked
    attributes: dict = field(default_factory=dict)  # what the event tells about the device
    detail: str = ""  # a log line
    # The ingest envelope's field -> the webhook's own, so a refusal names what the network server sent.
    names: dict[str, str] = field(default_factory=dict)


CHIRPSTACK_NAMES = {"ts": "time", "values": "object", "object": "object", "data": "data"}
TTS_NAMES = {
    "ts": "uplink_message.received_at",
    "values": "uplink_message.decoded_payload",
    "object": "uplink_message.decoded_payload",
    "data": "uplink_message.frm_payload",
}


def parse_json(body: bytes) -> dict:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as e:
        raise MalformedBody(_("The body is not valid JSON: %(e)s") % {"e": e}) from e
    if not isinstance(parsed, dict):
        raise MalformedBody(_("The body is a JSON object."))
    return parsed


def _object(parent: dict, name: str, where: str) -> dict:
    value = parent.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput.for_field(where, _("%(field)s is an object.") % {"field": where})
    return value


def _dev_eui(raw, where: str) -> str:
    if not isinstance(raw, str) or not _DEV_EUI.match(raw):
        raise InvalidInput.for_field(where, _("%(field)s is a DevEUI of 16 hex digits.") % {"field": where})
    return raw.upper()


def _time(raw, where: str) -> dt.datetime | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise InvalidInput.for_field(where, _("%(field)s is an RFC 3339 time.") % {"field": where})
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as e:
        raise InvalidInput.for_field(where, _("%(field)s is an RFC 3339 time.") % {"field": where}) from e
    if moment.tzinfo is None:
        raise InvalidInput.for_field(where, _("%(field)s must carry its time zone.") % {"field": where})
    return moment.astimezone(dt.UTC)


def _uint(raw, where: str) -> int:
    if raw is None:
        return 0  # proto3 JSON leaves out a zero
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise InvalidInput.for_field(where, _("%(field)s is a whole number.") % {"field": where})
    return raw


def _number(raw, where: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise InvalidInput.for_field(where, _("%(field)s is a number.") % {"field": where})
    return float(raw)


def _base64(raw, where: str) -> str | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise InvalidInput.for_field(where, _("%(field)s is a base64 string.") % {"field": where})
    try:
        base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as e:
        raise InvalidInput.for_field(where, _("%(field)s is not valid base64.") % {"field": where}) from e
    return raw


def _text(raw, where: str, limit: int = 100) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > limit:
        raise InvalidInput.for_field(
            where, _("%(field)s is a string of at most %(n)s characters.") % {"field": where, "n": limit}
        )
    return raw


def _signal(metadata, where: str) -> dict:
    """The best gateway's RSSI and SNR (rxInfo / rx_metadata), as attributes of the device."""
    if metadata is None:
        return {}
    if not isinstance(metadata, list):
        raise InvalidInput.for_field(where, _("%(field)s is a list.") % {"field": where})
    best: tuple[float, float | None] | None = None
    for i, gateway in enumerate(metadata):
        if not isinstance(gateway, dict):
            raise InvalidInput.for_field(f"{where}[{i}]", _("Each gateway is an object."))
        rssi = _number(gateway.get("rssi"), f"{where}[{i}].rssi")
        snr = _number(gateway.get("snr"), f"{where}[{i}].snr")
        if rssi is not None and (best is None or rssi > best[0]):
            best = (rssi, snr)
    if best is None:
        return {}
    return {"rssi": best[0], "snr": best[1]} if best[1] is not None else {"rssi": best[0]}


def _fcnt_id(dev_addr: str, f_cnt: int) -> str:
    # The frame counter restarts at a new session, which brings a new device address: both name the frame.
    return f"fcnt:{dev_addr or '-'}:{f_cnt}"


def chirpstack_event(event: str, body: dict) -> Event:
    if event not in CHIRPSTACK_EVENTS:
        raise UnknownEvent(
            _("Unknown event %(event)r: ChirpStack sends %(known)s.")
            % {"event": event, "known": ", ".join(CHIRPSTACK_EVENTS)},
            field_errors={"event": [_("One of: %(known)s.") % {"known": ", ".join(CHIRPSTACK_EVENTS)}]},
        )
    info = _object(body, "deviceInfo", "deviceInfo")
    dev_eui = _dev_eui(info.get("devEui"), "deviceInfo.devEui")
    time = _time(body.get("time"), "time")
    dedup = _text(body.get("deduplicationId"), "deduplicationId") or None
    if event == "up":
        f_cnt = _uint(body.get("fCnt"), "fCnt")
        dev_addr = _text(body.get("devAddr"), "devAddr", 8)
        values = body.get("object")
        if values is not None and not isinstance(values, dict):
            raise InvalidInput.for_field("object", _("object is a JSON object."))
        attributes = _signal(body.get("rxInfo"), "rxInfo")
        attributes |= {"f_cnt": f_cnt, "f_port": _uint(body.get("fPort"), "fPort")}
        return Event(
            "up",
            dev_eui,
            time,
            message_id=f"cs:{dedup}" if dedup else _fcnt_id(dev_addr, f_cnt),
            values=values,
            data=_base64(body.get("data"), "data"),
            attributes=attributes,
            names=CHIRPSTACK_NAMES,
        )
    if event == "status":
        attributes = {
            "margin": int(_number(body.get("margin"), "margin") or 0),
            "external_power_source": bool(body.get("externalPowerSource", False)),
        }
        if not body.get("batteryLevelUnavailable") and not attributes["external_power_source"]:
            level = _number(body.get("batteryLevel"), "batteryLevel")
            if level is not None and not 0 <= level <= 100:
                raise InvalidInput.for_field("batteryLevel", _("batteryLevel is a percentage (0 to 100)."))
            attributes["battery_level"] = level or 0.0
        return Event("status", dev_eui, time, attributes=attributes)
    if event == "join":
        return Event("join", dev_eui, time, attributes={"dev_addr": _text(body.get("devAddr"), "devAddr", 8)})
    if event == "log":
        level = _text(body.get("level"), "level", 20) or "INFO"
        code = _text(body.get("code"), "code", 50) or "UNKNOWN"
        description = _text(body.get("description"), "description", 2000)
        return Event("log", dev_eui, time, detail=f"{level} {code}: {description}")
    # ack / txack: a downlink's fate
    status = event if event == "txack" else ("ack" if body.get("acknowledged") else "nack")
    return Event("downlink", dev_eui, time, attributes={"downlink_status": status})


def tts_event(event: str, body: dict) -> Event:
    if event not in TTS_EVENTS:
        raise UnknownEvent(
            _("Unknown event %(event)r: The Things Stack sends %(known)s.")
            % {"event": event, "known": ", ".join(TTS_EVENTS)},
            field_errors={"event": [_("One of: %(known)s.") % {"known": ", ".join(TTS_EVENTS)}]},
        )
    ids = _object(body, "end_device_ids", "end_device_ids")
    dev_eui = _dev_eui(ids.get("dev_eui"), "end_device_ids.dev_eui")
    received_at = _time(body.get("received_at"), "received_at")
    if event == "uplink-message":
        up = _object(body, "uplink_message", "uplink_message")
        if not up:
            raise InvalidInput.for_field("uplink_message", _("uplink_message is missing."))
        f_cnt = _uint(up.get("f_cnt"), "uplink_message.f_cnt")
        correlation = body.get("correlation_ids") or []
        if not isinstance(correlation, list):
            raise InvalidInput.for_field("correlation_ids", _("correlation_ids is a list."))
        uplink_id = next((c for c in correlation if isinstance(c, str) and c.startswith("as:up:")), None)
        values = up.get("decoded_payload")
        if values is not None and not isinstance(values, dict):
            raise InvalidInput.for_field("uplink_message.decoded_payload", _("decoded_payload is an object."))
        attributes = _signal(up.get("rx_metadata"), "uplink_message.rx_metadata")
        attributes |= {"f_cnt": f_cnt, "f_port": _uint(up.get("f_port"), "uplink_message.f_port")}
        return Event(
            "up",
            dev_eui,
            _time(up.get("received_at"), "uplink_message.received_at") or received_at,
            message_id=f"tts:{uplink_id[:90]}"
            if uplink_id
            else _fcnt_id(_text(ids.get("dev_addr"), "end_device_ids.dev_addr", 8), f_cnt),
            values=values,
            data=_base64(up.get("frm_payload"), "uplink_message.frm_payload"),
            attributes=attributes,
            names=TTS_NAMES,
        )
    if event == "join-accept":
        return Event(
            "join",
            dev_eui,
            received_at,
            attributes={"dev_addr": _text(ids.get("dev_addr"), "end_device_ids.dev_addr", 8)},
        )
    if event.startswith("downlink-"):
        return Event("downlink", dev_eui, received_at, attributes={"downlink_status": event.split("-", 1)[1]})
    return Event("other", dev_eui, received_at, detail=event)
