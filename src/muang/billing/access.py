"""Who may do what in billing: the role's permissions, plus the revenue department's (`permissions.py`), and
the taxpayer's own bills as a citizen principal.

Billing work belongs to one department of the organisation (กองคลัง / งานพัฒนาและจัดเก็บรายได้), named in
its BillingProfile. Its officers record payments and reconcile bank statements, its head also issues bills,
without being given those rights in every other department.

A taxpayer is a `CitizenActor` of one organisation holding a `PayerScope` grant: the bills of one payer. The
billing services that serve them (notice and receipt PDFs, filing an objection) check that grant against the
bill itself (`require_on_bill`), not a caller's promise (ADR 0008).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from muang.billing.permissions import REVENUE_DEPARTMENT
from muang.core.access import Actor, CitizenActor, member_permissions, require, require_grant
from muang.core.models import Membership, Organization

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


def billing_permissions(actor: Actor, organization: Organization) -> frozenset[str]:
    perms = actor.permissions_in(organization)
    if actor.user is None:
        return perms
    membership = actor.membership_in(organization)
    if membership is None or membership.department_id is None:
        return perms
    if membership.department_id != _revenue_department_id(actor, organization):
        return perms
    return perms | REVENUE_DEPARTMENT.get(membership.role, frozenset())


def membership_billing_permissions(membership: Membership) -> frozenset[str]:
    """:func:`billing_permissions` of a member in their own organisation, from the loaded membership: what
    the menu of every page needs, at most one query (and none for roles that carry the permissions)."""
    perms = member_permissions(membership)
    extra = REVENUE_DEPARTMENT.get(membership.role, frozenset())
    if extra - perms and membership.department_id is not None:
        from muang.billing.models import BillingProfile

        if BillingProfile.objects.filter(
            organization_id=membership.organization_id, revenue_department_id=membership.department_id
        ).exists():
            perms = perms | extra
    return perms


def has_billing_perm(actor: Actor, organization: Organization, perm: str) -> bool:
    return perm in billing_permissions(actor, organization)


def require_billing(actor: Actor, organization: Organization, perm: str) -> None:
    """Like :func:`muang.core.access.require`, counting the revenue department's permissions."""
    if not has_billing_perm(actor, organization, perm):
        require(actor, organization, perm)  # raises AccessDenied with the usual message


# --- citizens: the bills of one payer ------------------------------------------------------------------------


@dataclass(frozen=True)
class PayerScope:
    """What a citizen's billing grant covers: the bills of one payer in the grant's organisation, that is the
    bills whose `source_ref` is one of `source_refs` (the payer's own records in the app that bills them) or
    whose payer tax ID is `tax_id`."""

    source_refs: frozenset[str]
    tax_id: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "source_refs", frozenset(self.source_refs))

    def q(self) -> Q:
        """The bills covered, as a filter (add the organisation)."""
        q = Q(source_ref__in=sorted(self.source_refs))
        if self.tax_id:
            q |= Q(payer_tax_id=self.tax_id)
        return q

    def covers(self, bill) -> bool:
        return bill.source_ref in self.source_refs or bool(self.tax_id and bill.payer_tax_id == self.tax_id)


def require_on_bill(actor: Actor, bill, perm: str) -> None:
    """`perm` on this bill: staff through their permissions in the bill's organisation (revenue department
    included), a citizen through a `PayerScope` grant of `perm` in that organisation that covers the bill."""
    if isinstance(actor, CitizenActor):
        require_grant(actor, bill.organization, perm, PayerScope, lambda scope: scope.covers(bill))
    else:
        require_billing(actor, bill.organization, perm)
