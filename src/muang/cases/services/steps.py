"""The steps every case service is built from: lock, look up a status, move status, write an event, attach
photos, audit. Internal to `muang.cases.services`; other apps call the services, never these."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile, File
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor
from muang.core.errors import InvalidInput
from muang.core.models import AuditEntry, Citizen, Organization

from ..models import Attachment, AttachmentKind, Case, CaseEvent, CaseStatus, SystemStatus
from ..photos import MAX_PHOTOS_PER_EVENT, clean_photo
from .setup import seed_statuses

MAX_MESSAGE = 2000
MAX_DESCRIPTION = 5000
MAX_TITLE = 200
MAX_COMMENT = 1000
SYSTEM_STATUS_CODES = frozenset(s.value for s in SystemStatus)


def current_time(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be an aware datetime")
    return now


# Locking and reading are two statements on purpose. PostgreSQL re-checks a row that was waited for against the
# joined rows of the original snapshot: `SELECT ... JOIN status ... FOR UPDATE` would silently drop a case whose
# status another transaction just changed. So: lock the bare rows, then read them with their relations.
_RELATED = ("organization", "status", "category", "department", "assignee")


def lock_case(case: Case) -> Case:
    """The case row, locked until the transaction ends, read afresh with what transitions need."""
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    return Case.objects.select_related(*_RELATED).get(pk=case.pk)


def lock_cases(*cases: Case) -> dict[int, Case]:
    """Several case rows locked in primary-key order, so that two transactions never wait on each other."""
    pks = sorted({c.pk for c in cases})
    list(Case.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk", flat=True))
    return {row.pk: row for row in Case.objects.select_related(*_RELATED).filter(pk__in=pks)}


def status_of(organization: Organization, code: str, *, field: str = "status") -> CaseStatus:
    status = CaseStatus.objects.filter(organization=organization, code=code, is_active=True).first()
    if status is None and code in SYSTEM_STATUS_CODES:
        seed_statuses(organization)  # an organisation that never configured cases gets the defaults
        status = CaseStatus.objects.filter(organization=organization, code=code, is_active=True).first()
    if status is None:
        raise InvalidInput.for_field(
            field, _("%(org)s has no active case status “%(code)s”.") % {"org": organization, "code": code}
        )
    return status


def move_to_status(case: Case, status: CaseStatus, *, now: dt.datetime) -> None:
    """Set the status and what follows from it (open flag, closing and resolution times); the caller saves."""
    was_open = case.is_open
    case.status = status
    case.is_open = status.is_open
    if not status.is_open and was_open:
        case.closed_at = now
    if status.is_resolution and case.resolved_at is None:
        case.resolved_at = now
    case.updated_at = now


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput.for_field(field, _("This field is required."))
    if len(text) > max_length:
        raise InvalidInput.for_field(
            field, _("At most %(max)d characters (this has %(n)d).") % {"max": max_length, "n": len(text)}
        )
    return text


def clean_photos(photos: Sequence[File], *, field: str = "photos") -> list[ContentFile]:
    """Every photo checked and re-encoded before anything is written, so a bad one leaves nothing behind."""
    if len(photos) > MAX_PHOTOS_PER_EVENT:
        raise InvalidInput.for_field(
            field, _("At most %(max)d photos at a time.") % {"max": MAX_PHOTOS_PER_EVENT}
        )
    return [clean_photo(photo, field=field) for photo in photos]


def add_event(
    *,
    case: Case,
    kind: str,
    now: dt.datetime,
    public: bool,
    message: str = "",
    data: dict[str, Any] | None = None,
    actor: Actor | None = None,
    citizen: Citizen | None = None,
    acting_organization: Organization | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        organization_id=case.organization_id,
        case=case,
        kind=kind,
        is_public=public,
        message=message,
        data=data or {},
        actor_user=actor.user if actor is not None else None,
        actor_citizen=citizen,
        actor_organization=acting_organization
        if acting_organization is not None
        else (case.organization if actor is not None else None),
        created_at=now,
    )


def attach_photos(
    *,
    case: Case,
    event: CaseEvent | None,
    photos: Sequence[ContentFile],
    kind: str = AttachmentKind.OTHER,
    public: bool = True,
    actor: Actor | None = None,
    citizen: Citizen | None = None,
    now: dt.datetime,
) -> list[Attachment]:
    if kind not in AttachmentKind.values:
        raise InvalidInput.for_field("kind", _("A photo is “before”, “after” or “other”."))
    attachments = []
    for photo in photos:
        attachment = Attachment(
            organization_id=case.organization_id,
            case=case,
            event=event,
            kind=kind,
            is_public=public,
            size=photo.size,
            uploaded_by=actor.user if actor is not None else None,
            uploaded_by_citizen=citizen,
            created_at=now,
        )
        attachment.file.save(photo.name, photo, save=False)
        attachment.save()
        attachments.append(attachment)
    return attachments


def audit_case_update(*, actor: Actor, case: Case, before: dict[str, Any], reason: str) -> None:
    changes = audit.diff(before, audit.snapshot(case))
    if changes:
        audit.record(
            actor=actor,
            organization=case.organization,
            instance=case,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            reason=reason,
        )
