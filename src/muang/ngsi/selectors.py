"""Who reads which tenant's entities: the caller, the tenant (`NGSILD-Tenant`), the types the caller may read.

Tenancy (GS CIM 009 clause 6.3.14): the tenant is the organisation whose slug the `NGSILD-Tenant` header names.
Without the header, a token's organisation, or a signed-in member's active organisation, is the tenant; an
anonymous caller must name one. An unknown or inactive tenant is `NonexistentTenant`.

Access: a public entity type (`EntityType.public`) is readable by anyone in any tenant; another type needs its
`permission` in the tenant, or `ngsi.read` (the `ngsi:read` API scope). A token acts for its own organisation
only: in another tenant it reads what anonymous callers read.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from muang.core.access import Actor
from muang.core.models import Organization
from muang.core.services import api_token_authenticate
from muang.core.workspace import active_membership
from muang.ngsi import documents
from muang.ngsi.permissions import NgsiPerm
from muang.ngsi.providers import EntityType

TENANT_HEADER = "HTTP_NGSILD_TENANT"


def caller(request: HttpRequest) -> Actor:
    """The actor: an organisation's API token (`Authorization: Bearer …`), a signed-in user, or anonymous."""
    meta = {"ip_address": request.META.get("REMOTE_ADDR"), "request_id": getattr(request, "id", "")}
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization:
        scheme, _sp, secret = authorization.partition(" ")
        token = api_token_authenticate(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise documents.not_authenticated(_("The API token is not valid (Authorization: Bearer …)."))
        return Actor(token=token, **meta)
    if request.user.is_authenticated and request.user.is_active:
        return Actor(user=request.user, **meta)
    return Actor(**meta)


def tenant(request: HttpRequest, actor: Actor) -> Organization:
    slug = request.META.get(TENANT_HEADER, "").strip()
    if not slug:
        if actor.token is not None:
            return actor.token.organization
        membership = active_membership(request) if actor.user is not None else None
        if membership is not None:
            return membership.organization
        raise documents.bad_request(_("Name the organisation in the NGSILD-Tenant header (its short name)."))
    if actor.token is not None and actor.token.organization.slug == slug:
        return actor.token.organization  # the token's own (loaded with it, active)
    organization = Organization.objects.filter(slug=slug[:100], is_active=True).first()
    if organization is None:
        raise documents.no_tenant(_("No tenant “%(slug)s”.") % {"slug": slug[:100]})
    return organization


def may_read(actor: Actor, organization: Organization, entity_type: EntityType) -> bool:
    if entity_type.public:
        return True
    held = actor.permissions_in(organization) if (actor.user or actor.token) else frozenset()
    return entity_type.permission in held or NgsiPerm.READ in held


def refusal(actor: Actor, entity_type: EntityType) -> documents.NgsiError:
    """Why a caller may not read a type: not signed in (401) or not allowed in this tenant (403)."""
    if actor.user is None and actor.token is None:
        return documents.not_authenticated(
            _("Entities of type %(type)s need an API token (Authorization: Bearer …).")
            % {"type": entity_type.name}
        )
    return documents.forbidden(
        _("You may not read entities of type %(type)s in this tenant.") % {"type": entity_type.name}
    )
