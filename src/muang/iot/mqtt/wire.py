"""MQTT 5 on the wire for the ingest hot path: a subscriber that reads the broker's socket in large blocks.

paho builds, for every incoming PUBLISH, an `MQTTMessage` and an MQTT 5 `Properties` object, reads the packet with
three or more `recv` calls (fixed header byte, each length byte, then the rest) in its network thread, and hands
the message over through a queue: at 10,000 devices that was 80-140 µs of the consumer's CPU a message, two to
three times the ingest service itself. Here one `recv` of up to 256 KiB is parsed whole: every complete packet
in the buffer, with `struct`/indexing on the bytes, into one tuple a message (packet id, topic, payload, the
`id` user property). No thread: the consumer asks for a batch, commits it, and writes the batch's PUBACKs in one
`sendall` (at-least-once: a message is acknowledged only after its batch committed).

The libraries looked at (December 2026): paho-mqtt (the per-message path above), gmqtt and aiomqtt 2 (asyncio
callbacks or iterators, one message object each; aiomqtt 2 runs on paho), the sans-I/O `mqtt5` codec (Rust,
0.x: one `read()` call and one packet object a message, no batch of packets from a buffer). None parses a block
into bare tuples or acknowledges a batch in one write, so this small module does only that, for a subscriber.

What it speaks (MQTT 5.0, OASIS standard): CONNECT (username, password, clean start, session expiry, receive
maximum, keep alive, topic alias maximum), CONNACK with its reason code and properties (server keep alive),
SUBSCRIBE / SUBACK (reason codes per filter), UNSUBSCRIBE / UNSUBACK, PUBLISH at QoS 0 and 1 with its properties
(user property `id`, topic alias), PUBACK, PINGREQ / PINGRESP, DISCONNECT both ways (from this side also with a
session expiry of 0, which ends the session at the broker). Flow control is the broker's: it sends at most
`receive_maximum` unacknowledged QoS 1 messages; this side never publishes, so the broker's own receive maximum
does not concern it. QoS 2 is never asked for (a QoS 2 PUBLISH is a protocol error here).
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import struct
import time

logger = logging.getLogger("muang.iot.mqtt")

CONNECT, CONNACK, PUBLISH, PUBACK, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK = 1, 2, 3, 4, 8, 9, 10, 11
PINGREQ, PINGRESP, DISCONNECT = 12, 13, 14
PING = b"\xc0\x00"
NORMAL_DISCONNECT = b"\xe0\x00"
RECV_SIZE = 256 * 1024
MAX_VARINT = 268_435_455

# Reason codes a CONNACK, SUBACK or DISCONNECT may carry (MQTT 5.0, 2.4), for the log and the error raised.
REASONS = {
    0x00: "success",
    0x04: "disconnect with will message",
    0x80: "unspecified error",
    0x81: "malformed packet",
    0x82: "protocol error",
    0x83: "implementation specific error",
    0x84: "unsupported protocol version",
    0x85: "client identifier not valid",
    0x86: "bad user name or password",
    0x87: "not authorized",
    0x88: "server unavailable",
    0x89: "server busy",
    0x8A: "banned",
    0x8B: "server shutting down",
    0x8C: "bad authentication method",
    0x8D: "keep alive timeout",
    0x8E: "session taken over",
    0x8F: "topic filter invalid",
    0x90: "topic name invalid",
    0x91: "packet identifier in use",
    0x93: "receive maximum exceeded",
    0x94: "topic alias invalid",
    0x95: "packet too large",
    0x96: "message rate too high",
    0x97: "quota exceeded",
    0x98: "administrative action",
    0x99: "payload format invalid",
    0x9A: "retain not supported",
    0x9B: "QoS not supported",
    0x9C: "use another server",
    0x9D: "server moved",
    0x9E: "shared subscriptions not supported",
    0x9F: "connection rate exceeded",
    0xA0: "maximum connect time",
    0xA1: "subscription identifiers not supported",
    0xA2: "wildcard subscriptions not supported",
}

# Property identifiers and how each is encoded (MQTT 5.0, 2.2.2.2).
BYTE, TWO, FOUR, VARINT, UTF8, BINARY, PAIR = range(7)
PROPERTY_KINDS = {
    0x01: BYTE,  # payload format indicator
    0x02: FOUR,  # message expiry interval
    0x03: UTF8,  # content type
    0x08: UTF8,  # response topic
    0x09: BINARY,  # correlation data
    0x0B: VARINT,  # subscription identifier
    0x11: FOUR,  # session expiry interval
    0x12: UTF8,  # assigned client identifier
    0x13: TWO,  # server keep alive
    0x15: UTF8,  # authentication method
    0x16: BINARY,  # authentication data
    0x17: BYTE,  # request problem information
    0x18: FOUR,  # will delay interval
    0x19: BYTE,  # request response information
    0x1A: UTF8,  # response information
    0x1C: UTF8,  # server reference
    0x1F: UTF8,  # reason string
    0x21: TWO,  # receive maximum
    0x22: TWO,  # topic alias maximum
    0x23: TWO,  # topic alias
    0x24: BYTE,  # maximum QoS
    0x25: BYTE,  # retain available
    0x26: PAIR,  # user property
    0x27: FOUR,  # maximum packet size
    0x28: BYTE,  # wildcard subscription available
    0x29: BYTE,  # subscription identifiers available
    0x2A: BYTE,  # shared subscription available
}
SESSION_EXPIRY, SERVER_KEEP_ALIVE, REASON_STRING = 0x11, 0x13, 0x1F
RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM, TOPIC_ALIAS, USER_PROPERTY = 0x21, 0x22, 0x23, 0x26


class MqttError(ConnectionError):
    """The connection cannot go on: refused, malformed, closed. The session is reconnected."""


class Refused(MqttError):
    """The broker answered with a failure reason code (CONNACK, SUBACK) or sent DISCONNECT."""

    def __init__(self, packet: str, code: int, reason: str | None = None):
        self.packet, self.code = packet, code
        text = f"{packet}: {REASONS.get(code, 'reason code')} (0x{code:02x})"
        super().__init__(f"{text}: {reason}" if reason else text)


class MalformedPacket(MqttError):
    pass


# --- encoding -------------------------------------------------------------------------------------------------


def encode_varint(value: int) -> bytes:
    """A Variable Byte Integer: 7 bits a byte, least significant first, the high bit set on all but the last."""
    if not 0 <= value <= MAX_VARINT:
        raise ValueError(f"{value} does not fit a variable byte integer")
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | 0x80 if value else byte)
        if not value:
            return bytes(out)


def _string(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    if len(raw) > 0xFFFF:
        raise ValueError("an MQTT string is at most 65,535 bytes")
    return struct.pack("!H", len(raw)) + raw


def encode_properties(properties: list[tuple[int, object]]) -> bytes:
    """A properties block (its length first) from (identifier, value) pairs, in the order given."""
    body = bytearray()
    for ident, value in properties:
        kind = PROPERTY_KINDS[ident]
        body += encode_varint(ident)
        if kind == BYTE:
            body.append(value)
        elif kind == TWO:
            body += struct.pack("!H", value)
        elif kind == FOUR:
            body += struct.pack("!I", value)
        elif kind == VARINT:
            body += encode_varint(value)
        elif kind in (UTF8, BINARY):
            body += _string(value)
        else:
            body += _string(value[0]) + _string(value[1])
    return encode_varint(len(body)) + bytes(body)


def packet(first_byte: int, body: bytes) -> bytes:
    return bytes([first_byte]) + encode_varint(len(body)) + body


def encode_connect(
    *,
    client_id: str,
    username: str | None = None,
    password: str | bytes | None = None,
    clean_start: bool = False,
    keepalive: int = 30,
    session_expiry: int = 0,
    receive_maximum: int = 65535,
    topic_alias_maximum: int = 0,
) -> bytes:
    flags = (0x80 if username is not None else 0) | (0x40 if password is not None else 0)
    flags |= 0x02 if clean_start else 0
    properties = []
    if session_expiry:
        properties.append((SESSION_EXPIRY, session_expiry))
    if receive_maximum != 65535:
        properties.append((RECEIVE_MAXIMUM, receive_maximum))
    if topic_alias_maximum:
        properties.append((TOPIC_ALIAS_MAXIMUM, topic_alias_maximum))
    body = _string("MQTT") + bytes([5, flags]) + struct.pack("!H", keepalive) + encode_properties(properties)
    body += _string(client_id)
    if username is not None:
        body += _string(username)
    if password is not None:
        body += _string(password)
    return packet(CONNECT << 4, body)


def encode_subscribe(packet_id: int, topic_filter: str, qos: int = 1) -> bytes:
    return packet(
        (SUBSCRIBE << 4) | 0x02, struct.pack("!H", packet_id) + b"\x00" + _string(topic_filter) + bytes([qos])
    )


def encode_unsubscribe(packet_id: int, topic_filter: str) -> bytes:
    return packet((UNSUBSCRIBE << 4) | 0x02, struct.pack("!H", packet_id) + b"\x00" + _string(topic_filter))


def encode_publish(
    topic: str | bytes,
    payload: bytes,
    *,
    qos: int = 1,
    packet_id: int = 0,
    properties: list[tuple[int, object]] = (),
    dup: bool = False,
) -> bytes:
    """A PUBLISH packet (what a device sends; the bench's publishers pre-encode theirs with it)."""
    body = (
        _string(topic) + (struct.pack("!H", packet_id) if qos else b"") + encode_properties(list(properties))
    )
    return packet((PUBLISH << 4) | (0x08 if dup else 0) | (qos << 1), body + payload)


def encode_pubacks(packet_ids: list[int]) -> bytes:
    """The PUBACKs (success, no properties: 4 bytes each) of these packet ids, concatenated."""
    return struct.pack(f"!{len(packet_ids)}I", *[0x40020000 | p for p in packet_ids])


# --- decoding -------------------------------------------------------------------------------------------------


def decode_varint(data: bytes, pos: int) -> tuple[int, int] | None:
    """(value, position after it), or None when the buffer ends inside it; MalformedPacket past 4 bytes."""
    value, shift, n = 0, 0, len(data)
    while True:
        if pos >= n:
            return None
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 21:
            raise MalformedPacket("a variable byte integer longer than 4 bytes")


def decode_properties(data: bytes, start: int, end: int) -> dict[int, object]:
    """The properties in data[start:end] (the block without its length): {identifier: value}; user properties
    as a list of (name, value) pairs under USER_PROPERTY."""
    properties: dict[int, object] = {}
    pos = start
    try:
        while pos < end:
            ident = data[pos]
            pos += 1
            kind = PROPERTY_KINDS.get(ident)
            if kind is None:
                raise MalformedPacket(f"unknown property 0x{ident:02x}")
            if kind == BYTE:
                value = data[pos]
                pos += 1
            elif kind == TWO:
                value = data[pos] << 8 | data[pos + 1]
                pos += 2
            elif kind == FOUR:
                (value,) = struct.unpack_from("!I", data, pos)
                pos += 4
            elif kind == VARINT:
                decoded = decode_varint(data, pos)
                if decoded is None:
                    raise MalformedPacket("a property runs past its packet")
                value, pos = decoded
            else:
                size = data[pos] << 8 | data[pos + 1]
                first = data[pos + 2 : pos + 2 + size]
                pos += 2 + size
                if kind == PAIR:
                    size2 = data[pos] << 8 | data[pos + 1]
                    value = (first.decode(), data[pos + 2 : pos + 2 + size2].decode())
                    pos += 2 + size2
                    properties.setdefault(USER_PROPERTY, []).append(value)
                    continue
                value = first.decode() if kind == UTF8 else first
            properties[ident] = value
    except (IndexError, struct.error, UnicodeDecodeError) as e:
        raise MalformedPacket("a property runs past its packet") from e
    if pos != end:
        raise MalformedPacket("a property runs past its packet")
    return properties


def _properties_at(data: bytes, pos: int, end: int) -> tuple[dict[int, object], int]:
    decoded = decode_varint(data, pos)
    if decoded is None or decoded[1] + decoded[0] > end:
        raise MalformedPacket("the properties run past the packet")
    length, pos = decoded
    return (decode_properties(data, pos, pos + length) if length else {}), pos + length


def parse(
    data: bytes, pos: int, publishes: list, control: list, aliases: dict[int, bytes], alias_maximum: int = 0
) -> int:
    """Parse every complete packet of data[pos:]: each PUBLISH appended to `publishes` as (packet id or None for
    QoS 0, topic bytes, payload bytes, the `id` user property or None), every other packet to `control` as
    (first byte, body). Returns the position of the first byte of an incomplete packet (len(data) when none).

    The hot path of the consumer: a PUBLISH without properties costs a handful of indexing operations and two
    slices. `aliases` keeps the topic aliases the broker set (only if `alias_maximum` allowed it any)."""
    n = len(data)
    append = publishes.append
    while pos + 2 <= n:
        first = data[pos]
        length = data[pos + 1]
        head = pos + 2
        if length & 0x80:  # a remaining length of 128 or more: 2 to 4 bytes
            decoded = decode_varint(data, pos + 1)
            if decoded is None:
                break
            length, head = decoded
        end = head + length
        if end > n:
            break
        if first >> 4 == PUBLISH:
            qos = (first >> 1) & 3
            if qos > 1:
                raise MalformedPacket(f"a PUBLISH at QoS {qos}: this subscriber asked for QoS 1 at most")
            if length < 3:
                raise MalformedPacket("a PUBLISH shorter than its topic length")
            p = head + 2 + (data[head] << 8 | data[head + 1])
            if p + 1 + 2 * qos > end:  # the packet id (QoS 1) and the properties length must follow
                raise MalformedPacket("a PUBLISH whose topic runs past its packet")
            topic = data[head + 2 : p]
            if qos:
                pid = data[p] << 8 | data[p + 1]
                p += 2
            else:
                pid = None
            message_id = None
            if data[p]:
                properties, p = _properties_at(data, p, end)
                for name, value in properties.get(USER_PROPERTY, ()):
                    if name == "id":
                        message_id = value
                alias = properties.get(TOPIC_ALIAS)
                if alias is not None:
                    if not 0 < alias <= alias_maximum:
                        raise MalformedPacket(f"topic alias {alias} beyond the maximum {alias_maximum}")
                    if topic:
                        aliases[alias] = topic
                    else:
                        topic = aliases.get(alias)
                        if topic is None:
                            raise MalformedPacket(f"topic alias {alias} used before it was set")
            else:
                p += 1
            if p > end:
                raise MalformedPacket("a PUBLISH longer than its remaining length")
            append((pid, topic, data[p:end], message_id))
        else:
            control.append((first, data[head:end]))
        pos = end
    return pos


# --- the subscriber ---------------------------------------------------------------------------------------------


class Subscriber:
    """One MQTT 5 connection that subscribes to one filter and hands out PUBLISHes in batches.

        sub = Subscriber(host, port, client_id=..., username=..., password=..., topic_filter="$share/g/a/+")
        sub.connect()                      # CONNECT/CONNACK, SUBSCRIBE/SUBACK, raises Refused
        batch = sub.take(2000, wait=0.5, max_wait=0.05)   # [(pid, topic, payload, message id)]
        ...commit...
        sub.ack(batch_generation, [pid for pid, *_ in batch if pid is not None])
        sub.close()

    `generation` counts connections: packet ids belong to the connection that delivered them, so the acks of a
    batch taken before a reconnection are dropped (the broker sends those messages again; the ingest dedup stores
    them once). Keep alive: a PINGREQ when nothing was written for half the keep-alive interval; no byte from the
    broker for 1.5 intervals after that and the connection is given up."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        client_id: str,
        topic_filter: str,
        username: str | None = None,
        password: str | None = None,
        qos: int = 1,
        clean_start: bool = False,
        session_expiry: int = 0,
        receive_maximum: int = 65535,
        keepalive: int = 30,
        topic_alias_maximum: int = 0,
        timeout: float = 10,
        recv_size: int = RECV_SIZE,
    ):
        if qos not in (0, 1):
            raise ValueError("the subscriber takes QoS 0 or 1")
        self.host, self.port, self.client_id = host, port, client_id
        self.topic_filter, self.qos, self.timeout, self.recv_size = topic_filter, qos, timeout, recv_size
        self.username, self.password, self.clean_start = username, password, clean_start
        self.session_expiry, self.receive_maximum = session_expiry, receive_maximum
        self.keepalive, self.topic_alias_maximum = keepalive, topic_alias_maximum
        self.sock: socket.socket | None = None
        self.generation = 0
        self.session_present = False
        self.connack_properties: dict[int, object] = {}
        self._buffer = b""
        self._ready: list = []  # parsed PUBLISHes not handed out yet
        self._aliases: dict[int, bytes] = {}
        self._sent_at = self._received_at = 0.0
        self._ping_outstanding = False

    # -- connection --

    def connect(self, *, subscribe: bool = True) -> bool:
        """Open the connection and (`subscribe`) the subscription; returns whether the broker kept a session.
        Raises Refused (with the broker's reason code) or MqttError; OSError when the broker cannot be reached.
        A resumed session keeps its subscription (and sends what it queued) without a new SUBSCRIBE."""
        self.close()
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self._buffer, self._ready, self._aliases = sock, b"", [], {}
        self.generation += 1
        try:
            self._send(
                encode_connect(
                    client_id=self.client_id,
                    username=self.username,
                    password=self.password,
                    clean_start=self.clean_start,
                    keepalive=self.keepalive,
                    session_expiry=self.session_expiry,
                    receive_maximum=self.receive_maximum,
                    topic_alias_maximum=self.topic_alias_maximum,
                )
            )
            _first, body = self._expect(CONNACK)
            if len(body) < 2:
                raise MalformedPacket("a CONNACK without its reason code")
            self.connack_properties, _end = _properties_at(body, 2, len(body)) if len(body) > 2 else ({}, 2)
            if body[1] >= 0x80:
                raise Refused("CONNACK", body[1], self.connack_properties.get(REASON_STRING))
            self.session_present = bool(body[0] & 1)
            server_keepalive = self.connack_properties.get(SERVER_KEEP_ALIVE)
            if server_keepalive is not None:
                self.keepalive = server_keepalive
            if not subscribe:
                sock.settimeout(None)
                return self.session_present
            packet_id = 1
            self._send(encode_subscribe(packet_id, self.topic_filter, self.qos))
            _first, body = self._expect(SUBACK)
            if len(body) < 3 or (body[0] << 8 | body[1]) != packet_id:
                raise MalformedPacket("a SUBACK for another packet")
            properties, end = _properties_at(body, 2, len(body))
            if end >= len(body):
                raise MalformedPacket("a SUBACK without its reason code")
            code = body[end]
            if code >= 0x80:
                raise Refused("SUBACK", code, properties.get(REASON_STRING))
            if code < self.qos:
                raise Refused("SUBACK", code, f"granted QoS {code}, asked for {self.qos}")
        except BaseException:
            self.close()
            raise
        sock.settimeout(None)
        return self.session_present

    def connect_retrying(
        self,
        *,
        attempts: int | None = None,
        first_delay: float = 0.5,
        max_delay: float = 30,
        subscribe: bool = True,
    ):
        """connect(), again and again with a doubling delay while the broker is away or refuses (a broker
        restarting refuses for a moment); raises the last error after `attempts` (None: never gives up)."""
        delay, tried = first_delay, 0
        while True:
            try:
                return self.connect(subscribe=subscribe)
            except (OSError, MqttError) as e:
                tried += 1
                if attempts is not None and tried >= attempts:
                    raise
                logger.warning("mqtt: %s:%s: %s; again in %.1f s", self.host, self.port, e, delay)
                time.sleep(delay)  # backoff between attempts at reaching the broker, not a wait for a result
                delay = min(delay * 2, max_delay)

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def unsubscribe(self) -> None:
        """UNSUBSCRIBE the filter: the broker routes nothing more to this session (what it queued before still
        comes, kept for `take`). Raises Refused on a failure reason code."""
        self._send(encode_unsubscribe(2, self.topic_filter))
        self.sock.settimeout(self.timeout)
        try:
            _first, body = self._expect(UNSUBACK)
        finally:
            self.sock.settimeout(None)
        properties, end = _properties_at(body, 2, len(body))
        if len(body) < 3 or end >= len(body):
            raise MalformedPacket("an UNSUBACK without its reason code")
        if body[end] >= 0x80:
            raise Refused("UNSUBACK", body[end], properties.get(REASON_STRING))

    def end_session(self) -> None:
        """DISCONNECT with a session expiry of 0: the broker discards the session (its subscription and what it
        still queued), then close."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self._send(packet(DISCONNECT << 4, b"\x00" + encode_properties([(SESSION_EXPIRY, 0)])))
        self.close()

    def disconnect(self) -> None:
        """A normal DISCONNECT (the broker keeps the session for its expiry interval), then close."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self._send(NORMAL_DISCONNECT)
        self.close()

    # -- traffic --

    def ack(self, generation: int, packet_ids: list[int]) -> bool:
        """PUBACK these packet ids in one write, if they came on the current connection; False when they did not
        (the broker delivers those messages again)."""
        if generation != self.generation or self.sock is None:
            return False
        if packet_ids:
            self._send(encode_pubacks(packet_ids))
        return True

    def take(self, limit: int, wait: float, max_wait: float = 0.05) -> list:
        """Up to `limit` PUBLISHes: waits up to `wait` for the first, then takes what arrives within `max_wait`
        (without waiting at all once `limit` are there). Raises MqttError / OSError when the connection is lost."""
        now = time.monotonic()
        deadline = now + wait
        first_at = None
        read = False
        while len(self._ready) < limit:
            if self._ready and first_at is None:
                first_at = now
                deadline = min(deadline, now + max_wait)
            remaining = deadline - now
            if remaining <= 0:
                if read:
                    break
                remaining = 0  # wait=0: one look at the socket all the same
            self._receive(remaining)
            read = True
            now = time.monotonic()
        batch, self._ready = self._ready[:limit], self._ready[limit:]
        return batch

    def _receive(self, timeout: float) -> None:
        """Wait up to `timeout` (less when a PINGREQ is due) for bytes, read one block and parse it."""
        self._keep_alive()
        if self.keepalive:
            timeout = min(timeout, max(self._sent_at + self.keepalive / 2 - time.monotonic(), 0.01))
        readable, _w, _x = select.select([self.sock], [], [], timeout)
        if not readable:
            return
        chunk = self.sock.recv(self.recv_size)
        if not chunk:
            raise MqttError("the broker closed the connection")
        self._received_at = time.monotonic()
        self._ping_outstanding = False
        data = self._buffer + chunk if self._buffer else chunk
        control: list = []
        pos = parse(data, 0, self._ready, control, self._aliases, self.topic_alias_maximum)
        self._buffer = data[pos:] if pos < len(data) else b""
        for first, body in control:
            self._control(first, body)

    def _control(self, first: int, body: bytes) -> None:
        kind = first >> 4
        if kind == PINGRESP:
            return
        if kind == DISCONNECT:
            code = body[0] if body else 0
            reason = None
            if len(body) > 1:
                reason = _properties_at(body, 1, len(body))[0].get(REASON_STRING)
            raise Refused("DISCONNECT", code, reason)
        raise MalformedPacket(f"an unexpected packet of type {kind}")

    def _keep_alive(self) -> None:
        if not self.keepalive:
            return
        now = time.monotonic()
        if self._ping_outstanding and now - self._received_at > 1.5 * self.keepalive:
            raise MqttError("no answer from the broker within the keep-alive interval")
        if now - self._sent_at >= self.keepalive / 2:
            self._send(PING)
            self._ping_outstanding = True

    def _send(self, data: bytes) -> None:
        if self.sock is None:
            raise MqttError("not connected")
        self.sock.sendall(data)
        self._sent_at = time.monotonic()

    def _expect(self, kind: int) -> tuple[int, bytes]:
        """Read until a packet of this type comes (during connect: CONNACK, then SUBACK). A resumed session's
        queued PUBLISHes may come before the SUBACK: they are kept for `take`."""
        deadline = time.monotonic() + self.timeout
        found = None
        while True:
            control: list = []
            pos = parse(self._buffer, 0, self._ready, control, self._aliases, self.topic_alias_maximum)
            self._buffer = self._buffer[pos:]
            for first, body in control:
                if found is None and first >> 4 == kind:
                    found = (first, body)
                else:
                    self._control(first, body)
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise MqttError(f"no answer (packet type {kind}) within {self.timeout} s")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(self.recv_size)
            except TimeoutError as e:
                raise MqttError(f"no answer (packet type {kind}) within {self.timeout} s") from e
            if not chunk:
                raise MqttError("the broker closed the connection")
            self._buffer += chunk
            self._received_at = time.monotonic()
