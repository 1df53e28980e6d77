"""Who may do what in billing: the role's permissions, plus the revenue department's (see core.permissions).

Billing work belongs to one department of the organisation (กองคลัง / งานพัฒนาและจัดเก็บรายได้), named in
its BillingProfile. Its officers record payments and reconcile bank statements, its head also issues bills,
without being given those rights in every other department.
"""

from __future__ import annotations

from muang.core.access import Actor, require
from muang.core.models import Membership, Organization
from muang.core.permissions import REVENUE_DEPARTMENT_PERMISSIONS, ROLE_PERMISSIONS, Perm

_CACHE_KEY = "billing_revenue_department"


def _revenue_department_id(actor: Actor, organization: Organization) -> int | None:
    from muang.billing.models import BillingProfile

    cache = actor.extra.setdefault(_CACHE_KEY, {})
    if organization.pk not in cache:
        cache[organization.pk] = (
            BillingProfile.objects.filter(organization=organization)
            .values_list("revenue_department_id", flat=True)
            .first()
        )
    return cache[organization.pk]


def billing_permissions(actor: Actor, organization: Organization) -> frozenset[Perm]:
    perms = actor.permissions_in(organization)
    if actor.user is None:
        return perms
    membership = actor.membership_in(organization)
    if membership is None or membership.department_id is None:
        return perms
    if membership.department_id != _revenue_department_id(actor, organization):
        return perms
    return perms | REVENUE_DEPARTMENT_PERMISSIONS.get(membership.role, frozenset())


def membership_billing_permissions(membership: Membership) -> frozenset[Perm]:
    """:func:`billing_permissions` of a member in their own organisation, from the loaded membership: what
    the menu of every page needs, at most one query (and none for roles that carry the permissions)."""
    perms = ROLE_PERMISSIONS.get(membership.role, frozenset())
    extra = REVENUE_DEPARTMENT_PERMISSIONS.get(membership.role, frozenset())
    if extra - perms and membership.department_id is not None:
        from muang.billing.models import BillingProfile

        if BillingProfile.objects.filter(
            organization_id=membership.organization_id, revenue_department_id=membership.department_id
        ).exists():
            perms = perms | extra
    return perms


def has_billing_perm(actor: Actor, organization: Organization, perm: Perm) -> bool:
    return perm in billing_permissions(actor, organization)


def require_billing(actor: Actor, organization: Organization, perm: Perm) -> None:
    """Like :func:`muang.core.access.require`, counting the revenue department's permissions."""
    if not has_billing_perm(actor, organization, perm):
        require(actor, organization, perm)  # raises AccessDenied with the usual message
