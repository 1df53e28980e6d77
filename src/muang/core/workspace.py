"""The staff member's workspace in the UI: which organisation they are working in right now.

The active organisation lives in the session and is only ever used to pick one of the user's own
memberships; services are always given the organisation explicitly.
"""

from django.http import HttpRequest

from muang.core.access import Actor
from muang.core.models import Membership

SESSION_KEY = "muang_org"


def actor_from_request(request: HttpRequest) -> Actor:
    ip = request.META.get("REMOTE_ADDR")
    user = request.user if request.user.is_authenticated else None
    return Actor(user=user, ip_address=ip, request_id=getattr(request, "id", ""))


def active_membership(request: HttpRequest) -> Membership | None:
    if hasattr(request, "_muang_membership"):
        return request._muang_membership
    membership = None
    if request.user.is_authenticated:
        memberships = list(
            Membership.objects.filter(user=request.user, is_active=True, organization__is_active=True)
            .select_related("organization", "department")
            .order_by("created_at", "pk")
        )
        wanted = request.session.get(SESSION_KEY)
        membership = next((m for m in memberships if m.organization_id == wanted), None)
        # Without a choice in the session, the first membership the person was given is their home organisation.
        membership = membership or (memberships[0] if memberships else None)
        memberships.sort(key=lambda m: m.organization.name_th)
        request._muang_memberships = memberships
    request._muang_membership = membership
    return membership


def switch_organization(request: HttpRequest, organization_id: int) -> Membership | None:
    membership = Membership.objects.filter(
        user=request.user, organization_id=organization_id, is_active=True, organization__is_active=True
    ).first()
    if membership is not None:
        request.session[SESSION_KEY] = membership.organization_id
        request.__dict__.pop("_muang_membership", None)
    return membership
