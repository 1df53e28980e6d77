"""Who is acting, and what they may reach. Every fetch by id goes through a `get_*_for(actor, ...)` helper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from muang.core.errors import AccessDenied, NotFound
from muang.core.models import (
    LOCAL_GOVERNMENT_KINDS,
    ApiToken,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    User,
)
from muang.core.permissions import OVERSIGHT_ROLES, CorePerm
from muang.core.registry import permission_table
from muang.core.stamps import StampedCache, fresh_copy

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """A staff user (UI session or API session) or an integration token, plus request facts for the audit log."""

    user: User | None = None
    token: ApiToken | None = None
    system: bool = False  # management commands and background jobs acting for the platform itself
    ip_address: str | None = None
    request_id: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.username
        if self.token is not None:
            return f"token:{self.token.prefix}"
        return "system" if self.system else "anonymous"

    @property
    def is_system(self) -> bool:
        return self.system

    @cached_property
    def memberships(self) -> dict[int, Membership]:
        if self.user is None:
            return {}
        rows = _memberships.get(self.user.pk, lambda: _load_memberships(self.user.pk))
        # Copies: a request may change what it was given (an organisation's settings) without the next one seeing it.
        copies = {}
        for row in rows:
            membership = fresh_copy(row)
            cache = membership._state.fields_cache
            cache["user"] = self.user
            cache["organization"] = fresh_copy(row.organization)
            cache["department"] = fresh_copy(row.department) if row.department_id is not None else None
            copies[membership.organization_id] = membership
        return copies

    def membership_in(self, organization: Organization) -> Membership | None:
        return self.memberships.get(organization.pk)

    def permissions_in(self, organization: Organization) -> frozenset[str]:
        """Every app's permissions this actor holds in `organization` (see `muang.core.registry`). No query
        beyond the actor's memberships, loaded once."""
        table = permission_table()
        if self.is_system:
            return table.all
        if self.token is not None:
            if self.token.organization_id != organization.pk:
                return frozenset()
            return table.for_scopes(self.token.scopes)
        membership = self.membership_in(organization)
        if membership is not None:
            return member_permissions(membership)
        if any(overseer_covers(m.organization, organization) for m in self._oversight_memberships()):
            return table.oversight
        return frozenset()

    def has_perm(self, organization: Organization, perm: str) -> bool:
        return perm in self.permissions_in(organization)

    def _oversight_memberships(self) -> list[Membership]:
        return [
            m for m in self.memberships.values() if m.organization.is_overseer and m.role in OVERSIGHT_ROLES
        ]


SYSTEM = Actor(system=True)

# Each user's active memberships (with their organisation and department), per process: read on every request,
# changed rarely. Triggers on the three tables bump the stamps, so a change made by any process (a membership
# ended, an organisation deactivated, a department's duties changed) is seen by every worker at its next request.
_memberships: StampedCache[tuple[Membership, ...]] = StampedCache(
    "memberships",
    "organizations",
    "departments",
    tables=("core_membership", "core_organization", "core_department"),
    max_entries=20_000,
    in_requests_only=True,
)


def _load_memberships(user_id: int) -> tuple[Membership, ...]:
    rows = Membership.objects.filter(user_id=user_id, is_active=True, organization__is_active=True)
    # The department comes along with its duties: permissions_in then needs no query of its own.
    # The organisation comes along: `get_organization_for` then needs no query for the actor's own.
    rows = rows.select_related("organization", "department")
    # Not its boundary: a multipolygon parsed for nothing (read on first use when needed).
    rows = rows.defer("organization__boundary")
    return tuple(rows.order_by("created_at", "pk"))  # the oldest (home) first


@dataclass(frozen=True)
class CitizenGrant:
    """One narrow right of a citizen principal: `perms` on the objects that `scope` covers.

    The scope is a value defined by the app that owns the objects, and only that app's services interpret it
    (billing's `PayerScope`: the bills of one payer). Core only carries it."""

    perms: frozenset[str]
    scope: object

    def __post_init__(self) -> None:
        object.__setattr__(self, "perms", frozenset(self.perms))


@dataclass(frozen=True)
class CitizenActor(Actor):
    """A person who is not staff (a taxpayer today; a family member or a caregiver tomorrow), bound to ONE
    organisation, with explicit grants such as "the bills of owner 123" (ADR 0010).

    A citizen holds no permission in any organisation (`permissions_in` is empty), so every staff check
    refuses them; the services that serve citizens check their grants themselves (`require_grant`).
    The audit log names `principal`."""

    organization_id: int | None = None
    principal: str = ""  # "taxpayer:owner:12"
    grants: tuple[CitizenGrant, ...] = ()

    def __post_init__(self) -> None:
        if self.system or self.user is not None or self.token is not None:
            raise ValueError("a citizen principal is neither the platform, a staff user nor a token")
        if not self.organization_id or not self.principal:
            raise ValueError("a citizen principal names its organisation and who it is")
        object.__setattr__(self, "grants", tuple(self.grants))

    @property
    def label(self) -> str:
        return self.principal

    def permissions_in(self, organization: Organization) -> frozenset[str]:
        return frozenset()

    def scopes_for(self, organization: Organization, perm: str, kind: type[T]) -> list[T]:
        """The scopes of this citizen's grants of `perm` in `organization` that are `kind`s."""
        if organization.pk != self.organization_id:
            return []
        return [g.scope for g in self.grants if perm in g.perms and isinstance(g.scope, kind)]


def require_grant(
    actor: Actor, organization: Organization, perm: str, kind: type[T], covers: Callable[[T], bool]
) -> None:
    """Refuse unless the actor is a citizen one of whose grants of `perm` in `organization` has a `kind` scope
    that covers the object (`covers(scope)`). The refusal names no object: it reads like "not yours"."""
    scopes = actor.scopes_for(organization, perm, kind) if isinstance(actor, CitizenActor) else []
    if not any(covers(scope) for scope in scopes):
        raise AccessDenied(_("This is not yours to see or change."))


def overseer_covers(overseer: Organization, organization: Organization) -> bool:
    """A district office oversees the local governments of its district; a province office, of its province."""
    if not organization.is_local_government or overseer.pk == organization.pk:
        return False
    if overseer.kind == OrganizationKind.DISTRICT_OFFICE:
        return organization.district_id is not None and organization.district_id == overseer.district_id
    if overseer.kind == OrganizationKind.PROVINCE_OFFICE:
        return organization.province_id == overseer.province_id
    return False


def overseen_organizations(overseer: Organization) -> QuerySet[Organization]:
    qs = Organization.objects.filter(is_active=True, kind__in=LOCAL_GOVERNMENT_KINDS)
    if overseer.kind == OrganizationKind.DISTRICT_OFFICE:
        return qs.filter(district_id=overseer.district_id)
    if overseer.kind == OrganizationKind.PROVINCE_OFFICE:
        return qs.filter(province_id=overseer.province_id)
    return qs.none()


def visible_organizations(actor: Actor) -> QuerySet[Organization]:
    """Organisations the actor may at least see: its own, and those its oversight memberships cover."""
    if actor.is_system:
        return Organization.objects.all()
    if actor.token is not None:
        return Organization.objects.filter(pk=actor.token.organization_id)
    if actor.user is None:
        return Organization.objects.none()
    oversight = Q(pk__in=[])
    for m in actor._oversight_memberships():
        if m.organization.kind == OrganizationKind.DISTRICT_OFFICE:
            oversight |= Q(district_id=m.organization.district_id)
        else:
            oversight |= Q(province_id=m.organization.province_id)
    oversight &= Q(kind__in=LOCAL_GOVERNMENT_KINDS)
    return Organization.objects.filter(Q(pk__in=list(actor.memberships)) | oversight, is_active=True)


def department_duties(membership: Membership) -> tuple[str, ...]:
    """The duties of the member's department (an inactive department holds none). Reads the department the
    membership carries: load memberships with `select_related("department")` and this costs no query."""
    if membership.department_id is None:
        return ()
    department = membership.department
    return tuple(department.duties) if department.is_active else ()


def member_permissions(membership: Membership) -> frozenset[str]:
    """What a member holds in their own organisation: what the apps grant their role, plus what they grant
    that role in a department holding one of its duties (`Grant(..., duty=...)`). No query beyond the
    membership and its department."""
    return permission_table().for_member(membership.role, department_duties(membership))


def roles_holding(perm: str) -> list[str]:
    """The roles whose grants include `perm` (e.g. who may be given cases)."""
    return [role for role, perms in permission_table().by_role.items() if perm in perms]


# --- staff accounts ---------------------------------------------------------------------------------------------
# Who may manage whose account (password, e-mail, active, staff flag, deletion, memberships). A superuser manages
# everyone. An organisation's system administrator manages only accounts whose EVERY membership is in
# organisations they administer: never an account that also belongs to another organisation (its other
# organisation's administrator would lose control of it), never a superuser, never platform staff (accounts
# without any membership, such as the platform operator's staff). So an administrator can never reach more than
# their own organisations, whatever they do with the accounts they manage.


def administered_organization_ids(user: User) -> frozenset[int] | None:
    """None for an active superuser (every organisation); else the active organisations where the user is an
    active system administrator (empty for everyone else)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    return frozenset(
        Membership.objects.filter(
            user=user, role=Role.SYSTEM_ADMIN, is_active=True, organization__is_active=True
        ).values_list("organization_id", flat=True)
    )


def users_managed_within(organization_ids: frozenset[int] | None) -> QuerySet[User]:
    """The accounts the administrator of these organisations may manage (None: a superuser, every account)."""
    if organization_ids is None:
        return User.objects.all()
    if not organization_ids:
        return User.objects.none()
    elsewhere = Membership.objects.exclude(organization_id__in=organization_ids).values("user_id")
    inside = Membership.objects.filter(organization_id__in=organization_ids).values("user_id")
    return User.objects.filter(pk__in=inside, is_superuser=False).exclude(pk__in=elsewhere)


def may_manage_user(manager: User, user: User) -> bool:
    organizations = administered_organization_ids(manager)
    if user.pk is None:  # a new account: created inside the manager's organisations
        return organizations is None or bool(organizations)
    return users_managed_within(organizations).filter(pk=user.pk).exists()


def require(actor: Actor, organization: Organization, perm: str) -> None:
    if not actor.has_perm(organization, perm):
        raise AccessDenied(
            _("You do not have the permission “%(perm)s” in %(org)s.") % {"perm": perm, "org": organization}
        )


def get_organization_for(actor: Actor, slug: str, perm: str = CorePerm.ORG_VIEW) -> Organization:
    """An active organisation by slug, refused without `perm` there. The actor's own organisations come from
    its memberships, loaded once per request: no query of their own (their areas load on first use)."""
    organization = next(
        (m.organization for m in actor.memberships.values() if m.organization.slug == slug), None
    ) or (
        Organization.objects.select_related("province", "district", "subdistrict").filter(slug=slug).first()
    )
    if organization is None or not organization.is_active:
        raise NotFound(_("No organisation “%(slug)s”.") % {"slug": slug})
    require(actor, organization, perm)
    return organization
