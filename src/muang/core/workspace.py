"""The staff member's workspace in the UI: which organisation they are working in right now.

The active organisation lives in the session and is only ever used to pick one of the user's own
memberships; services are always given the organisation explicitly.
"""

from django.http import HttpRequest

from muang.core.access import Actor
from muang.core.models import Membership

SESSION_KEY = "muang_org"


def actor_from_request(request: HttpRequest) -> Actor:
    """The signed-in staff member (or anonymous) as an Actor, made once per request: its memberships are then
    read once however many views, context processors and services ask (a sign-in or sign-out meanwhile makes
    a new one)."""
    user = request.user if request.user.is_authenticated else None
    cached = request.__dict__.get("_muang_actor")
    if cached is not None and cached.user is user:
        return cached
    ip = request.META.get("REMOTE_ADDR")
    actor = Actor(user=user, ip_address=ip, request_id=getattr(request, "id", ""))
    request._muang_actor = actor
    return actor


def active_membership(request: HttpRequest) -> Membership | None:
    if hasattr(request, "_muang_membership"):
        return request._muang_membership
    membership = None
    if request.user.is_authenticated:
        # The request's actor's memberships (oldest first): one query for the page and its services.
        memberships = list(actor_from_request(request).memberships.values())
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
        request.__dict__.pop(
            "_muang_actor", None
        )  # its memberships may have changed (an accepted invitation)
    return membership
