"""The MQTT channel: a shared-subscription consumer that feeds `ingest_batch` and acknowledges after commit.

Several `manage.py iot_ingest` processes may run side by side: they join the shared subscription
`$share/ingest/muang/+/devices/+/up` (MQTT v5), and the broker hands each message to one of them. Messages
arrive at QoS 1 with manual acknowledgement: a PUBACK is sent only once the batch holding the message is
committed, so a crash before the commit makes the broker deliver it again (and the message id / (device, key,
time) dedup stores it once). The session is persistent (clean_start false, a session expiry), so the broker keeps
what arrives while the consumer restarts.

The broker's ACL has already tied the topic to the device that published it; the consumer trusts the topic.

The connection is `wire.Subscriber` (one `recv` of up to 256 KiB parsed whole, one tuple a message, no network
thread), not paho: see `muang.iot.mqtt.wire` for why. A lost connection is reconnected with a growing delay; the
messages taken on it and not yet acknowledged come again on the resumed session.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from muang.core.models import Organization
from muang.iot.models import Device, DeviceProfile
from muang.iot.mqtt.broker import INGEST_FILTER, INGEST_USER
from muang.iot.mqtt.wire import MqttError, Subscriber
from muang.iot.services.ingest import Message, ingest_batch

logger = logging.getLogger("muang.iot.mqtt")
SHARED = f"$share/ingest/{INGEST_FILTER}"
SESSION_EXPIRY = 24 * 3600


@dataclass
class Stats:
    received: int = 0
    stored: int = 0
    duplicate: int = 0
    refused: int = 0
    unknown: int = 0


class IngestConsumer:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        password: str,
        client_id: str = "muang-ingest",
        batch_size: int = 2000,
        max_wait: float = 0.05,
        refresh_seconds: float = 10,
        device_refresh_seconds: float = 60,
    ):
        self.batch_size, self.max_wait = batch_size, max_wait
        self.refresh_seconds, self.device_refresh_seconds = refresh_seconds, device_refresh_seconds
        self.stats = Stats()
        self._devices: dict[tuple[str, str], Device | None] = {}
        self._by_topic: dict[bytes, Device | None] = {}  # the same devices by their raw topic
        self._profiles: dict[int, DeviceProfile] = {}
        self._organizations: dict[int, Organization] = {}
        self._loaded_at = self._checked_at = time.monotonic()
        # Unacknowledged QoS 1 messages the broker may send ahead: two batches, so the next batch arrives while
        # this one commits (acks go only after the commit; with fewer, every batch would stall on max_wait).
        self.session = Subscriber(
            host,
            port,
            client_id=client_id,
            topic_filter=SHARED,
            username=INGEST_USER,
            password=password,
            qos=1,
            clean_start=False,
            session_expiry=SESSION_EXPIRY,
            receive_maximum=min(2 * batch_size, 65535),
            keepalive=30,
        )
        self.host, self.port = host, port

    @property
    def subscribed(self) -> bool:
        return self.session.sock is not None

    def start(self, timeout: float = 10, *, retry: bool = False) -> None:
        """Connect and subscribe; raises wire.Refused (the broker's reason code) or OSError, unless `retry`:
        then it tries again with a growing delay until the broker takes it (`make run` starts both at once)."""
        self.session.timeout = timeout
        if retry:
            self.session.connect_retrying()
        else:
            self.session.connect()

    def recover(self) -> None:
        """After a failed batch (the database went away) or a lost connection: drop what was taken and not
        acknowledged and reconnect (with a growing delay while the broker is away); the broker delivers those
        messages again to this persistent session (or another consumer)."""
        self.forget_devices()
        self.session.connect_retrying()

    def stop(self) -> None:
        self.session.disconnect()

    def retire(self, wait: float = 1.0, *, retry: bool = False) -> int:
        """End this client id's session at the broker, after storing what it holds; returns how many messages
        it held. Mosquitto shares a subscription's messages with the sessions that are away too: a consumer that
        no longer runs under this id (fewer consumers than before) would hold its share until the session
        expires. Its subscription goes first (nothing more is routed to it), then what it queued is ingested and
        acknowledged, then a DISCONNECT with a session expiry of 0 ends it. `retry`: wait for the broker as
        `start` does."""
        connect = self.session.connect_retrying if retry else self.session.connect
        if connect(subscribe=False):
            self.session.unsubscribe()
            while self.flush(wait=wait):
                pass
        self.session.end_session()
        return self.stats.received

    def _load_devices(self, keys: set[tuple[str, str]]) -> None:
        """Look up the devices of these (organisation slug, serial) pairs not cached yet, in one query per
        organisation; the profiles and organisations are shared, so each profile's decoder is parsed once."""
        keys = {k for k in keys if k not in self._devices}
        by_org: dict[str, list[str]] = defaultdict(list)
        for org, serial in keys:
            by_org[org].append(serial)
            self._devices[(org, serial)] = None  # unknown until found (an unknown topic is not asked again)
        found: list[Device] = []
        for org, serials in by_org.items():
            found += (
                Device.objects.filter(
                    organization__slug=org, organization__is_active=True, serial__in=serials
                )
                .exclude(state=Device.State.RETIRED)
                .select_related(None)
            )
        # A batch's devices share a few profiles and organisations: each read once (not a joined copy per device).
        profiles = {d.profile_id for d in found} - self._profiles.keys()
        self._profiles.update(DeviceProfile.objects.in_bulk(profiles))
        organizations = {d.organization_id for d in found} - self._organizations.keys()
        self._organizations.update(Organization.objects.in_bulk(organizations))
        for device in found:
            device.profile = self._profiles[device.profile_id]
            device.organization = self._organizations[device.organization_id]
            self._devices[(device.organization.slug, device.serial)] = device

    def forget_devices(self) -> None:
        """Drop the device cache (devices, profiles, organisations are read again)."""
        self._devices.clear()
        self._by_topic.clear()
        self._profiles.clear()
        self._organizations.clear()
        self._loaded_at = self._checked_at = time.monotonic()

    def _refresh(self) -> None:
        """Every `refresh_seconds`, read the cached profiles and organisations again (a few rows: a changed range
        or decoder, a deactivated organisation takes effect); every `device_refresh_seconds`, forget the devices
        too (a retired device, which the broker's ACL has already shut out, or a moved serial). Re-reading every
        device every few seconds cost a quarter of the consumer's time at 10,000 devices."""
        now = time.monotonic()
        if now - self._loaded_at > self.device_refresh_seconds:
            self.forget_devices()
            return
        if now - self._checked_at <= self.refresh_seconds:
            return
        self._checked_at = now
        self._profiles = DeviceProfile.objects.in_bulk(list(self._profiles))
        self._organizations = Organization.objects.in_bulk(list(self._organizations))
        for key, device in list(self._devices.items()):
            if device is None:
                del self._devices[key]  # unknown topics are asked again
                continue
            profile = self._profiles.get(device.profile_id)
            organization = self._organizations.get(device.organization_id)
            if profile is None or organization is None or not organization.is_active:
                del self._devices[key]
            else:
                device.profile, device.organization = profile, organization
        self._by_topic.clear()  # rebuilt from _devices as topics come

    def _device(self, topic: bytes) -> Device | None:
        return self._by_topic.get(topic)

    def _resolve(self, topics: set[bytes]) -> None:
        """Map raw topics not seen since the last refresh to their devices (muang/<org>/devices/<serial>/up)."""
        keys: dict[bytes, tuple[str, str] | None] = {}
        for topic in topics:
            parts = topic.decode("utf-8", "replace").split("/")
            keys[topic] = (parts[1], parts[3]) if len(parts) == 5 else None
        self._load_devices({k for k in keys.values() if k is not None})
        for topic, key in keys.items():
            self._by_topic[topic] = self._devices.get(key) if key is not None else None

    def take(self, wait: float) -> tuple[int, list]:
        """(the connection's generation, up to batch_size messages as (packet id, topic, payload, message id))."""
        return self.session.generation, self.session.take(self.batch_size, wait, self.max_wait)

    def flush(self, wait: float = 0.5) -> int:
        """Ingest one batch; returns how many messages it held (0 when none arrived within `wait`). A lost
        connection is reconnected here (the messages it held come again)."""
        try:
            generation, batch = self.take(wait)
        except (OSError, MqttError) as e:
            logger.warning("iot_ingest: connection lost (%s); reconnecting", e)
            self.recover()
            return 0
        if not batch:
            return 0
        received_at = timezone.now()
        self._refresh()
        by_topic = self._by_topic
        new = {topic for _pid, topic, _payload, _id in batch if topic not in by_topic}
        if new:
            self._resolve(new)
        by_org: dict[int, Organization] = {}
        groups: dict[int, list[Message]] = defaultdict(list)
        for _pid, topic, payload, message_id in batch:
            device = by_topic[topic]
            if device is None:
                self.stats.unknown += 1
                logger.warning(
                    "iot_ingest: no live device for topic %s", topic[:200].decode("utf-8", "replace")
                )
                continue
            org_id = device.organization_id
            if org_id not in by_org:
                by_org[org_id] = device.organization
            groups[org_id].append(Message(device, payload, received_at, message_id, "mqtt"))
        for org_id, messages in groups.items():
            outcomes = ingest_batch(organization=by_org[org_id], messages=messages, now=received_at)
            for outcome in outcomes:
                setattr(self.stats, outcome.status, getattr(self.stats, outcome.status) + 1)
        # Committed (ingest_batch is atomic): only now does the broker forget these messages.
        self._ack(generation, batch)
        self.stats.received += len(batch)
        return len(batch)

    def _ack(self, generation: int, batch: list) -> None:
        """The batch's PUBACKs in one write; a connection lost meanwhile is reconnected (the broker sends the
        batch again, and the dedup stores it once)."""
        try:
            self.session.ack(generation, [pid for pid, _t, _p, _i in batch if pid is not None])
        except OSError as e:
            logger.warning("iot_ingest: connection lost while acknowledging (%s); reconnecting", e)
            self.recover()
