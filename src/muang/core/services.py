"""Writes of the core domain: organisations, departments, API tokens. Keyword-only, atomic, audited."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import ApiToken, AuditEntry, DailyRun, Department, Organization
from muang.core.permissions import CorePerm
from muang.core.registry import permission_table
from muang.core.validation import clean_boundary

ORGANIZATION_EDITABLE_FIELDS = frozenset(
    {"name_th", "name_en", "address", "phone", "email", "website", "boundary", "settings"}
)
TOKEN_PREFIX = "muang"  # noqa: S105 (a public marker, not a secret)


def _full_clean(instance, *, validate_constraints: bool = True) -> None:
    try:
        instance.full_clean(validate_constraints=validate_constraints)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e


def update_audited(
    *,
    actor: Actor,
    organization: Organization,
    instance: models.Model,
    data: dict[str, Any],
    allowed: Iterable[str],
) -> models.Model:
    """Change some fields of a row: locked, validated, saved only if something changed, and audited.

    The caller has checked permissions. Shared by every app's `<entity>_update` service.
    """
    if unknown := set(data) - set(allowed):
        raise InvalidInput.for_field(sorted(unknown)[0], _("This field cannot be changed here."))
    row = type(instance).objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(row)
    for key, value in data.items():
        setattr(row, key, value)
    _full_clean(row)
    changes = audit.diff(before, audit.snapshot(row))
    if changes:
        row.save(update_fields=list(data))
        audit.record(
            actor=actor,
            organization=organization,
            instance=row,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
        )
    return row


@transaction.atomic
def organization_update(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> Organization:
    require(actor, organization, CorePerm.ORG_EDIT)
    if "boundary" in data:
        try:
            data = {**data, "boundary": clean_boundary(data["boundary"])}
        except ValidationError as e:
            raise InvalidInput.from_validation_error(e) from e
    return update_audited(
        actor=actor,
        organization=organization,
        instance=organization,
        data=data,
        allowed=ORGANIZATION_EDITABLE_FIELDS,
    )


@transaction.atomic
def department_create(
    *, actor: Actor, organization: Organization, code: str, name_th: str, name_en: str, phone: str = ""
) -> Department:
    require(actor, organization, CorePerm.DEPARTMENT_EDIT)
    department = Department(
        organization=organization, code=code, name_th=name_th, name_en=name_en, phone=phone
    )
    # The unique (organization, code) constraint is checked by the database below, race-free, with a field message.
    _full_clean(department, validate_constraints=False)
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError as e:
        raise InvalidInput.for_field(
            "code", _("Department code “%(code)s” is already used.") % {"code": code}
        ) from e
    audit.record_create(actor=actor, organization=organization, instance=department)
    return department


@transaction.atomic
def department_update(*, actor: Actor, department: Department, data: dict[str, Any]) -> Department:
    require(actor, department.organization, CorePerm.DEPARTMENT_EDIT)
    return update_audited(
        actor=actor,
        organization=department.organization,
        instance=department,
        data=data,
        allowed={"name_th", "name_en", "phone", "is_active"},
    )


def hash_token_secret(secret: str) -> str:
    # Tokens are 256-bit random strings: a fast hash is enough (no dictionary to attack), unlike passwords.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    actor: Actor,
    organization: Organization,
    name: str,
    scopes: list[str],
    expires_at=None,
) -> tuple[ApiToken, str]:
    """Create a token; the returned secret is shown once and never stored."""
    require(actor, organization, CorePerm.TOKEN_MANAGE)
    if actor.token is not None:
        raise InvalidInput(_("A token cannot create tokens; sign in as a system administrator."))
    if not name.strip():
        raise InvalidInput.for_field("name", _("Give the token a name."))
    valid_scopes = set(permission_table().scopes)
    if not scopes or not set(scopes) <= valid_scopes:
        raise InvalidInput.for_field(
            "scopes", _("Choose one or more of: %(scopes)s.") % {"scopes": ", ".join(sorted(valid_scopes))}
        )
    if expires_at is not None and timezone.is_naive(expires_at):
        raise InvalidInput.for_field("expires_at", _("Give the expiry with its time zone, e.g. +07:00."))
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput.for_field("expires_at", _("The expiry must be in the future."))
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        organization=organization,
        name=name.strip(),
        prefix=prefix,
        key_hash=hash_token_secret(secret),
        scopes=sorted(set(scopes)),
        created_by=actor.user,
        expires_at=expires_at,
    )
    audit.record_create(actor=actor, organization=organization, instance=token)
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    require(actor, token.organization, CorePerm.TOKEN_MANAGE)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise Conflict(_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        organization=token.organization,
        instance=token,
        action=AuditEntry.Action.REVOKE,
        changes={"revoked_at": [None, token.revoked_at.isoformat()]},
    )
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The live token for a presented secret, or None (unknown, malformed, revoked or expired)."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or "\x00" in parts[1]:
        return None
    token = ApiToken.objects.select_related("organization").filter(prefix=parts[1]).first()
    if token is None or not secrets.compare_digest(token.key_hash, hash_token_secret(secret)):
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.organization.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # Throttled so that a busy integration does not turn every read into a write.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def run_once_a_day(job: str, day: dt.date, work: Callable[[], dict]) -> dict | None:
    """Run `work` once for `day`, however many workers call this: its result, or None when it already ran.

    The day is claimed by inserting a DailyRun row in the same transaction as the work: a second caller waits on
    the unique index and then finds the day taken, and if the work fails, the claim rolls back with it so the
    next call tries again.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = DailyRun.objects.create(job=job, day=day)
        except IntegrityError:
            return None
        result = work()
        run.result = result
        run.save(update_fields=["result"])
    return result
