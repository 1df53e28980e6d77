"""The MQTT 5 codec of the ingest subscriber (`iot.mqtt.wire`) against byte strings built by hand from the
MQTT 5.0 specification (OASIS standard, 7 March 2019; section numbers in the comments), then the subscriber
against a socket pair that plays the broker byte by byte. The real Mosquitto runs in test_mqtt.py."""

import socket
import struct
import threading
import time

import pytest

from muang.iot.mqtt import wire
from muang.iot.mqtt.wire import MalformedPacket, Refused, Subscriber


# 1.5.5 Variable Byte Integer: the spec's own table of edges.
@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, b"\x00"),
        (127, b"\x7f"),
        (128, b"\x80\x01"),
        (16_383, b"\xff\x7f"),
        (16_384, b"\x80\x80\x01"),
        (2_097_151, b"\xff\xff\x7f"),
        (2_097_152, b"\x80\x80\x80\x01"),
        (268_435_455, b"\xff\xff\xff\x7f"),
    ],
)
def test_variable_byte_integers_at_the_specs_edges(value, encoded):
    assert wire.encode_varint(value) == encoded
    assert wire.decode_varint(b"\xaa" + encoded + b"\xbb", 1) == (value, 1 + len(encoded))
    assert wire.decode_varint(encoded[:-1], 0) is None  # the buffer ends inside it: wait for more


def test_a_variable_byte_integer_past_four_bytes_is_malformed_and_too_large_a_value_is_refused():
    with pytest.raises(MalformedPacket):
        wire.decode_varint(b"\xff\xff\xff\xff\x01", 0)
    with pytest.raises(ValueError):
        wire.encode_varint(268_435_456)


def test_connect_is_encoded_as_the_spec_lays_it_out():
    got = wire.encode_connect(
        client_id="ing",
        username="u",
        password="pw",
        clean_start=False,
        keepalive=30,
        session_expiry=86400,
        receive_maximum=4000,
    )
    body = (
        b"\x00\x04MQTT\x05"  # 3.1.2.1-2 protocol name and version 5
        + bytes([0b1100_0000])  # 3.1.2.3 user name and password flags, clean start off
        + b"\x00\x1e"  # keep alive 30 s
        + b"\x08"  # properties: 8 bytes
        + b"\x11\x00\x01\x51\x80"  # session expiry interval 86,400
        + b"\x21\x0f\xa0"  # receive maximum 4,000
        + b"\x00\x03ing"  # 3.1.3 payload: client identifier, user name, password
        + b"\x00\x01u"
        + b"\x00\x02pw"
    )
    assert got == b"\x10" + bytes([len(body)]) + body


def test_subscribe_and_pubacks_are_encoded_as_the_spec_lays_them_out():
    # 3.8.1: SUBSCRIBE's fixed header flags are 0010; packet id, no properties, filter, options (QoS 1)
    assert wire.encode_subscribe(1, "$share/g/a/+", 1) == (b"\x82\x12\x00\x01\x00\x00\x0c$share/g/a/+\x01")
    # 3.4.2.1: a success PUBACK without properties may leave out its reason code: 40 02 <id>
    assert wire.encode_pubacks([1, 0x1234, 65535]) == b"\x40\x02\x00\x01\x40\x02\x12\x34\x40\x02\xff\xff"
    assert wire.encode_pubacks([]) == b""


def test_properties_of_every_kind_round_trip():
    properties = [
        (0x01, 1),  # payload format indicator (byte)
        (0x23, 7),  # topic alias (two bytes)
        (0x02, 3600),  # message expiry (four bytes)
        (0x0B, 16_384),  # subscription identifier (variable byte integer)
        (0x03, "application/json"),  # content type (UTF-8)
        (0x09, b"\x00\xff"),  # correlation data (binary)
        (0x26, ("id", "m-1")),  # user properties (pairs, repeatable)
        (0x26, ("site", "ขอนแก่น")),
    ]
    block = wire.encode_properties(properties)
    length, start = wire.decode_varint(block, 0)
    assert start + length == len(block)
    assert wire.decode_properties(block, start, len(block)) == {
        0x01: 1,
        0x23: 7,
        0x02: 3600,
        0x0B: 16_384,
        0x03: "application/json",
        0x09: b"\x00\xff",
        0x26: [("id", "m-1"), ("site", "ขอนแก่น")],
    }


def test_unknown_or_truncated_properties_are_malformed():
    with pytest.raises(MalformedPacket, match="unknown property"):
        wire.decode_properties(b"\x7f\x00", 0, 2)
    with pytest.raises(MalformedPacket):
        wire.decode_properties(b"\x26\x00\x05id", 0, 5)  # a user property whose name runs past the block


def parse_all(data: bytes, alias_maximum: int = 0, aliases: dict | None = None):
    publishes, control = [], []
    pos = wire.parse(data, 0, publishes, control, {} if aliases is None else aliases, alias_maximum)
    return pos, publishes, control


def test_a_qos1_publish_by_hand():
    # 3.3: 32 = PUBLISH, QoS 1; topic "a/b"; packet id 10; no properties; payload "hi"
    data = b"\x32\x0a\x00\x03a/b\x00\x0a\x00hi"
    assert parse_all(data) == (len(data), [(10, b"a/b", b"hi", None)], [])


def test_a_qos0_publish_has_no_packet_id_and_a_dup_flag_changes_nothing():
    data = b"\x30\x07\x00\x03a/b\x00x" + b"\x3a\x0a\x00\x03a/b\x00\x0b\x00y!"
    assert parse_all(data)[1] == [(None, b"a/b", b"x", None), (11, b"a/b", b"y!", None)]


def test_the_id_user_property_becomes_the_message_id():
    properties = wire.encode_properties([(0x26, ("other", "x")), (0x26, ("id", "m-7"))])
    data = b"\x32" + bytes([2 + 3 + 2 + len(properties) + 2]) + b"\x00\x03a/b\x00\x01" + properties + b"{}"
    assert parse_all(data)[1] == [(1, b"a/b", b"{}", "m-7")]
    assert (
        wire.encode_publish(
            "a/b", b"{}", packet_id=1, properties=[(0x26, ("other", "x")), (0x26, ("id", "m-7"))]
        )
        == data
    )


@pytest.mark.parametrize("size", [127 - 8, 128 - 8, 16_383 - 8, 16_384 - 8, 2_097_152])
def test_remaining_lengths_around_the_varint_edges(size):
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    data = wire.encode_publish("t/1", payload, packet_id=5)
    remaining = 2 + 3 + 2 + 1 + size
    header = wire.encode_varint(remaining)
    assert data[1 : 1 + len(header)] == header
    assert parse_all(data) == (len(data), [(5, b"t/1", payload, None)], [])


def test_a_packet_split_across_reads_waits_for_the_rest_at_every_byte():
    stream = (
        wire.encode_publish("muang/o/devices/d1/up", b'{"values":{"pm25":1}}', packet_id=1)
        + b"\xd0\x00"  # PINGRESP
        + wire.encode_publish("muang/o/devices/d2/up", b"x" * 300, packet_id=2)  # 2-byte remaining length
    )
    whole = parse_all(stream)
    for cut in range(len(stream) + 1):
        publishes, control = [], []
        pos = wire.parse(stream[:cut], 0, publishes, control, {})
        rest = stream[pos:]  # what a real reader keeps and puts before the next recv
        pos2 = wire.parse(rest, 0, publishes, control, {})
        assert pos2 == len(rest)
        assert (publishes, control) == (whole[1], whole[2]), cut


def test_control_packets_are_handed_back_with_their_bodies():
    data = b"\xd0\x00" + b"\xe0\x02\x8b\x00"  # PINGRESP, DISCONNECT "server shutting down"
    assert parse_all(data)[2] == [(0xD0, b""), (0xE0, b"\x8b\x00")]


def test_topic_aliases_set_then_used_and_refused_when_not_allowed():
    set_alias = wire.encode_publish("muang/o/devices/d1/up", b"1", packet_id=1, properties=[(0x23, 3)])
    use_alias = wire.encode_publish("", b"2", packet_id=2, properties=[(0x23, 3)])
    aliases: dict = {}
    _pos, publishes, _c = parse_all(set_alias + use_alias, alias_maximum=10, aliases=aliases)
    assert [(p[0], p[1], p[2]) for p in publishes] == [
        (1, b"muang/o/devices/d1/up", b"1"),
        (2, b"muang/o/devices/d1/up", b"2"),
    ]
    with pytest.raises(MalformedPacket, match="beyond the maximum"):
        parse_all(set_alias)  # the subscriber allowed none (topic alias maximum 0, the default)
    with pytest.raises(MalformedPacket, match="before it was set"):
        parse_all(use_alias, alias_maximum=10)


@pytest.mark.parametrize(
    "data",
    [
        b"\x34\x08\x00\x03a/b\x00\x01\x00",  # QoS 2: never asked for
        b"\x32\x05\x00\x09a/b",  # a topic longer than its packet
        b"\x32\x07\x00\x03a/b\x00\x01",  # no properties length
    ],
)
def test_malformed_publishes_are_refused(data):
    with pytest.raises(MalformedPacket):
        parse_all(data)


# --- the subscriber against a socket pair that plays the broker ---------------------------------------------------


class FakeBroker:
    """A TCP listener on a free loopback port that plays the broker: reads each packet the subscriber sends and
    answers with the next scripted bytes; then `server` is the accepted socket, for the test to go on with."""

    def __init__(self, answers: list[bytes]):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.answers = answers
        self.received = b""
        self.server: socket.socket | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        self.server, _addr = self.listener.accept()
        self.listener.close()
        for answer in self.answers:
            self.received += self._read_packet()
            self.server.sendall(answer)

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.server.recv(n - len(data))
            assert chunk, "the subscriber closed the connection"
            data += chunk
        return data

    def _read_packet(self) -> bytes:
        data = self._exactly(2)
        while data[-1] & 0x80:
            data += self._exactly(1)
        length, _pos = wire.decode_varint(data, 1)
        return data + self._exactly(length)


def subscriber_on(answers: list[bytes], **options) -> tuple[Subscriber, FakeBroker]:
    fake = FakeBroker(answers)
    fake.thread.start()
    sub = Subscriber(
        "127.0.0.1",
        fake.port,
        client_id="c",
        topic_filter="$share/ingest/a/+",
        username="u",
        password="p",
        session_expiry=60,
        receive_maximum=100,
        timeout=5,
        **options,
    )
    return sub, fake


CONNACK_OK = b"\x20\x03\x01\x00\x00"  # session present, success, no properties
SUBACK_QOS1 = b"\x90\x04\x00\x01\x00\x01"


def test_connect_and_subscribe_then_a_batch_and_its_acks_in_one_write():
    queued = wire.encode_publish("a/1", b"p1", packet_id=7) + wire.encode_publish("a/2", b"p2", packet_id=8)
    sub, fake = subscriber_on([CONNACK_OK, SUBACK_QOS1 + queued])
    assert sub.connect() is True  # the session was kept
    fake.thread.join(5)
    assert fake.received.startswith(b"\x10")  # CONNECT, then SUBSCRIBE with QoS 1
    assert fake.received.endswith(b"\x00\x11$share/ingest/a/+\x01")
    batch = sub.take(10, wait=1, max_wait=0.01)
    assert batch == [(7, b"a/1", b"p1", None), (8, b"a/2", b"p2", None)]
    assert sub.ack(sub.generation, [7, 8]) is True
    assert fake.server.recv(100) == b"\x40\x02\x00\x07\x40\x02\x00\x08"
    assert sub.ack(sub.generation - 1, [9]) is False  # a batch of an earlier connection is not acknowledged
    sub.close()


def test_the_broker_sends_the_batch_ahead_of_the_suback():
    queued = wire.encode_publish("a/1", b"p1", packet_id=3)
    sub, fake = subscriber_on([CONNACK_OK + queued, SUBACK_QOS1])
    sub.connect()
    assert sub.take(10, wait=0, max_wait=0) == [(3, b"a/1", b"p1", None)]
    fake.thread.join(5)
    fake.server.sendall(wire.encode_publish("a/2", b"p2", packet_id=4))
    deadline = time.monotonic() + 5
    got = []
    while not got and time.monotonic() < deadline:  # wait=0 still looks at the socket once
        got = sub.take(10, wait=0, max_wait=0)
    assert got == [(4, b"a/2", b"p2", None)]
    sub.close()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([b"\x20\x03\x00\x86\x00"], "CONNACK: bad user name or password (0x86)"),
        ([b"\x20\x03\x00\x87\x00"], "CONNACK: not authorized (0x87)"),
        ([CONNACK_OK, b"\x90\x04\x00\x01\x00\x9e"], "SUBACK: shared subscriptions not supported (0x9e)"),
        ([CONNACK_OK, b"\x90\x04\x00\x01\x00\x00"], "granted QoS 0, asked for 1"),
    ],
)
def test_refusals_name_the_reason_code(answers, message):
    sub, _fake = subscriber_on(answers)
    with pytest.raises(Refused, match=message.replace("(", r"\(").replace(")", r"\)")):
        sub.connect()
    assert sub.sock is None


def test_a_reason_string_in_the_connack_is_kept_in_the_error():
    properties = wire.encode_properties([(0x1F, "try later")])
    connack = b"\x20" + bytes([2 + len(properties)]) + b"\x00\x89" + properties
    sub, _fake = subscriber_on([connack])
    with pytest.raises(Refused, match="server busy \\(0x89\\): try later"):
        sub.connect()


def test_the_server_keep_alive_replaces_ours_and_a_disconnect_from_the_broker_raises():
    properties = wire.encode_properties([(0x13, 5)])
    connack = b"\x20" + bytes([2 + len(properties)]) + b"\x00\x00" + properties
    sub, fake = subscriber_on([connack, SUBACK_QOS1])
    sub.connect()
    assert sub.keepalive == 5
    fake.thread.join(5)
    fake.server.sendall(b"\xe0\x01\x8b")
    with pytest.raises(Refused, match="server shutting down"):
        sub.take(10, wait=1)


def test_a_pingreq_goes_out_when_nothing_was_written_for_half_the_keep_alive():
    sub, fake = subscriber_on([CONNACK_OK, SUBACK_QOS1], keepalive=2)
    sub.connect()
    fake.thread.join(5)
    sub._sent_at -= 1.5  # as if the last write was 1.5 s ago (a fixed clock: no sleeping)
    assert sub.take(10, wait=0.01) == []
    assert fake.server.recv(10) == wire.PING
    fake.server.sendall(b"\xd0\x00")  # PINGRESP: nothing to hand out
    assert sub.take(10, wait=0.05) == []
    sub.close()


def test_the_broker_closing_the_connection_raises():
    sub, fake = subscriber_on([CONNACK_OK, SUBACK_QOS1])
    sub.connect()
    fake.thread.join(5)
    fake.server.close()
    with pytest.raises(wire.MqttError, match="closed"):
        sub.take(10, wait=1)


def test_a_large_block_is_parsed_whole_and_handed_out_in_batches():
    many = b"".join(wire.encode_publish(f"a/{i}", b"x" * 100, packet_id=i + 1) for i in range(3000))
    sub, fake = subscriber_on([CONNACK_OK, SUBACK_QOS1])
    sub.connect()
    fake.thread.join(5)
    sender = threading.Thread(target=fake.server.sendall, args=(many,))
    sender.start()
    got = []
    while len(got) < 3000:
        batch = sub.take(1000, wait=2, max_wait=0.5)
        assert batch and len(batch) <= 1000
        got += batch
    sender.join(5)
    assert [pid for pid, *_ in got] == list(range(1, 3001))
    assert struct.unpack("!I", wire.encode_pubacks([3000]))[0] == 0x40020BB8
    sub.close()
