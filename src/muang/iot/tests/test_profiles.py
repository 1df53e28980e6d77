"""Profiles are data: keys and byte layouts are validated when stored, and decode frames without user code."""

import struct

import pytest

from muang.core.access import SYSTEM
from muang.core.errors import InvalidInput
from muang.core.tests.factories import OrganizationFactory
from muang.iot.models import DeviceProfile
from muang.iot.profiles import Decoder
from muang.iot.services.devices import device_profile_create
from muang.iot.tests.factories import AIR_KEYS, GAUGE_KEYS, GAUGE_LAYOUT


def test_a_byte_layout_decodes_a_frame_with_endianness_and_scale():
    decoder = Decoder(GAUGE_KEYS, GAUGE_LAYOUT)
    frame = struct.pack(">hB", -123, 87) + struct.pack("<f", 31.5)
    assert decoder.decode_frame(frame) == {"level": pytest.approx(-1.23), "battery": 87, "temperature": 31.5}


def test_a_short_frame_is_refused_naming_the_key_it_cannot_read():
    decoder = Decoder(GAUGE_KEYS, GAUGE_LAYOUT)
    with pytest.raises(InvalidInput) as e:
        decoder.decode_frame(struct.pack(">hB", 5, 1))
    assert "temperature" in e.value.field_errors


@pytest.mark.parametrize(
    ("field", "fault"),
    [
        ({"key": "level", "offset": 0, "type": "u64"}, "type"),
        ({"key": "level", "offset": -1, "type": "u8"}, "offset"),
        ({"key": "level", "offset": 240, "type": "u32"}, "beyond"),
        ({"key": "nope", "offset": 0, "type": "u8"}, "nope"),
        ({"key": "level", "offset": 0, "type": "u8", "endianness": "middle"}, "endianness"),
        ({"key": "level", "offset": 0, "type": "u8", "scale": 0}, "zero"),
        ({"key": "level", "offset": 0, "type": "u8", "code": "lambda: 1"}, "code"),
    ],
)
def test_a_bad_byte_layout_is_refused(field, fault):
    with pytest.raises(InvalidInput) as e:
        Decoder(GAUGE_KEYS, {"kind": "bytes", "fields": [field]})
    assert fault in e.value.detail


def test_keys_are_validated():
    with pytest.raises(InvalidInput):
        Decoder([{"key": "Bad Key"}], {"kind": "json"})
    with pytest.raises(InvalidInput) as e:
        Decoder([{"key": "t", "min": 5, "max": 1}], {"kind": "json"})
    assert "above" in e.value.detail
    with pytest.raises(InvalidInput):
        Decoder([{"key": "t"}, {"key": "t"}], {"kind": "json"})
    with pytest.raises(InvalidInput):
        Decoder(AIR_KEYS, {"kind": "python", "code": "import os"})


def test_values_are_checked_for_type_and_range_naming_the_key():
    decoder = Decoder([*AIR_KEYS, {"key": "count", "type": "int"}], {"kind": "json"})
    assert decoder.validate({"pm25": 12, "online": True, "count": 3}) == {
        "pm25": 12.0,
        "online": 1.0,
        "count": 3,
    }
    for values, key in [
        ({"pm25": 1001}, "pm25"),
        ({"pm25": -0.1}, "pm25"),
        ({"pm25": "12"}, "pm25"),
        ({"pm25": float("nan")}, "pm25"),
        ({"online": 2}, "online"),
        ({"count": 1.5}, "count"),
        ({"co2": 400}, "co2"),
    ]:
        with pytest.raises(InvalidInput) as e:
            decoder.validate(values)
        assert key in e.value.field_errors, values


@pytest.mark.usefixtures("areas")
def test_a_profile_is_validated_on_save_even_outside_the_service():
    org = OrganizationFactory()
    profile = DeviceProfile(
        organization=org, name="x", keys=GAUGE_KEYS, decoder={"kind": "bytes", "fields": []}
    )
    with pytest.raises(Exception, match="at least one field"):
        profile.save()
    assert not DeviceProfile.objects.exists()
    with pytest.raises(InvalidInput) as e:
        device_profile_create(
            actor=SYSTEM,
            organization=org,
            name="x",
            keys=GAUGE_KEYS,
            decoder={"kind": "bytes", "fields": [1]},
        )
    assert "decoder.fields[0]" in e.value.field_errors
    ok = device_profile_create(
        actor=SYSTEM, organization=org, name="x", keys=GAUGE_KEYS, decoder=GAUGE_LAYOUT
    )
    with pytest.raises(InvalidInput) as e:
        device_profile_create(actor=SYSTEM, organization=org, name="x", keys=GAUGE_KEYS, decoder=GAUGE_LAYOUT)
    assert "name" in e.value.field_errors
    assert ok.parsed.fields[0].key == "level"
