"""Commands to devices (issue 10, item 3): one adapter per way down, each deciding what is worth another try.

ChirpStack v4, its REST API (chirpstack-rest-api, the gRPC `DeviceService.Enqueue` over HTTP):

    POST {api}/api/devices/{devEui}/queue
    Authorization: Bearer <API token>
    {"queueItem": {"devEui": "0004a30b001c0530", "confirmed": false, "fPort": 10, "data": "<base64>"}}
    200 {"id": "<queue item UUID>"}        errors: {"code": <gRPC code>, "message": "…", "details": []}

The Things Stack v3, the push URL its webhook sent in `X-Downlink-Push` (…/devices/{id}/down/push) with the
`X-Downlink-Apikey` it sent beside it:

    POST <X-Downlink-Push>
    Authorization: Bearer <X-Downlink-Apikey>
    {"downlinks": [{"frm_payload": "<base64>", "f_port": 10, "priority": "NORMAL", "confirmed": false}]}
    200 {}                                   errors: {"code": <gRPC code>, "message": "…", "details": […]}

MQTT: published at QoS 1 on the device's own `muang/<org>/devices/<serial>/down` (the broker's ACL lets the
device read only that topic, and Muang's ingest user write the `down` topics).

A 429, a 5xx or a network failure is retryable; any other 4xx (a wrong or revoked token, an unknown device) is
not: it needs an operator. Tokens and keys are sent, never logged nor put into an error message.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.errors import InvalidInput, NotFound
from muang.core.models import Organization
from muang.iot.lorawan.models import LorawanIntegration, TtsDownlinkTarget
from muang.iot.models import Device
from muang.iot.permissions import IotPerm

logger = logging.getLogger("muang.iot.lorawan")
MAX_FRAME = 242  # the largest LoRaWAN application payload (DR with the widest frame)


class DownlinkError(Exception):
    def __init__(self, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class Downlink:
    data: bytes
    f_port: int = 1
    confirmed: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.f_port <= 223:
            raise InvalidInput.for_field("f_port", _("The port is a number from 1 to 223."))
        if len(self.data) > MAX_FRAME:
            raise InvalidInput.for_field(
                "data", _("A downlink carries at most %(n)s bytes.") % {"n": MAX_FRAME}
            )

    @property
    def b64(self) -> str:
        return base64.b64encode(self.data).decode()


def _post(url: str, *, token: str, body: dict, service: str, timeout: float) -> dict:
    try:
        response = requests.post(
            url,
            json=body,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
        )
    except requests.RequestException as e:  # refused, timeout, TLS: worth another try later
        raise DownlinkError(f"{service} unreachable: {type(e).__name__}", retryable=True) from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code >= 300:
        message = answer.get("message") if isinstance(answer, dict) else ""
        detail = str(message or response.reason or "")[:300]
        retryable = response.status_code == 429 or response.status_code >= 500
        kind = "retryable" if retryable else "not retryable"
        logger.warning("lorawan: %s refused a downlink (%s, %s)", service, response.status_code, kind)
        raise DownlinkError(
            f"{service} answered {response.status_code}: {detail}",
            retryable=retryable,
            status=response.status_code,
        )
    return answer if isinstance(answer, dict) else {}


class ChirpStackDownlink:
    def __init__(self, *, api_url: str, api_token: str, timeout: float = 10.0):
        self._api = api_url.rstrip("/")
        self._token = api_token
        self._timeout = timeout

    @classmethod
    def for_organization(cls, organization: Organization) -> ChirpStackDownlink | None:
        row = LorawanIntegration.objects.filter(organization=organization).first()
        if row is None or not (row.chirpstack_api_url and row.chirpstack_api_token):
            return None
        return cls(api_url=row.chirpstack_api_url, api_token=row.chirpstack_api_token)

    def enqueue(self, *, dev_eui: str, downlink: Downlink) -> str:
        """The queue item's id."""
        eui = dev_eui.lower()
        body = {
            "queueItem": {
                "devEui": eui,
                "confirmed": downlink.confirmed,
                "fPort": downlink.f_port,
                "data": downlink.b64,
            }
        }
        url = f"{self._api}/api/devices/{quote(eui, safe='')}/queue"
        answer = _post(url, token=self._token, body=body, service="ChirpStack", timeout=self._timeout)
        return str(answer.get("id", ""))


class TtsDownlink:
    def __init__(self, *, push_url: str, api_key: str, timeout: float = 10.0):
        self._url = push_url
        self._key = api_key
        self._timeout = timeout

    @classmethod
    def for_device(cls, device: Device) -> TtsDownlink | None:
        row = TtsDownlinkTarget.objects.filter(organization_id=device.organization_id, device=device).first()
        return None if row is None else cls(push_url=row.push_url, api_key=row.api_key)

    def push(self, *, downlink: Downlink) -> None:
        item = {"frm_payload": downlink.b64, "f_port": downlink.f_port, "priority": "NORMAL"}
        if downlink.confirmed:
            item["confirmed"] = True  # proto3 JSON: a false is left out
        _post(
            self._url,
            token=self._key,
            body={"downlinks": [item]},
            service="The Things Stack",
            timeout=self._timeout,
        )


def mqtt_publish_down(
    *,
    device: Device,
    payload: bytes,
    host: str | None = None,
    port: int | None = None,
    password: str | None = None,
) -> None:
    """Publish on the device's `down` topic as Muang's ingest user (QoS 1, waits for the broker's PUBACK)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from muang.iot.mqtt.broker import DOWN, INGEST_USER, default_directory, ingest_password

    topic = DOWN.format(org=device.organization.slug, serial=device.serial)
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=f"muang-down-{device.pk}",
        protocol=mqtt.MQTTv5,
    )
    client.username_pw_set(INGEST_USER, password or ingest_password(Path(default_directory())))
    try:
        client.connect(host or settings.MUANG_MQTT_HOST, port or settings.MUANG_MQTT_PORT, keepalive=10)
    except OSError as e:
        raise DownlinkError(f"MQTT broker unreachable: {type(e).__name__}", retryable=True) from None
    client.loop_start()
    try:
        info = client.publish(topic, payload, qos=1)
        info.wait_for_publish(timeout=10)
        if not info.is_published():
            raise DownlinkError("MQTT broker did not acknowledge the downlink", retryable=True)
    finally:
        client.disconnect()
        client.loop_stop()


def device_downlink_send(
    *, actor: Actor, organization: Organization, device_id: int, downlink: Downlink
) -> str:
    """Send a command to one of the organisation's devices by the way it reports: The Things Stack (a push URL
    was received), ChirpStack (a DevEUI and the organisation's ChirpStack API), else its MQTT `down` topic.
    Returns the channel used; raises DownlinkError (with `retryable`) when the far end refuses."""
    require(actor, organization, IotPerm.IOT_MANAGE)
    device = (
        Device.objects.select_related("organization")
        .filter(organization=organization, pk=device_id)
        .exclude(state=Device.State.RETIRED)
        .first()
    )
    if device is None:
        raise NotFound(_("No such device in this organisation."))
    tts = TtsDownlink.for_device(device)
    if tts is not None:
        tts.push(downlink=downlink)
        return "tts"
    chirpstack = ChirpStackDownlink.for_organization(organization) if device.dev_eui else None
    if chirpstack is not None:
        chirpstack.enqueue(dev_eui=device.dev_eui, downlink=downlink)
        return "chirpstack"
    mqtt_publish_down(device=device, payload=downlink.data)
    return "mqtt"
