"""Profiles and devices: created by the engineering head (or the platform), each device with a credential shown
once and stored only as hashes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import AuditEntry, Organization
from muang.core.services import update_audited
from muang.core.validation import point_from
from muang.iot.models import SRID, Device, DeviceAttribute, DeviceProfile, IotSettings
from muang.iot.permissions import IotPerm

CREDENTIAL_PREFIX = "mdev"
SECRET_FIELDS = frozenset({"credential_hash", "mqtt_hash"})
MQTT_ITERATIONS = 101  # mosquitto_passwd's default for its $7$ (PBKDF2-SHA512) hashes


def mosquitto_hash(secret: str, *, salt: bytes | None = None, iterations: int = MQTT_ITERATIONS) -> str:
    """The secret in Mosquitto's password-file format `$7$<iterations>$<salt b64>$<PBKDF2-SHA512 b64>`."""
    salt = salt if salt is not None else secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def split_credential(credential: str) -> tuple[str, str] | None:
    parts = credential.split("_", 2)
    if len(parts) != 3 or parts[0] != CREDENTIAL_PREFIX or not parts[1].isalnum() or len(parts[1]) > 16:
        return None
    return parts[1], parts[2]


# Credentials already verified by this process: sha256(credential) -> the password hash it was checked against.
# Django's password hash costs ~0.5 s of CPU by design; a device posting every minute must not pay it each time.
# The credential is a 192-bit random secret, so its SHA-256 in memory reveals nothing usable; a rotated
# credential has a new hash and misses the cache.
_VERIFIED: OrderedDict[str, str] = OrderedDict()
_VERIFIED_MAX = 20_000


def credential_matches(device: Device, credential: str) -> bool:
    parts = split_credential(credential)
    if parts is None or parts[0] != device.credential_id:
        return False
    fingerprint = hashlib.sha256(credential.encode()).hexdigest()
    if _VERIFIED.get(fingerprint) == device.credential_hash:
        _VERIFIED.move_to_end(fingerprint)
        return True
    if not check_password(credential, device.credential_hash):
        return False
    _VERIFIED[fingerprint] = device.credential_hash
    while len(_VERIFIED) > _VERIFIED_MAX:
        _VERIFIED.popitem(last=False)
    return True


def _new_credential() -> tuple[str, str, str, str]:
    credential_id = secrets.token_hex(6)
    credential = f"{CREDENTIAL_PREFIX}_{credential_id}_{secrets.token_urlsafe(24)}"
    return credential_id, credential, make_password(credential), mosquitto_hash(credential)


def _full_clean(instance) -> None:
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e


@transaction.atomic
def device_profile_create(
    *,
    actor: Actor,
    organization: Organization,
    name: str,
    keys: list,
    decoder: dict,
    report_interval: int = 300,
) -> DeviceProfile:
    require(actor, organization, IotPerm.IOT_MANAGE)
    profile = DeviceProfile(
        organization=organization,
        name=name.strip(),
        keys=keys,
        decoder=decoder,
        report_interval=report_interval,
    )
    _full_clean(profile)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as e:
        raise InvalidInput.for_field("name", _("There is already a profile with this name.")) from e
    audit.record_create(actor=actor, organization=organization, instance=profile)
    return profile


@transaction.atomic
def device_create(
    *,
    actor: Actor,
    organization: Organization,
    profile: DeviceProfile,
    name: str,
    serial: str,
    dev_eui: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    installed_on: dt.date | None = None,
    asset_ref: str = "",
) -> tuple[Device, str]:
    """A new device and its credential (`mdev_<id>_<secret>`), returned once: give it to the installer."""
    require(actor, organization, IotPerm.IOT_MANAGE)
    if profile.organization_id != organization.pk:
        raise InvalidInput.for_field("profile", _("No such profile in this organisation."))
    location = _location(lat, lon)
    credential_id, credential, credential_hash, mqtt_hash = _new_credential()
    device = Device(
        organization=organization,
        profile=profile,
        name=name.strip(),
        serial=serial,
        dev_eui=(dev_eui or "").upper() or None,
        location=location,
        installed_on=installed_on,
        asset_ref=asset_ref,
        credential_id=credential_id,
        credential_hash=credential_hash,
        mqtt_hash=mqtt_hash,
    )
    _full_clean(device)
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "serial", _("There is already a device with this serial number or DevEUI.")
        ) from e
    # The credential's hashes stay out of the audit log (core masks only the platform's own secret fields).
    facts = {k: v for k, v in audit.snapshot(device).items() if k not in SECRET_FIELDS}
    audit.record(
        actor=actor,
        organization=organization,
        instance=device,
        action=AuditEntry.Action.CREATE,
        changes=audit.diff({}, facts),
    )
    _tell_broker()
    return device, credential


def _tell_broker() -> None:
    from muang.iot.mqtt.broker import broker_files_changed  # the broker module reads devices: import late

    broker_files_changed()


DEVICE_EDITABLE = frozenset({"name", "serial", "dev_eui", "location", "installed_on", "asset_ref", "profile"})


def _live(device: Device) -> Device:
    """The device locked, in its own organisation; a retired device is not changed any more."""
    row = Device.objects.select_for_update().get(pk=device.pk, organization_id=device.organization_id)
    if row.state == Device.State.RETIRED:
        raise Conflict(_("The device is retired."))
    return row


@transaction.atomic
def device_update(
    *,
    actor: Actor,
    device: Device,
    name: str,
    serial: str,
    profile: DeviceProfile,
    dev_eui: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    installed_on: dt.date | None = None,
    asset_ref: str = "",
) -> Device:
    """Edit a device's facts (not its credential or state), audited. A new serial moves its MQTT topics: the
    broker's ACL follows."""
    organization = device.organization
    require(actor, organization, IotPerm.IOT_MANAGE)
    if profile.organization_id != organization.pk:
        raise InvalidInput.for_field("profile", _("No such profile in this organisation."))
    row = _live(device)
    data = {
        "name": name.strip(),
        "serial": serial,
        "dev_eui": (dev_eui or "").upper() or None,
        "location": _location(lat, lon),
        "installed_on": installed_on,
        "asset_ref": asset_ref,
        "profile": profile,
    }
    taken = Device.objects.filter(organization_id=organization.pk).exclude(pk=row.pk)
    if taken.filter(serial=serial).exists() or (
        data["dev_eui"] and taken.filter(dev_eui=data["dev_eui"]).exists()
    ):
        raise InvalidInput.for_field(
            "serial", _("There is already a device with this serial number or DevEUI.")
        )
    moved = row.serial != serial
    try:
        with transaction.atomic():
            row = update_audited(
                actor=actor, organization=organization, instance=row, data=data, allowed=DEVICE_EDITABLE
            )
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "serial", _("There is already a device with this serial number or DevEUI.")
        ) from e
    if moved:
        _tell_broker()
    return row


@transaction.atomic
def device_retire(*, actor: Actor, device: Device) -> Device:
    """The device is taken out of service: its credential stops working at once (HTTP, and MQTT once the broker
    re-read its files, right after the commit); its telemetry and alarms stay."""
    require(actor, device.organization, IotPerm.IOT_MANAGE)
    row = _live(device)
    row = update_audited(
        actor=actor,
        organization=device.organization,
        instance=row,
        data={"state": Device.State.RETIRED},
        allowed={"state"},
    )
    _tell_broker()
    return row


@transaction.atomic
def device_rotate_credential(*, actor: Actor, device: Device) -> tuple[Device, str]:
    """A new credential for the device (the old one stops working), returned once; audited without the
    hashes."""
    require(actor, device.organization, IotPerm.IOT_MANAGE)
    row = _live(device)
    credential_id, credential, credential_hash, mqtt_hash = _new_credential()
    old_id = row.credential_id
    row.credential_id, row.credential_hash, row.mqtt_hash = credential_id, credential_hash, mqtt_hash
    row.save(update_fields=["credential_id", "credential_hash", "mqtt_hash"])
    audit.record(
        actor=actor,
        organization=device.organization,
        instance=row,
        action=AuditEntry.Action.UPDATE,
        changes={"credential_id": [old_id, credential_id]},
        reason="credential rotated",
    )
    _tell_broker()
    return row, credential


def _location(lat: float | None, lon: float | None):
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise InvalidInput.for_field("location", _("Give both latitude and longitude."))
    location = point_from(lat=lat, lon=lon)
    if location.srid != SRID:
        location.transform(SRID)
    return location


@transaction.atomic
def device_profile_update(
    *,
    actor: Actor,
    profile: DeviceProfile,
    name: str,
    keys: list,
    decoder: dict,
    report_interval: int,
) -> DeviceProfile:
    """Edit a profile, validated as at creation; a key that one of its alarm rules reads cannot be removed."""
    from muang.iot.models import AlarmRule

    require(actor, profile.organization, IotPerm.IOT_MANAGE)
    name = name.strip()
    if (
        DeviceProfile.objects.filter(organization_id=profile.organization_id, name=name)
        .exclude(pk=profile.pk)
        .exists()
    ):
        raise InvalidInput.for_field("name", _("There is already a profile with this name."))
    declared = {k.get("key") for k in keys if isinstance(k, dict)} if isinstance(keys, list) else set()
    for rule in AlarmRule.objects.filter(organization_id=profile.organization_id, profile=profile).exclude(
        key=""
    ):
        if rule.key not in declared:
            raise InvalidInput.for_field(
                "keys",
                _("The alarm rule %(rule)s reads the key %(key)s: change or delete the rule first.")
                % {"rule": rule.label, "key": rule.key},
            )
    try:
        with transaction.atomic():
            return update_audited(
                actor=actor,
                organization=profile.organization,
                instance=profile,
                data={"name": name, "keys": keys, "decoder": decoder, "report_interval": report_interval},
                allowed={"name", "keys", "decoder", "report_interval"},
            )
    except IntegrityError as e:
        raise InvalidInput.for_field("name", _("There is already a profile with this name.")) from e


@transaction.atomic
def device_attribute_set(*, actor: Actor, device: Device, key: str, value) -> DeviceAttribute:
    require(actor, device.organization, IotPerm.IOT_MANAGE)
    attribute, _created = DeviceAttribute.objects.update_or_create(
        organization_id=device.organization_id, device=device, key=key, defaults={"value": value}
    )
    return attribute


def device_count_error(*, device: Device, count: int = 1) -> None:
    """A refused message or credential: counted on the device (race-free, tenant-filtered)."""
    Device.objects.filter(pk=device.pk, organization_id=device.organization_id).update(
        error_count=F("error_count") + count
    )


SILENT_AFTER_INTERVALS = 3  # an active device that missed this many reports in a row is silent


def devices_mark_silent(*, now: dt.datetime | None = None) -> int:
    """Every organisation's active devices with no report for 3 of their profile's intervals (since they were
    added, if they never reported) become silent; a report makes them active again (ingest). One UPDATE: safe to
    repeat and to run on several workers at once. Returns how many turned silent."""
    from django.db import connection
    from django.utils import timezone

    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE iot_device d SET state = 'silent' FROM iot_deviceprofile p "
            "WHERE p.id = d.profile_id AND p.organization_id = d.organization_id AND d.state = 'active' "
            "AND COALESCE(d.last_seen, d.created_at) < %s - make_interval(secs => p.report_interval * %s)",
            [now, SILENT_AFTER_INTERVALS],
        )
        return cursor.rowcount


@transaction.atomic
def iot_settings_update(*, actor: Actor, organization: Organization, retention_days: int) -> IotSettings:
    """The organisation's telemetry retention (30 days to 10 years), audited. Months older than the longest
    retention of all organisations are dropped by the partition task."""
    require(actor, organization, IotPerm.IOT_CONFIGURE)
    row, _created = IotSettings.objects.get_or_create(
        organization=organization, defaults={"retention_days": settings.MUANG_IOT_RETENTION_DAYS}
    )
    return update_audited(
        actor=actor,
        organization=organization,
        instance=row,
        data={"retention_days": retention_days},
        allowed={"retention_days"},
    )
