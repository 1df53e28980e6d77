"""The MQTT channel: a shared-subscription consumer that feeds `ingest_batch` and acknowledges after commit.

Several `manage.py iot_ingest` processes may run side by side: they join the shared subscription
`$share/ingest/muang/+/devices/+/up` (MQTT v5), and the broker hands each message to one of them. Messages
arrive at QoS 1 with manual acknowledgement: a PUBACK is sent only once the batch holding the message is
committed, so a crash before the commit makes the broker deliver it again (and the message id / (device, key,
time) dedup stores it once). The session is persistent (clean_start false, a session expiry), so the broker keeps
what arrives while the consumer restarts.

The broker's ACL has already tied the topic to the device that published it; the consumer trusts the topic.
"""

from __future__ import annotations

import logging
import queue
import struct
import time
from collections import defaultdict
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from django.utils import timezone
from paho.mqtt.client import PUBACK
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from muang.core.models import Organization
from muang.iot.models import Device, DeviceProfile
from muang.iot.mqtt.broker import INGEST_FILTER, INGEST_USER
from muang.iot.services.ingest import Message, ingest_batch

logger = logging.getLogger("muang.iot.mqtt")
SHARED = f"$share/ingest/{INGEST_FILTER}"
SESSION_EXPIRY = 24 * 3600
_PUBACK = struct.Struct("!BBH")  # PUBACK, remaining length 2, packet id (MQTT 5: no reason code = success)


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
        self.inbox: queue.Queue = queue.Queue()
        self.stats = Stats()
        self._devices: dict[tuple[str, str], Device | None] = {}
        self._profiles: dict[int, DeviceProfile] = {}
        self._organizations: dict[int, Organization] = {}
        self._loaded_at = self._checked_at = time.monotonic()
        self.subscribed = False
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        self.client.username_pw_set(INGEST_USER, password)
        self.client.max_inflight_messages_set(1000)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = lambda _client, _userdata, msg: self.inbox.put(msg)
        self.host, self.port = host, port

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties):
        if reason_code.is_failure:
            logger.error("iot_ingest: the broker refused the connection: %s", reason_code)
            return
        client.subscribe(SHARED, qos=1)

    def _on_subscribe(self, _client, _userdata, _mid, reason_codes, _properties):
        self.subscribed = all(not rc.is_failure for rc in reason_codes)
        if not self.subscribed:
            logger.error("iot_ingest: subscription refused: %s", reason_codes)

    def start(self, timeout: float = 10) -> None:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY
        # Unacknowledged QoS 1 messages the broker may send ahead: two batches, so the next batch fills while
        # this one commits (acks go only after the commit; with fewer, every batch would stall on max_wait).
        properties.ReceiveMaximum = min(2 * self.batch_size, 65535)
        self.client.connect(self.host, self.port, keepalive=30, clean_start=False, properties=properties)
        self.client.loop_start()
        deadline = time.monotonic() + timeout
        while not self.subscribed:
            if time.monotonic() > deadline:
                raise TimeoutError("the broker did not accept the ingest subscription")
            time.sleep(0.01)

    def recover(self) -> None:
        """After a failed batch (the database went away): drop what is queued and unacknowledged and reconnect;
        the broker delivers those messages again to this persistent session (or another consumer)."""
        while not self.inbox.empty():
            self.inbox.get_nowait()
        self.forget_devices()
        self.client.reconnect()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _take(self, wait: float) -> list:
        """Up to batch_size messages: the first waits up to `wait`, then whatever arrives within max_wait."""
        try:
            batch = [self.inbox.get(timeout=wait)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch.append(
                    self.inbox.get(timeout=max(remaining, 0)) if remaining > 0 else self.inbox.get_nowait()
                )
            except queue.Empty:
                break
        return batch

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

    def _ack(self, batch: list) -> None:
        """PUBACK every QoS 1 message of a committed batch in one socket write. paho's `ack()` queues one 4-byte
        packet and wakes its network thread per message (two system calls each, ~4,000 a batch of 2,000); the same
        PUBACK packets, concatenated, go out as one queued packet through `_packet_queue`, the call `ack()` itself
        ends in (paho-mqtt 2.2, pinned). Should a paho release drop it, each message is acknowledged by `ack()`."""
        queue_packet = getattr(self.client, "_packet_queue", None)
        if queue_packet is None:
            for msg in batch:
                self.client.ack(msg.mid, msg.qos)
            return
        pubacks = b"".join(_PUBACK.pack(PUBACK, 2, msg.mid) for msg in batch if msg.qos == 1)
        if pubacks:
            queue_packet(PUBACK, pubacks, 0, 0)
        for msg in batch:
            if msg.qos == 2:  # not subscribed so; kept correct all the same
                self.client.ack(msg.mid, msg.qos)

    def flush(self, wait: float = 0.5) -> int:
        """Ingest one batch; returns how many messages it held (0 when none arrived within `wait`)."""
        batch = self._take(wait)
        if not batch:
            return 0
        received_at = timezone.now()
        self._refresh()
        topics = [msg.topic.split("/") for msg in batch]  # muang/<org>/devices/<serial>/up
        self._load_devices({(parts[1], parts[3]) for parts in topics if len(parts) == 5})
        by_org: dict[int, tuple] = {}
        groups: dict[int, list[Message]] = defaultdict(list)
        for msg, parts in zip(batch, topics, strict=True):
            device = self._devices.get((parts[1], parts[3])) if len(parts) == 5 else None
            if device is None:
                self.stats.unknown += 1
                logger.warning("iot_ingest: no live device for topic %s", msg.topic[:200])
                continue
            message_id = None
            for name, value in getattr(msg.properties, "UserProperty", None) or ():
                if name == "id":
                    message_id = value
            by_org[device.organization_id] = device.organization
            groups[device.organization_id].append(
                Message(device, msg.payload, received_at, message_id, "mqtt")
            )
        for org_id, messages in groups.items():
            outcomes = ingest_batch(organization=by_org[org_id], messages=messages, now=received_at)
            for outcome in outcomes:
                setattr(self.stats, outcome.status, getattr(self.stats, outcome.status) + 1)
        # Committed (ingest_batch is atomic): only now does the broker forget these messages.
        self._ack(batch)
        self.stats.received += len(batch)
        return len(batch)
