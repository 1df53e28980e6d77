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
from muang.core.errors import InvalidInput
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
    location = None
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise InvalidInput.for_field("location", _("Give both latitude and longitude."))
        location = point_from(lat=lat, lon=lon)
        if location.srid != SRID:
            location.transform(SRID)
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
    return device, credential


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
