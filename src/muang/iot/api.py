"""/api/v1: a device posts its readings (its own credential), staff read devices, profiles and telemetry."""

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from muang.core.access import get_organization_for
from muang.core.api import actor
from muang.core.errors import InvalidInput, NotAuthenticated
from muang.core.pagination import paginated
from muang.iot import selectors
from muang.iot.permissions import IotPerm
from muang.iot.schemas import (
    BucketOut,
    DeviceCreatedOut,
    DeviceIn,
    DeviceOut,
    IngestOut,
    IotSettingsIO,
    LatestValueOut,
    ProfileIn,
    ProfileOut,
)
from muang.iot.services.devices import device_create, device_profile_create, iot_settings_update
from muang.iot.services.ingest import PayloadTooLarge, ingest

router = Router(tags=["iot"])
PUBLIC = "x-muang-public"


@router.post(
    "/iot/devices/{serial}/telemetry",
    response=IngestOut,
    auth=None,
    openapi_extra={
        PUBLIC: "a device, not a person: it authenticates with its own credential (Authorization: Bearer "
        "mdev_…), checked against the device's password hash by the ingest service",
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "ts": {"type": "string", "format": "date-time"},
                            "id": {"type": "string"},
                            "values": {"type": "object"},
                            "data": {"type": "string", "format": "byte"},
                            "attributes": {"type": "object"},
                        },
                    }
                },
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            }
        },
    },
)
def telemetry_post(request: HttpRequest, serial: str):
    """One reading of a device: `{"ts": "…Z", "id": "msg-42", "values": {"pm25": 31.5}}`, or the device's
    byte frame (`application/octet-stream`, or `{"data": "<base64>"}`) for a byte-layout profile. A repeated
    `id` is stored once. 401 unknown device or credential, 413 too large, 422 naming the refused key."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > settings.MUANG_IOT_MAX_PAYLOAD:
        raise PayloadTooLarge(
            _("The payload is larger than %(n)s bytes.") % {"n": settings.MUANG_IOT_MAX_PAYLOAD}
        )
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise NotAuthenticated(_("Send the device's credential: Authorization: Bearer mdev_..."))
    outcome = ingest(
        payload=request.body,
        channel="http",
        serial=serial,
        credential=header.removeprefix("Bearer ").strip(),
        message_id=request.headers.get("X-Message-Id") or None,
    )
    return {"status": outcome.status, "rows": outcome.rows}


@router.get("/organizations/{slug}/iot/profiles", response=list[ProfileOut])
@paginated()
def profiles_list(request: HttpRequest, slug: str):
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_VIEW)
    return selectors.profiles_of(actor=a, organization=organization)


@router.get("/organizations/{slug}/iot/devices", response=list[DeviceOut])
@paginated()
def devices_list(
    request: HttpRequest, slug: str, state: str | None = Query(None, pattern="^(active|silent|retired)$")
):
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_VIEW)
    return selectors.devices_of(actor=a, organization=organization, state=state)


@router.get("/organizations/{slug}/iot/devices/{device_id}/latest", response=list[LatestValueOut])
def devices_latest(request: HttpRequest, slug: str, device_id: int):
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_VIEW)
    device = selectors.get_device_for(actor=a, organization=organization, device_id=device_id)
    return selectors.latest_values(actor=a, device=device)


@router.get("/organizations/{slug}/iot/devices/{device_id}/telemetry", response=list[BucketOut])
def devices_telemetry(
    request: HttpRequest,
    slug: str,
    device_id: int,
    start: dt.datetime,
    end: dt.datetime,
    key: str = Query(..., max_length=64),
    bucket: str = Query("1h", pattern="^(1m|5m|15m|1h|6h|1d)$"),
):
    """A chart of one key: avg / min / max / count per `date_bin` bucket between start and end."""
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_VIEW)
    device = selectors.get_device_for(actor=a, organization=organization, device_id=device_id)
    return selectors.telemetry_history(actor=a, device=device, key=key, start=start, end=end, bucket=bucket)


@router.post("/organizations/{slug}/iot/profiles", response={201: ProfileOut})
def profiles_create(request: HttpRequest, slug: str, payload: ProfileIn):
    """A device profile: telemetry keys `[{key, unit, type, min, max}]` and a decoder (`{"kind": "json", "keys":
    {payload key: telemetry key}}` or `{"kind": "bytes", "fields": [{key, offset, type, endianness, scale}]}`)."""
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_MANAGE)
    return Status(201, device_profile_create(actor=a, organization=organization, **payload.dict()))


@router.post("/organizations/{slug}/iot/devices", response={201: DeviceCreatedOut})
def devices_create(request: HttpRequest, slug: str, payload: DeviceIn):
    """A device and its credential, shown once (give it to the installer). It posts to
    /api/v1/iot/devices/{serial}/telemetry, or publishes on MQTT: the broker re-reads its files right after the
    commit."""
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_MANAGE)
    data = payload.dict()
    profile = (
        selectors.profiles_of(actor=a, organization=organization).filter(pk=data.pop("profile_id")).first()
    )
    if profile is None:
        raise InvalidInput.for_field("profile_id", _("No such profile in this organisation."))
    device, credential = device_create(actor=a, organization=organization, profile=profile, **data)
    device.credential = credential
    device.mqtt_username = device.credential_id
    return Status(201, device)


@router.get("/organizations/{slug}/iot/settings", response=IotSettingsIO)
def settings_get(request: HttpRequest, slug: str):
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_VIEW)
    return selectors.iot_settings_of(actor=a, organization=organization)


@router.put("/organizations/{slug}/iot/settings", response=IotSettingsIO)
def settings_put(request: HttpRequest, slug: str, payload: IotSettingsIO):
    """The telemetry retention (the system administrator's): readings older than it are refused, hidden from
    history, and deleted with their month once every organisation's retention allows."""
    a = actor(request)
    organization = get_organization_for(a, slug, IotPerm.IOT_CONFIGURE)
    return iot_settings_update(actor=a, organization=organization, retention_days=payload.retention_days)
