"""Writes of the core domain: organisations, departments, API tokens. Keyword-only, atomic, audited."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from muang.core.models import (
    ApiToken,
    AuditEntry,
    DailyRun,
    Department,
    Invitation,
    Membership,
    Organization,
    Role,
    User,
)
from muang.core.permissions import CorePerm
from muang.core.registry import permission_table
from muang.core.validation import clean_boundary, validate_membership

ORGANIZATION_EDITABLE_FIELDS = frozenset(
    {"name_th", "name_en", "address", "phone", "email", "website", "boundary", "settings"}
)
TOKEN_PREFIX = "muang"  # noqa: S105 (a public marker, not a secret)


def _full_clean(instance, *, validate_constraints: bool = True) -> None:
    try:
        instance.full_clean(validate_constraints=validate_constraints)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e


def _of_tenant(model: type[models.Model], organization: Organization) -> dict[str, Any]:
    """The filter that keeps a lock or an update inside `organization`: its own row, or a row it owns."""
    if issubclass(model, Organization):
        return {"pk__exact": organization.pk}
    if any(f.name == "organization" for f in model._meta.concrete_fields):
        return {"organization": organization}
    return {}


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
    rows = type(instance).objects.filter(pk=instance.pk, **_of_tenant(type(instance), organization))
    try:
        row = rows.select_for_update().get()
    except type(instance).DoesNotExist:
        raise NotFound(_("Not found.")) from None
    before = audit.snapshot(row)
    for key, value in data.items():
        setattr(row, key, value)
    _full_clean(row)
    changes = audit.diff(before, audit.snapshot(row))
    if changes:
        fields = {f.name: f for f in row._meta.concrete_fields}
        rows.update(
            **{key: fields[key].pre_save(row, add=False) for key in data}
        )  # pre_save: as save() would
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


# --- invitations: an existing account joins an organisation only by accepting ----------------------------------

INVITATION_DAYS = 14


@dataclass(frozen=True)
class InvitationDraft:
    """A checked invitation, not yet written: who is invited, into what."""

    organization: Organization
    user: User
    role: str
    department: Department | None
    title: str


def invitation_check(
    *,
    actor: Actor,
    organization: Organization,
    invitee: str,
    role: str,
    department: Department | None = None,
    title: str = "",
) -> InvitationDraft:
    """Validate an invitation without writing it (the admin form shows these errors on its fields).

    `invitee` is the account's username, or its e-mail address when exactly one account has it. Accounts that
    cannot be invited: superusers, inactive accounts, members of the organisation already, and accounts with an
    invitation of the organisation still waiting."""
    require(actor, organization, CorePerm.STAFF_MANAGE)
    if actor.token is not None:
        raise InvalidInput(_("Invitations are sent by a signed-in system administrator, not by a token."))
    wanted = (invitee or "").strip()
    if not wanted:
        raise InvalidInput.for_field("invitee", _("Give the username or the e-mail address of the account."))
    # The username as typed first (usernames are case-sensitive), then regardless of case if that is unique.
    user = User.objects.filter(username=wanted).first()
    if user is None:
        by_name = list(User.objects.filter(username__iexact=wanted)[:2])
        user = by_name[0] if len(by_name) == 1 else None
    if user is None and "@" in wanted:
        by_email = list(User.objects.filter(email__iexact=wanted)[:2])
        user = by_email[0] if len(by_email) == 1 else None
    if user is None or not user.is_active:
        raise InvalidInput.for_field(
            "invitee",
            _(
                "No active staff account has this username or e-mail address. For a new person, add a staff user."
            ),
        )
    if user.is_superuser:
        raise InvalidInput.for_field(
            "invitee", _("Platform administrators are not invited into organisations.")
        )
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise InvalidInput.for_field("invitee", _("%(user)s is already a member.") % {"user": user.username})
    if Invitation.objects.filter(
        organization=organization, user=user, status=Invitation.Status.PENDING
    ).exists():
        raise InvalidInput.for_field(
            "invitee", _("%(user)s has an invitation waiting already.") % {"user": user.username}
        )
    if role not in Role.values:
        raise InvalidInput.for_field("role", _("Choose a role."))
    membership = Membership(
        organization=organization, user=user, role=role, department=department, title=title
    )
    try:
        validate_membership(membership)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e
    return InvitationDraft(organization, user, role, department, title.strip())


@transaction.atomic
def invitation_create(
    *,
    actor: Actor,
    organization: Organization,
    invitee: str,
    role: str,
    department: Department | None = None,
    title: str = "",
    now: dt.datetime | None = None,
) -> Invitation:
    draft = invitation_check(
        actor=actor, organization=organization, invitee=invitee, role=role, department=department, title=title
    )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organization=organization,
                user=draft.user,
                role=draft.role,
                department=draft.department,
                title=draft.title,
                invited_by=actor.user,
                expires_at=now + dt.timedelta(days=INVITATION_DAYS),
            )
    except IntegrityError as e:  # the same invitation, sent at the same moment by another administrator
        raise Conflict(
            _("%(user)s has an invitation waiting already.") % {"user": draft.user.username}
        ) from e
    audit.record_create(actor=actor, organization=organization, instance=invitation)
    return invitation


def _decide(invitation: Invitation, status: str, now: dt.datetime) -> dict[str, list[Any]]:
    before = audit.snapshot(invitation)
    invitation.status = status
    invitation.decided_at = now
    invitation.save(update_fields=["status", "decided_at"])
    return audit.diff(before, audit.snapshot(invitation))


def _pending_invitation_of(actor: Actor, invitation_id: int, now: dt.datetime) -> Invitation:
    if actor.user is None:
        raise AccessDenied(_("Sign in to answer an invitation."))
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization", "department")
        .filter(pk=invitation_id, user=actor.user)
        .first()
    )
    if invitation is None:
        raise NotFound(_("No such invitation."))
    if invitation.status != Invitation.Status.PENDING:
        raise Conflict(_("This invitation was already answered or withdrawn."))
    if invitation.expires_at <= now or not invitation.organization.is_active:
        raise Conflict(_("This invitation has expired: ask the organisation for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(*, actor: Actor, invitation_id: int, now: dt.datetime | None = None) -> Membership:
    """The invited person joins: the membership is created as the invitation says, both audited."""
    now = now or timezone.now()
    invitation = _pending_invitation_of(actor, invitation_id, now)
    organization = invitation.organization
    membership = Membership(
        organization=organization,
        user=actor.user,
        role=invitation.role,
        department=invitation.department,
        title=invitation.title,
    )
    _full_clean(membership, validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as e:
        raise Conflict(_("You are already a member of %(org)s.") % {"org": organization}) from e
    changes = _decide(invitation, Invitation.Status.ACCEPTED, now)
    audit.record(
        actor=actor,
        organization=organization,
        instance=invitation,
        action=AuditEntry.Action.UPDATE,
        changes=changes,
    )
    audit.record_create(
        actor=actor, organization=organization, instance=membership, reason="invitation accepted"
    )
    return membership


@transaction.atomic
def invitation_decline(*, actor: Actor, invitation_id: int, now: dt.datetime | None = None) -> Invitation:
    now = now or timezone.now()
    invitation = _pending_invitation_of(actor, invitation_id, now)
    changes = _decide(invitation, Invitation.Status.DECLINED, now)
    audit.record(
        actor=actor,
        organization=invitation.organization,
        instance=invitation,
        action=AuditEntry.Action.UPDATE,
        changes=changes,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation, now: dt.datetime | None = None) -> Invitation:
    """The organisation withdraws an invitation that is still waiting."""
    require(actor, invitation.organization, CorePerm.STAFF_MANAGE)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise Conflict(_("This invitation was already answered or withdrawn."))
    changes = _decide(invitation, Invitation.Status.REVOKED, now or timezone.now())
    audit.record(
        actor=actor,
        organization=invitation.organization,
        instance=invitation,
        action=AuditEntry.Action.REVOKE,
        changes=changes,
    )
    return invitation
