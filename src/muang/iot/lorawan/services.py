"""Writes of the LoRaWAN channel: the organisation's webhook secret, and one network-server event handled in one
transaction (an uplink goes through `muang.iot.services.ingest`, like every channel's).

A webhook handler only validates and writes: one uplink is a few rows (readings, latest values, the message id,
the device's last seen), well within the few hundred milliseconds ChirpStack and The Things Stack wait, and
nothing slow (no outbound call) happens in the request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core.errors import InvalidInput, MuangError, NotAuthenticated, NotFound
from muang.core.form_errors import field_messages
from muang.core.models import Organization
from muang.iot.lorawan.events import Event
from muang.iot.lorawan.models import LorawanIntegration, TtsDownlinkTarget
from muang.iot.models import Device, DeviceAttribute
from muang.iot.services.devices import device_count_error
from muang.iot.services.ingest import Outcome, ingest

logger = logging.getLogger("muang.iot.lorawan")
SECRET_PREFIX = "mlw"  # noqa: S105 (a prefix, not a secret)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def lorawan_secret_rotate(*, organization: Organization, now: dt.datetime | None = None) -> str:
    """A new webhook secret for the organisation (the old one stops working at once); returned once, only its
    SHA-256 is kept."""
    secret = f"{SECRET_PREFIX}_{secrets.token_urlsafe(32)}"
    LorawanIntegration.objects.update_or_create(
        organization=organization,
        defaults={"secret_sha256": _digest(secret), "rotated_at": now or timezone.now()},
    )
    return secret


def chirpstack_api_set(*, organization: Organization, url: str, token: str) -> None:
    """Where and how to enqueue downlinks on the organisation's ChirpStack (its REST API and an API token)."""
    updated = LorawanIntegration.objects.filter(organization=organization).update(
        chirpstack_api_url=url.rstrip("/"), chirpstack_api_token=token
    )
    if not updated:
        raise NotFound(_("Create the organisation's LoRaWAN secret first."))


def authenticate_webhook(*, slug: str, secret: str) -> Organization:
    """The active organisation whose webhook secret this is. A wrong or missing secret is counted on the
    organisation's integration and refused (401); an unknown organisation is a 404."""
    organization = Organization.objects.filter(slug=slug, is_active=True).first()
    if organization is None:
        raise NotFound(_("No such organisation."))
    integration = LorawanIntegration.objects.filter(organization=organization).first()
    if integration is None:
        raise NotAuthenticated(
            _("This organisation has no LoRaWAN secret yet (manage.py iot_lorawan secret).")
        )
    # Both sides are SHA-256 hex digests: equal length, compared in constant time.
    if not secret or not hmac.compare_digest(_digest(secret), integration.secret_sha256):
        LorawanIntegration.objects.filter(pk=integration.pk, organization=organization).update(
            refused_count=F("refused_count") + 1
        )
        logger.warning("lorawan: webhook for %s refused: %s secret", slug, "wrong" if secret else "no")
        raise NotAuthenticated(_("Missing or wrong X-Muang-Secret header."))
    return organization


def _device(organization: Organization, dev_eui: str) -> Device:
    device = (
        Device.objects.select_related("organization", "profile")
        .filter(organization=organization, dev_eui=dev_eui)
        .first()
    )
    if device is None:
        raise NotFound(
            _("No device with DevEUI %(eui)s in this organisation.") % {"eui": dev_eui},
            field_errors={"devEui": [_("Register the device with this DevEUI first.")]},
        )
    return device


def _payload(device: Device, event: Event) -> dict:
    """The ingest envelope: the profile decides what is read. A JSON-keys profile reads the values the network
    server decoded (`object` / `decoded_payload`); a byte-layout profile reads the frame (`data` /
    `frm_payload`) itself."""
    # One attribute per uplink (the last frame's counter, port and best signal): ingest writes attributes row by
    # row, and this one is written on every uplink.
    envelope: dict = {"attributes": {"lorawan_uplink": event.attributes}}
    if event.time is not None:
        envelope["ts"] = event.time.isoformat()
    if device.profile.parsed.spec["kind"] == "bytes":
        if event.data is None:
            raise InvalidInput.for_field(
                "data", _("The frame is empty: this device's profile reads its bytes.")
            )
        envelope["data"] = event.data
    else:
        if not event.values:
            raise InvalidInput.for_field(
                "object", _("No decoded values: set a codec on the network server for this JSON profile.")
            )
        envelope["values"] = event.values
    return envelope


def _renamed(error: InvalidInput, names: dict[str, str]) -> InvalidInput:
    if not any(name in names for name in error.field_errors):
        return error
    renamed: dict[str, list[str]] = {}
    for name, message in field_messages(error):
        renamed.setdefault(names.get(name, name), []).append(message)
    return InvalidInput(error.detail, field_errors=renamed)


def _remember(organization: Organization, device: Device, attributes: dict, seen: dt.datetime | None) -> None:
    for key, value in sorted(attributes.items()):
        DeviceAttribute.objects.update_or_create(
            organization=organization, device=device, key=f"lorawan_{key}", defaults={"value": value}
        )
    if seen is not None:
        Device.objects.filter(pk=device.pk, organization=organization).update(
            last_seen=Greatest(Coalesce("last_seen", seen), seen)
        )


def _keep_tts_downlink(organization: Organization, device: Device, push_url: str, api_key: str) -> None:
    current = TtsDownlinkTarget.objects.filter(organization=organization, device=device).first()
    if current is not None and current.push_url == push_url and current.api_key == api_key:
        return
    TtsDownlinkTarget.objects.update_or_create(
        organization=organization, device=device, defaults={"push_url": push_url, "api_key": api_key}
    )


def lorawan_event_process(
    *,
    organization: Organization,
    event: Event,
    tts_downlink: tuple[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Outcome | None:
    """Handle one parsed event of the organisation's network server: an uplink is ingested (its Outcome
    returned: stored or duplicate; a refusal raises, naming the field); the others update the device."""
    now = now or timezone.now()
    refusal: MuangError | None = None
    with transaction.atomic():
        device = _device(organization, event.dev_eui)
        if tts_downlink is not None:
            _keep_tts_downlink(organization, device, *tts_downlink)
        if event.kind == "up":
            # A refused uplink is counted on the device (by ingest) and the downlink target is kept: the refusal
            # is raised once this transaction committed.
            try:
                payload = _payload(device, event)
            except InvalidInput as e:
                device_count_error(device=device)
                refusal = _renamed(e, event.names)
            else:
                try:
                    return ingest(
                        organization=organization,
                        device=device,
                        payload=payload,
                        channel="lorawan",
                        received_at=now,
                        message_id=event.message_id,
                        now=now,
                    )
                except InvalidInput as e:  # already counted on the device by ingest
                    refusal = _renamed(e, event.names)
                except MuangError as e:
                    refusal = e
        elif event.kind == "log":
            LorawanIntegration.objects.filter(organization=organization).update(log_count=F("log_count") + 1)
            logger.info("lorawan: network server log for device %s: %s", device.pk, event.detail[:500])
        else:
            heard = event.kind in ("status", "join")  # the device itself spoke (a MAC answer, a join request)
            seen = min(event.time or now, now) if heard else None
            _remember(organization, device, event.attributes, seen)
    if refusal is not None:
        raise refusal
    return None
