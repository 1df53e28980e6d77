"""The audit log: every staff write records who, when, which organisation, what object and what changed."""

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import models

from muang.core.access import Actor
from muang.core.models import AuditEntry, Organization

MAX_INLINE_GEOMETRY = 2000
HIDDEN_FIELDS = frozenset({"password", "key_hash", "channel_secret", "access_token"})


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, GEOSGeometry):
        wkt = value.ewkt
        if len(wkt) <= MAX_INLINE_GEOMETRY:
            return wkt
        digest = hashlib.sha256(value.wkb).hexdigest()[:16]
        return f"{value.geom_type} with {value.num_coords} points, sha256 {digest}"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name"):  # files
        return value.name or ""
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a model instance, JSON-ready; secrets are masked. Columns the database
    computes (generated fields) follow from the others and are left out."""
    data = {}
    for f in instance._meta.concrete_fields:
        if f.generated:
            continue
        if f.name in HIDDEN_FIELDS:
            data[f.name] = "***"
            continue
        data[f.name] = _json_value(getattr(instance, f.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


REASON_MAX = 300  # AuditEntry.reason


def _who(actor: Actor) -> dict[str, Any]:
    """Who wrote, as every entry records it: the person or token, a label that outlives them, the request."""
    return {
        "actor_user": actor.user,
        "actor_token": actor.token,
        "actor_label": actor.label,
        "request_id": actor.request_id,
        "ip_address": actor.ip_address,
    }


def entry(
    *,
    actor: Actor,
    organization: Organization | None,
    instance: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    reason: str = "",
) -> AuditEntry:
    """The unsaved audit entry of one write: the one builder every app uses (alone, or many at once through
    `record_many`)."""
    return AuditEntry(
        organization=organization,
        action=action,
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes,
        reason=reason[:REASON_MAX],
        **_who(actor),
    )


def record(
    *,
    actor: Actor,
    organization: Organization | None,
    instance: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    reason: str = "",
) -> AuditEntry:
    row = entry(
        actor=actor,
        organization=organization,
        instance=instance,
        action=action,
        changes=changes,
        reason=reason,
    )
    row.save(force_insert=True)
    return row


def created_entries(
    *, actor: Actor, organization: Organization | None, instances: Sequence[models.Model], reason: str = ""
) -> list[AuditEntry]:
    """The unsaved "created" entries of saved rows (for callers that write them their own way, e.g. COPY)."""
    return [
        entry(
            actor=actor,
            organization=organization,
            instance=instance,
            action=AuditEntry.Action.CREATE,
            changes=diff({}, snapshot(instance)),
            reason=reason,
        )
        for instance in instances
    ]


COPY_FROM = 1000  # entries: from here COPY (core.bulk) beats bulk_create's INSERTs several times over


def record_many(entries: Sequence[AuditEntry]) -> None:
    """Write audit entries in bulk (an import or a billing run of 100,000 rows stays fast)."""
    if len(entries) >= COPY_FROM:
        from muang.core.bulk import copy_create

        copy_create(entries)
    else:
        AuditEntry.objects.bulk_create(entries, batch_size=2000)


def record_created(
    *, actor: Actor, organization: Organization | None, instances: Sequence[models.Model], reason: str = ""
) -> None:
    """One "created" entry per row, written in bulk."""
    record_many(created_entries(actor=actor, organization=organization, instances=instances, reason=reason))


def record_export(
    *,
    actor: Actor,
    organization: Organization,
    what: str,
    filename: str,
    rows: int,
    filters: dict[str, Any] | None = None,
) -> AuditEntry:
    """An export of personal data: who took which file, how many rows, with which filters. `what` names the
    export (`property.registry`, `cases`, `billing.arrears`, …): it is the entry's object type."""
    return AuditEntry.objects.create(
        organization=organization,
        action=AuditEntry.Action.EXPORT,
        object_type=what[:100],
        object_id="",
        object_repr=filename[:300],
        changes={"rows": rows, "filters": _json_value(filters or {})},
        **_who(actor),
    )


def record_read(
    *, actor: Actor, organization: Organization, instance: models.Model, purpose: str, what: str = ""
) -> AuditEntry:
    """A read of a sensitive record (health data, PDPA s.26): who read which record, when, and the purpose
    they chose (the entry's reason); `what` names the part read (`health record`, `export for the person`)."""
    return AuditEntry.objects.create(
        organization=organization,
        action=AuditEntry.Action.VIEW,
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes={"read": what} if what else {},
        reason=purpose[:REASON_MAX],
        **_who(actor),
    )


def record_create(
    *, actor: Actor, organization: Organization | None, instance: models.Model, reason: str = ""
):
    return record(
        actor=actor,
        organization=organization,
        instance=instance,
        action=AuditEntry.Action.CREATE,
        changes=diff({}, snapshot(instance)),
        reason=reason,
    )
