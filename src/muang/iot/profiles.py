"""A device profile's declarations, validated as data: the telemetry keys (unit, type, valid range) and the
decoder (JSON keys mapped to telemetry keys, or a declarative byte layout for LoRaWAN frames).

A decoder is never code typed by a user: a byte layout is a list of fields {key, offset, type, endianness,
scale} read with `struct`, nothing else. Everything here is pure (no database), so the ingest hot path and the
profile's `save()` share it.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput
from muang.iot.key_names import key_name

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
VALUE_TYPES = ("float", "int", "bool")
# Byte layout field types -> struct codes.
FIELD_TYPES = {"u8": "B", "u16": "H", "s16": "h", "u32": "I", "f32": "f"}
ENDIANNESS = {"big": ">", "little": "<"}
MAX_FRAME = 242  # the largest LoRaWAN application payload (DR with the biggest N)


@dataclass(frozen=True)
class KeySpec:
    key: str
    unit: str
    type: str
    min: float | None
    max: float | None
    label: str = ""  # what pages call it (muang.iot.key_names.key_name: a well-known key's name otherwise)

    @property
    def name(self) -> str:
        return key_name(self.key, self.label)

    @classmethod
    def of(cls, keys: dict[str, KeySpec], key: str) -> KeySpec:
        """The profile's spec of `key`, or a bare one (no unit, a number) for a key it no longer declares."""
        return keys.get(key) or cls(key=key, unit="", type="float", min=None, max=None)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    offset: int
    type: str
    endianness: str
    scale: float

    @property
    def struct(self) -> struct.Struct:
        return struct.Struct(ENDIANNESS[self.endianness] + FIELD_TYPES[self.type])


def _number(value, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput.for_field(field, _("%(field)s must be a finite number.") % {"field": field})
    return float(value)


def parse_keys(raw) -> dict[str, KeySpec]:
    """The telemetry keys of a profile: a list of {key, unit, type, min, max, label}; refused naming the entry."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInput.for_field("keys", _("Declare at least one telemetry key."))
    keys: dict[str, KeySpec] = {}
    for i, entry in enumerate(raw):
        where = f"keys[{i}]"
        if not isinstance(entry, dict):
            raise InvalidInput.for_field(where, _("Each telemetry key is an object."))
        key = entry.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise InvalidInput.for_field(
                where, _("A key is lower-case letters, digits and _ (at most 64), starting with a letter.")
            )
        if key in keys:
            raise InvalidInput.for_field(where, _("The key %(key)s is declared twice.") % {"key": key})
        value_type = entry.get("type", "float")
        if value_type not in VALUE_TYPES:
            raise InvalidInput.for_field(
                where, _("The type of %(key)s must be one of: float, int, bool.") % {"key": key}
            )
        unit = entry.get("unit", "")
        if not isinstance(unit, str) or len(unit) > 20:
            raise InvalidInput.for_field(where, _("A unit is at most 20 characters."))
        low, high = _number(entry.get("min"), f"{where}.min"), _number(entry.get("max"), f"{where}.max")
        if low is not None and high is not None and low > high:
            raise InvalidInput.for_field(
                where, _("The minimum of %(key)s is above its maximum.") % {"key": key}
            )
        label = entry.get("label", "")
        if not isinstance(label, str) or len(label) > 100:
            raise InvalidInput.for_field(where, _("A key's label is text of at most 100 characters."))
        keys[key] = KeySpec(key=key, unit=unit, type=value_type, min=low, max=high, label=label.strip())
    return keys


def parse_decoder(raw, keys: dict[str, KeySpec]) -> dict:
    """{"kind": "json", "keys": {payload key: telemetry key}} (an empty map: the payload uses the telemetry
    keys) or {"kind": "bytes", "fields": [{key, offset, type, endianness, scale}, ...]}."""
    if not isinstance(raw, dict) or raw.get("kind") not in ("json", "bytes"):
        raise InvalidInput.for_field("decoder", _("The decoder's kind is json or bytes."))
    if raw["kind"] == "json":
        mapping = raw.get("keys", {})
        if not isinstance(mapping, dict):
            raise InvalidInput.for_field(
                "decoder.keys", _("The JSON keys map payload keys to telemetry keys.")
            )
        for source, target in mapping.items():
            if not isinstance(source, str) or not source or len(source) > 64:
                raise InvalidInput.for_field("decoder.keys", _("A payload key is 1 to 64 characters."))
            if target not in keys:
                raise InvalidInput.for_field(
                    "decoder.keys", _("%(key)s is not a telemetry key of this profile.") % {"key": target}
                )
        return {"kind": "json", "keys": dict(mapping)}
    fields = raw.get("fields")
    if not isinstance(fields, list) or not fields:
        raise InvalidInput.for_field("decoder.fields", _("A byte layout lists at least one field."))
    parsed = [_parse_field(i, f, keys) for i, f in enumerate(fields)]
    seen: set[str] = set()
    for f in parsed:
        if f.key in seen:
            raise InvalidInput.for_field(
                "decoder.fields", _("The key %(key)s is read twice.") % {"key": f.key}
            )
        seen.add(f.key)
    return {"kind": "bytes", "fields": [f.__dict__ for f in parsed]}


def _parse_field(i: int, raw, keys: dict[str, KeySpec]) -> FieldSpec:
    where = f"decoder.fields[{i}]"
    if not isinstance(raw, dict):
        raise InvalidInput.for_field(where, _("Each field is an object."))
    unknown = set(raw) - {"key", "offset", "type", "endianness", "scale"}
    if unknown:
        raise InvalidInput.for_field(
            where, _("Unknown field attributes: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    key = raw.get("key")
    if key not in keys:
        raise InvalidInput.for_field(
            where, _("%(key)s is not a telemetry key of this profile.") % {"key": key}
        )
    offset = raw.get("offset")
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < MAX_FRAME:
        raise InvalidInput.for_field(where, _("The offset is a whole number from 0 to 241."))
    field_type = raw.get("type")
    if field_type not in FIELD_TYPES:
        raise InvalidInput.for_field(where, _("The type is one of: u8, u16, s16, u32, f32."))
    endianness = raw.get("endianness", "big")
    if endianness not in ENDIANNESS:
        raise InvalidInput.for_field(where, _("The endianness is big or little."))
    scale = _number(raw.get("scale", 1), f"{where}.scale")
    if scale == 0:
        raise InvalidInput.for_field(where, _("The scale may not be zero."))
    spec = FieldSpec(key=key, offset=offset, type=field_type, endianness=endianness, scale=scale)
    if offset + spec.struct.size > MAX_FRAME:
        raise InvalidInput.for_field(where, _("The field ends beyond the largest LoRaWAN frame."))
    return spec


@dataclass(frozen=True)
class Decoded:
    values: dict[str, float]
    time: object | None = None  # a datetime from the payload, if it carried one
    message_id: str | None = None


class Decoder:
    """A profile's keys and decoder, parsed once: decodes and validates payloads without touching the database."""

    def __init__(self, keys_raw, decoder_raw):
        self.keys = parse_keys(keys_raw)
        self.spec = parse_decoder(decoder_raw, self.keys)
        self.fields = [FieldSpec(**f) for f in self.spec.get("fields", ())]
        self.json_map = self.spec.get("keys") or {k: k for k in self.keys}

    def decode_frame(self, frame: bytes) -> dict[str, float]:
        if len(frame) > MAX_FRAME:
            raise InvalidInput.for_field(
                "data", _("The frame is longer than %(n)s bytes.") % {"n": MAX_FRAME}
            )
        values = {}
        for f in self.fields:
            s = f.struct
            if f.offset + s.size > len(frame):
                raise InvalidInput.for_field(
                    f.key,
                    _("The frame is too short for %(key)s (%(n)s bytes).") % {"key": f.key, "n": len(frame)},
                )
            (raw,) = s.unpack_from(frame, f.offset)
            values[f.key] = raw * f.scale
        return values

    def decode_values(self, raw: dict) -> dict:
        if self.spec["kind"] == "bytes":
            raise InvalidInput.for_field("values", _("This profile reads byte frames: send data in base64."))
        values = {}
        for source, value in raw.items():
            target = self.json_map.get(source)
            if target is None:
                raise InvalidInput.for_field(source, _("Unknown telemetry key %(key)s.") % {"key": source})
            values[target] = value
        return values

    def decode_b64(self, data) -> dict[str, float]:
        if self.spec["kind"] != "bytes":
            raise InvalidInput.for_field("data", _("This profile reads JSON values, not byte frames."))
        if not isinstance(data, str):
            raise InvalidInput.for_field("data", _("data is a base64 string."))
        try:
            frame = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as e:
            raise InvalidInput.for_field("data", _("data is not valid base64.")) from e
        return self.decode_frame(frame)

    def validate(self, values: dict) -> dict[str, float]:
        """Each value checked against its key: type and range; refused naming the key. The common value (a
        finite float, or an int, inside its range) takes one type test and one range test; anything else goes
        through `_validate_one`, which says what is wrong."""
        if not values:
            raise InvalidInput.for_field("values", _("The payload carries no reading."))
        out = {}
        bounds = self._bounds
        for key, value in values.items():
            kind = type(value)
            bound = bounds.get(key)
            if (
                bound is not None
                and (kind is int or (kind is float and bound[0]))
                and bound[1] <= value <= bound[2]  # NaN fails every comparison
            ):
                out[key] = float(value)
            else:
                out[key] = self._validate_one(key, value)
        return out

    @cached_property
    def _bounds(self) -> dict[str, tuple[bool, float, float]]:
        """key -> (a float is fine as it is, low, high) for the numeric keys (bool keys take the slow path)."""
        return {
            key: (
                spec.type != "int",
                -math.inf if spec.min is None else spec.min,
                math.inf if spec.max is None else spec.max,
            )
            for key, spec in self.keys.items()
            if spec.type != "bool"
        }

    def _validate_one(self, key: str, value) -> float:
        spec = self.keys.get(key)
        if spec is None:
            raise InvalidInput.for_field(key, _("Unknown telemetry key %(key)s.") % {"key": key})
        if spec.type == "bool":
            if not isinstance(value, bool) and value not in (0, 1):
                raise InvalidInput.for_field(key, _("%(key)s must be true or false.") % {"key": key})
            return float(bool(value))
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInput.for_field(key, _("%(key)s must be a number.") % {"key": key})
        if spec.type == "int" and float(value) != int(value):
            raise InvalidInput.for_field(key, _("%(key)s must be a whole number.") % {"key": key})
        if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
            raise InvalidInput.for_field(
                key,
                _("%(key)s = %(value)s is outside its valid range %(min)s to %(max)s.")
                % {"key": key, "value": value, "min": spec.min, "max": spec.max},
            )
        return float(value)
