"""One ingest path for every channel (HTTP, MQTT, later LoRaWAN): decode by the device's profile, validate each
key, refuse what is late, early or repeated, then write the batch with COPY and move the latest values.

    ingest(...)        one message (HTTP): raises the refusal (401 / 422 naming the key)
    ingest_batch(...)  many messages of one organisation (MQTT): one transaction, one outcome per message

A refused message writes no reading and counts on its device (`Device.error_count`). A repeated delivery is
stored once: a message stamped by its device (`ts`) is known by its telemetry key (device, key, time), which the
COPY meets, so it needs no row of its own; a message without `ts` (its time is when it arrived, different on each
delivery) and a LoRaWAN frame (its frame counter, as the network servers name repeats) claim their message id in
`iot_seenmessage` first.

Per batch, PostgreSQL gets: the id claims (only for unstamped or LoRaWAN messages), one binary COPY of the
telemetry rows, one upsert of one latest-values row per device (`latest_values_merge`), one update of the
devices' last seen and error counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

import orjson
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from muang.core import registry
from muang.core.bulk import array_literal, copy_insert_reporting_duplicates
from muang.core.errors import AccessDenied, InvalidInput, MuangError, NotAuthenticated
from muang.core.models import Organization
from muang.iot.models import Device, DeviceAttribute, IotSettings
from muang.iot.services.devices import credential_matches, device_count_error, split_credential
from muang.iot.services.partitions import ensure_partitions
from muang.iot.services.rollup import floor_hour, mark_late_hours

logger = logging.getLogger("muang.iot.ingest")

CHANNELS = ("http", "mqtt", "lorawan")
ENVELOPE_KEYS = {"ts", "id", "values", "data", "attributes"}
TELEMETRY_COLUMNS = ("organization_id", "device_id", "key", "time", "value")
TELEMETRY_TYPES = ("int8", "int8", "text", "timestamptz", "float8")  # binary COPY: values validated as floats


class PayloadTooLarge(MuangError):
    status = 413
    code = "payload_too_large"
    title = _("The payload is too large")


@dataclass
class Message:
    """One delivery of one device. `payload`: raw bytes (JSON text, or a frame for a byte-layout profile) or the
    parsed JSON envelope {"ts", "id", "values" | "data", "attributes"}."""

    device: Device
    payload: bytes | dict
    received_at: dt.datetime
    message_id: str | None = None  # from the channel (MQTT user property, LoRaWAN frame counter)
    channel: str = "http"


@dataclass
class Outcome:
    status: str  # "stored", "duplicate", "refused"
    rows: int = 0
    error: MuangError | None = None


@dataclass(frozen=True)
class Reading:
    """What one stored message said: the device, the reading's time and its values (what the alarm rules and
    the apps' telemetry listeners are given)."""

    device: Device
    time: dt.datetime
    values: dict[str, float]


@dataclass
class _Reading:
    index: int
    device: Device
    time: dt.datetime
    values: dict[str, float]
    message_id: str | None
    received_at: dt.datetime
    attributes: dict = field(default_factory=dict)
    claims_id: bool = False  # dedup by its message id (iot_seenmessage), not by its telemetry key


def retention_days(organization: Organization) -> int:
    row = (
        IotSettings.objects.filter(organization=organization).values_list("retention_days", flat=True).first()
    )
    return row or settings.MUANG_IOT_RETENTION_DAYS


def authenticate_device(*, serial: str, credential: str) -> Device:
    """The live device this credential belongs to, or NotAuthenticated (counted on the device when the id is
    one of ours but the secret or serial is wrong). A retired device is refused (403)."""
    parts = split_credential(credential or "")
    device = None
    if parts is not None:
        device = (
            Device.objects.select_related("organization", "profile")
            .filter(credential_id=parts[0], organization__is_active=True)
            .first()
        )
    if device is None:
        logger.warning("iot: unknown device credential for serial %r", serial[:64])
        raise NotAuthenticated(_("Unknown device or wrong credential."))
    if device.serial != serial or not credential_matches(device, credential):
        device_count_error(device=device)
        logger.warning("iot: wrong credential for device %s", device.pk)
        raise NotAuthenticated(_("Unknown device or wrong credential."))
    if device.state == Device.State.RETIRED:
        raise AccessDenied(_("This device is retired."))
    return device


def _parse_time(raw, field_name: str = "ts") -> dt.datetime:
    if isinstance(raw, bool):
        raise InvalidInput.for_field(field_name, _("ts is an ISO 8601 time with its zone or Unix seconds."))
    if isinstance(raw, int | float):
        try:
            return dt.datetime.fromtimestamp(raw, tz=dt.UTC)
        except (OverflowError, OSError, ValueError) as e:
            raise InvalidInput.for_field(field_name, _("ts is out of range.")) from e
    if isinstance(raw, str):
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError as e:
            raise InvalidInput.for_field(field_name, _("ts is not an ISO 8601 time.")) from e
        if timezone.is_naive(moment):
            raise InvalidInput.for_field(field_name, _("ts must carry its time zone, e.g. +07:00 or Z."))
        return moment.astimezone(dt.UTC)
    raise InvalidInput.for_field(field_name, _("ts is an ISO 8601 time with its zone or Unix seconds."))


def _envelope(decoder, payload: bytes | dict, max_payload: int) -> tuple[dict, dict]:
    """(values decoded by the profile's decoder, the rest of the envelope)."""
    if isinstance(payload, bytes | bytearray | memoryview):
        payload = bytes(payload)
        if len(payload) > max_payload:
            raise PayloadTooLarge(_("The payload is larger than %(n)s bytes.") % {"n": max_payload})
        if decoder.spec["kind"] == "bytes":
            return decoder.decode_frame(payload), {}
        try:
            payload = orjson.loads(payload)
        except orjson.JSONDecodeError as e:
            raise InvalidInput.for_field("payload", _("The payload is not valid JSON.")) from e
    if not isinstance(payload, dict):
        raise InvalidInput.for_field("payload", _("The payload is a JSON object."))
    unknown = payload.keys() - ENVELOPE_KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput.for_field(
            name, _("Unknown field %(name)s (use ts, id, values or data).") % {"name": name}
        )
    if "values" in payload and "data" in payload:
        raise InvalidInput.for_field("data", _("Send values or data, not both."))
    if "data" in payload:
        values = decoder.decode_b64(payload["data"])
    else:
        raw = payload.get("values")
        if not isinstance(raw, dict):
            raise InvalidInput.for_field("values", _("values is an object of telemetry keys."))
        values = decoder.decode_values(raw)
    attributes = payload.get("attributes", {})
    if not isinstance(attributes, dict) or len(attributes) > 50 or any(len(str(k)) > 64 for k in attributes):
        raise InvalidInput.for_field("attributes", _("attributes is an object of at most 50 short keys."))
    return values, payload


def _message_id(payload: dict, channel_id: str | None) -> str | None:
    raw = payload.get("id", channel_id)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int) or not 0 < len(str(raw)) <= 100:
        raise InvalidInput.for_field("id", _("id is a string or number of at most 100 characters."))
    return str(raw)


def _read(
    index: int, message: Message, *, latest: dt.datetime, oldest: dt.datetime, max_payload: int
) -> _Reading:
    device = message.device
    decoder = device.profile.parsed
    values, envelope = _envelope(decoder, message.payload, max_payload)
    values = decoder.validate(values)
    time = _parse_time(envelope["ts"]) if "ts" in envelope else message.received_at
    if time > latest:
        raise InvalidInput.for_field("ts", _("ts is in the future; check the device's clock."))
    if time < oldest:
        raise InvalidInput.for_field("ts", _("ts is older than the organisation keeps telemetry."))
    message_id = _message_id(envelope, message.message_id)
    return _Reading(
        index=index,
        device=device,
        time=time,
        values=values,
        message_id=message_id,
        received_at=message.received_at,
        attributes=envelope.get("attributes", {}),
        claims_id=message_id is not None and ("ts" not in envelope or message.channel == "lorawan"),
    )


def ingest_batch(
    *, organization: Organization, messages: list[Message], now: dt.datetime | None = None
) -> list[Outcome]:
    """Decode, validate and store a batch of one organisation's messages in one transaction."""
    now = now or timezone.now()
    oldest = now - dt.timedelta(days=retention_days(organization))
    outcomes: list[Outcome | None] = [None] * len(messages)
    readings: list[_Reading] = []
    errors: dict[int, int] = defaultdict(int)  # device id -> refused messages
    latest = now + dt.timedelta(seconds=settings.MUANG_IOT_MAX_FUTURE_SECONDS)
    max_payload = settings.MUANG_IOT_MAX_PAYLOAD
    for i, message in enumerate(messages):
        if message.device.organization_id != organization.pk:
            raise ValueError("a batch holds one organisation's devices")  # a programming error, not input
        try:
            readings.append(_read(i, message, latest=latest, oldest=oldest, max_payload=max_payload))
        except MuangError as e:
            outcomes[i] = Outcome("refused", error=e)
            errors[message.device.id] += 1
    with transaction.atomic():
        fresh = _claim_message_ids(organization, [r for r in readings if r.claims_id])
        candidates = [r for r in readings if not r.claims_id or r.index in fresh]
        stored = _write_telemetry(organization, candidates, now)
        for reading in readings:
            if outcomes[reading.index] is None:
                outcomes[reading.index] = Outcome("duplicate")  # replaced by "stored" below
        if stored:
            _upsert_latest(organization, stored)
            _save_attributes(organization, stored)
        _touch_devices(organization, stored, errors)
    for r in stored:
        outcomes[r.index] = Outcome("stored", rows=len(r.values))
    if stored:
        _after_stored(organization, [Reading(r.device, r.time, r.values) for r in stored], now)
    return outcomes  # type: ignore[return-value]


def _after_stored(organization: Organization, readings: list[Reading], now: dt.datetime) -> None:
    """The alarm rules, then the apps' telemetry listeners (`AppContract.telemetry_listeners`), right after the
    readings committed and each in its own transactions: the readings are kept whatever a listener meets (a
    case category made inactive, a lock wait), and the batch's transaction does not hold its latest-value locks
    while cases are opened. A failure is logged, not raised (the device must not resend what is stored); the
    rules and listeners are state-based, so the next reading evaluates again."""
    from muang.iot.alarms.services import alarms_evaluate

    listeners = [("alarms", alarms_evaluate)]
    listeners += [(path, import_string(path)) for path in registry.collected("telemetry_listeners")]
    for name, listener in listeners:
        try:
            listener(organization=organization, readings=readings, now=now)
        except Exception:
            logger.exception("iot: telemetry listener %s failed for organisation %s", name, organization.pk)


def _write_telemetry(
    organization: Organization, candidates: list[_Reading], now: dt.datetime
) -> list[_Reading]:
    """COPY the candidates' rows into the telemetry partitions; returns the readings stored.

    The telemetry key (organisation, device, key, time) is the dedup of a device-stamped message: a repeated
    delivery carries the same `ts`, so its rows are already there. The common batch repeats nothing and goes in by
    one straight COPY; only when a key collides do the rows go through `INSERT … ON CONFLICT DO NOTHING RETURNING`,
    and a reading none of whose rows went in is a duplicate. A reading whose id was claimed (it has no `ts` of its
    own, or a LoRaWAN frame counter) is stored whatever its rows met; so is one with attributes only.

    Rows of an hour that had ended when they came are marked for the hourly roll-up to compute again
    (`rollup.mark_late_hours`): one comparison a reading, and a statement only when a batch has late rows."""
    if not candidates:
        return []
    ensure_partitions({r.time for r in candidates})
    org = organization.pk
    rows = [(org, r.device.id, k, r.time, v) for r in candidates for k, v in r.values.items()]
    if not rows:
        return candidates
    inserted = copy_insert_reporting_duplicates(
        "iot_telemetry", TELEMETRY_COLUMNS, rows, TELEMETRY_TYPES, returning=("device_id", "key", "time")
    )
    hour = floor_hour(now)
    if inserted is None:
        late = [(r.device.id, floor_hour(r.time), r.values) for r in candidates if r.time < hour]
        mark_late_hours({(org, d, k, h) for d, h, values in late for k in values})
        return candidates
    mark_late_hours({(org, d, k, floor_hour(t)) for d, k, t in inserted if t < hour})
    stored = []
    for r in candidates:  # a row inserted once counts for the first reading that holds it
        mine = {(r.device.id, k, r.time) for k in r.values} & inserted
        inserted -= mine
        if mine or r.claims_id or not r.values:
            stored.append(r)
    return stored


_CLAIM_VALUES = (
    "SELECT %s, v.device_id, v.message_id, v.received_at "
    "FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS v(device_id, message_id, received_at)"
)
_CLAIM = "INSERT INTO iot_seenmessage (organization_id, device_id, message_id, received_at) " + _CLAIM_VALUES


def _claim_message_ids(organization: Organization, readings: list[_Reading]) -> set[int]:
    """Indexes of the readings to store: those without a message id, and the first delivery of each id (a
    concurrent ingest of the same id waits on the unique index, then finds it taken).

    The common batch repeats no id: a plain INSERT (in a savepoint) claims them all; only when one collides
    does the batch go through `ON CONFLICT DO NOTHING RETURNING`, whose speculative insertion per row cost
    about half of the plain insert again."""
    fresh = {r.index for r in readings if r.message_id is None}
    first: dict[tuple[int, str], _Reading] = {}
    for r in readings:
        if r.message_id is not None:
            first.setdefault((r.device.id, r.message_id), r)
    if not first:
        return fresh
    keys = sorted(first)  # a fixed order: concurrent batches wait on the same ids in the same order
    params = [
        organization.pk,
        array_literal(d for d, _m in keys),
        array_literal(m for _d, m in keys),
        array_literal(first[k].received_at for k in keys),
    ]
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute(_CLAIM, params)
            return fresh | {first[k].index for k in keys}
        except IntegrityError:
            pass  # a repeated delivery among them: claim one by one below
        cursor.execute(
            _CLAIM
            + " ON CONFLICT (organization_id, device_id, message_id) DO NOTHING RETURNING device_id, message_id",
            params,
        )
        claimed = {(d, m) for d, m in cursor.fetchall()}
    return fresh | {first[k].index for k in claimed}


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_MERGE_LATEST = (
    'INSERT INTO iot_devicelatest AS l (organization_id, device_id, time, "values") '
    "SELECT %s, v.device_id, v.time, v.vals "
    "FROM ROWS FROM (unnest(%s::bigint[]), unnest(%s::timestamptz[]), jsonb_array_elements(%s::jsonb)) "
    "AS v(device_id, time, vals) ORDER BY v.device_id "
    "ON CONFLICT (organization_id, device_id) DO UPDATE "
    'SET "values" = {merge}, time = GREATEST(l.time, EXCLUDED.time)'
)
# A batch whose devices each carry one time T for all their keys (the common case: one message a device, or the
# newest message holds every key): a device whose T is not older than its row's newest time moves every key, a
# plain `||`. A batch with a device whose keys carry different times compares every key with its own stored time
# (`iot_latest_merge`, a third dearer), for all its devices: one statement a batch either way.
_MERGE_ONE_TIME = _MERGE_LATEST.format(
    merge='CASE WHEN EXCLUDED.time >= l.time THEN l."values" || EXCLUDED."values" '
    'ELSE iot_latest_merge(l."values", EXCLUDED."values") END'
)
_MERGE_KEY_BY_KEY = _MERGE_LATEST.format(merge='iot_latest_merge(l."values", EXCLUDED."values")')


def latest_values_merge(
    organization_id: int, newest: dict[int, dict[str, tuple[dt.datetime, float]]]
) -> None:
    """Move the latest values of these devices ({device id: {key: (time, value)}}) forward: one row a device in
    `iot_devicelatest`, each key kept at its newest reading (an older one arriving late changes nothing).
    Ingest calls it once a batch; fixtures and benches that need latest values without telemetry call it too.
    The devices' values travel as one JSON array (one `orjson.dumps`), beside their ids and newest times.

    Deadlock-free between ingest processes (a shared subscription hands overlapping devices to several): one
    statement a batch, which inserts or locks its devices' rows in device-id order (the `ORDER BY` inside the
    `INSERT … SELECT`), so two batches meet on their first common device and the second waits there holding
    none of the rows the first still needs. (Two statements, one for the devices of one time and one for the
    others, each in order, locked crosswise: `tests/test_latest_merge_concurrency.py`.)"""
    if not newest:
        return
    micros: dict[dt.datetime, int] = {}
    ids, times, documents = [], [], []
    one_time = True
    for device_id in sorted(newest):
        keys = newest[device_id]
        values = {}
        first = last = None
        for key, (time, value) in keys.items():
            us = micros.get(time)
            if us is None:
                us = micros[time] = (time - _EPOCH) // _MICROSECOND
            values[key] = (value, us)
            if last is None or time > last:
                last = time
            if first is None or time < first:
                first = time
        one_time = one_time and first == last
        ids.append(device_id)
        times.append(last)
        documents.append(values)
    with connection.cursor() as cursor:
        cursor.execute(
            _MERGE_ONE_TIME if one_time else _MERGE_KEY_BY_KEY,
            [organization_id, array_literal(ids), array_literal(times), orjson.dumps(documents).decode()],
        )


def _upsert_latest(organization: Organization, stored: list[_Reading]) -> None:
    newest: dict[int, dict[str, tuple[dt.datetime, float]]] = {}
    for r in stored:
        keys = newest.setdefault(r.device.id, {})
        for key, value in r.values.items():
            current = keys.get(key)
            if current is None or r.time > current[0]:
                keys[key] = (r.time, value)
    latest_values_merge(organization.pk, newest)


def _save_attributes(organization: Organization, stored: list[_Reading]) -> None:
    for r in stored:  # rare (a device reports its firmware at boot): row by row is fine
        for key, value in r.attributes.items():
            DeviceAttribute.objects.update_or_create(
                organization=organization, device=r.device, key=str(key), defaults={"value": value}
            )


def _touch_devices(organization: Organization, stored: list[_Reading], errors: dict[int, int]) -> None:
    seen: dict[int, dt.datetime] = {}
    for r in stored:
        if r.device.id not in seen or r.received_at > seen[r.device.id]:
            seen[r.device.id] = r.received_at
    ids = sorted(set(seen) | set(errors))
    if not ids:
        return
    with connection.cursor() as cursor:
        # The rows are locked in id order first (LockRows above the sort), whatever plan the UPDATE takes: an
        # UPDATE … FROM locks in the order of its scan, and two ingest processes with overlapping devices
        # (a shared subscription) could take them crosswise and deadlock.
        cursor.execute(
            "WITH locked AS (SELECT id FROM iot_device WHERE id = ANY(%s::bigint[]) AND organization_id = %s "
            "ORDER BY id FOR UPDATE) "
            "UPDATE iot_device d SET last_seen = GREATEST(d.last_seen, v.seen), "
            "state = CASE WHEN v.seen IS NOT NULL AND d.state = 'silent' THEN 'active' ELSE d.state END, "
            "error_count = d.error_count + v.errors "
            "FROM unnest(%s::bigint[], %s::timestamptz[], %s::int[]) AS v(id, seen, errors) "
            "WHERE d.id = v.id AND d.id IN (SELECT id FROM locked)",
            [
                array_literal(ids),
                organization.pk,
                array_literal(ids),
                array_literal(seen.get(i) for i in ids),
                array_literal(errors.get(i, 0) for i in ids),
            ],
        )


def ingest(
    *,
    organization: Organization | None = None,
    payload: bytes | dict,
    channel: str,
    received_at: dt.datetime | None = None,
    device: Device | None = None,
    serial: str = "",
    credential: str = "",
    message_id: str | None = None,
    now: dt.datetime | None = None,
) -> Outcome:
    """One message: from a device already identified (a broker that authenticated it) or from its serial and
    credential (HTTP). Raises the refusal: NotAuthenticated (401), AccessDenied (403), PayloadTooLarge (413),
    InvalidInput naming the key (422)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel}")
    now = now or timezone.now()
    if isinstance(payload, bytes | bytearray) and len(payload) > settings.MUANG_IOT_MAX_PAYLOAD:
        raise PayloadTooLarge(
            _("The payload is larger than %(n)s bytes.") % {"n": settings.MUANG_IOT_MAX_PAYLOAD}
        )
    if device is None:
        device = authenticate_device(serial=serial, credential=credential)
    if organization is not None and device.organization_id != organization.pk:
        raise NotAuthenticated(_("Unknown device or wrong credential."))
    if device.state == Device.State.RETIRED:
        raise AccessDenied(_("This device is retired."))
    message = Message(device, payload, received_at or now, message_id, channel)
    (outcome,) = ingest_batch(organization=device.organization, messages=[message], now=now)
    if outcome.error is not None:
        raise outcome.error
    return outcome
