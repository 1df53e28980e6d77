"""The staff home page, fitted to the role in the active organisation, and the organisation switcher."""

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from muang.core import registry, selectors, services
from muang.core.access import Actor
from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors
from muang.core.forms import ApiTokenForm
from muang.core.models import ApiToken, Organization, Role
from muang.core.permissions import CorePerm
from muang.core.public_home import public_home_panels
from muang.core.views.pages import holds, public_page, signed_in_page, staff_page
from muang.core.workspace import active_membership, actor_from_request, switch_organization


def _feature(org: Organization, **props) -> dict | None:
    if org.boundary is None:
        return None
    return {
        "type": "Feature",
        "geometry": json.loads(org.boundary.geojson),
        "properties": {"name": org.name_th, **props},
    }


def _home_context(actor: Actor, membership) -> dict:
    org = membership.organization
    role = membership.role
    ctx: dict = {
        "organization": org,
        "role": role,
        "area_km2": selectors.organization_area_km2(org),
        "departments": list(selectors.departments_of(actor=actor, organization=org)),
        "my_actions": selectors.audit_lines(selectors.recent_actions_of(actor=actor, organization=org)),
        "features": [f for f in [_feature(org)] if f],
    }
    if actor.has_perm(org, CorePerm.STAFF_VIEW):
        if role == Role.DEPARTMENT_HEAD:
            ctx["staff"] = list(
                selectors.staff_of(actor=actor, organization=org, department=membership.department)
            )
        else:
            ctx["department_counts"] = selectors.department_staff_counts(actor=actor, organization=org)
    if actor.has_perm(org, CorePerm.AUDIT_VIEW):
        ctx["audit"] = selectors.audit_lines(selectors.audit_entries(actor=actor, organization=org)[:10])
    if actor.has_perm(org, CorePerm.TOKEN_MANAGE):
        ctx["token_count"] = (
            selectors.api_tokens_of(actor=actor, organization=org).filter(revoked_at=None).count()
        )
        ctx["worker_heartbeat"] = heartbeat = selectors.last_worker_heartbeat()
        ctx["worker_ok"], _detail = selectors.worker_status(heartbeat)
    if org.is_overseer and actor.has_perm(org, CorePerm.ROLLUP_VIEW):
        rollup = selectors.oversight_rollup(actor=actor, overseer=org)
        ctx["rollup"] = rollup
        ctx["features"] = [
            f for r in rollup if (f := _feature(r.organization, kind=r.organization.get_kind_display()))
        ]
    return ctx


@public_page("the public home page for visitors; a signed-in member gets the home page of their role")
def home(request: HttpRequest) -> HttpResponse:
    """The site's root: citizens get the public home page (with the staff entrance); signed-in staff get the
    home page of their role in the active organisation."""
    if not request.user.is_authenticated:
        return render(request, "core/home_public.html", {"panels": public_home_panels(request)})
    membership = active_membership(request)
    actor = actor_from_request(request)
    pending = selectors.pending_invitations_for(actor=actor).count()
    if membership is None and request.user.is_active and request.user.is_superuser:
        # The platform operator serves every organisation and belongs to none: their own pages and the admin.
        links = [link for link in registry.staff_menu(frozenset(), operator=True) if link.url != request.path]
        return render(request, "core/home_operator.html", {"links": links, "pending_invitations": pending})
    if membership is None:
        return render(request, "core/home_no_membership.html", {"pending_invitations": pending}, status=403)
    context = {**_home_context(actor, membership), "pending_invitations": pending}
    return render(request, f"core/home_{membership.role}.html", context)


@signed_in_page
@require_POST
def switch_organization_view(request: HttpRequest) -> HttpResponse:
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError:
        organization_id = 0
    if switch_organization(request, organization_id) is None:
        messages.error(request, _("You are not a member of that organisation."))
    nxt = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("home")


@staff_page(holds(CorePerm.TOKEN_MANAGE))
@require_http_methods(["GET", "POST"])
def tokens_view(request: HttpRequest, actor: Actor, membership) -> HttpResponse:
    """A system administrator creates and revokes the organisation's API tokens; a new secret is shown once."""
    org = membership.organization
    form = ApiTokenForm()
    new_secret = None
    if request.method == "POST":
        try:
            if revoke_id := request.POST.get("revoke"):
                token = selectors.get_api_token_for(actor=actor, organization=org, token_id=int(revoke_id))
                services.api_token_revoke(actor=actor, token=token)
                messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
                return redirect("tokens")
            form = ApiTokenForm(request.POST)
            if form.is_valid():
                _token, new_secret = services.api_token_create(
                    actor=actor,
                    organization=org,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.cleaned_data["expires_at"],
                )
                form = ApiTokenForm()
        except (MuangError, ValueError) as e:
            if getattr(e, "field_errors", None):
                add_service_errors(form, e)
            else:
                messages.error(request, str(e))
    tokens: list[ApiToken] = list(selectors.api_tokens_of(actor=actor, organization=org))
    return render(request, "core/tokens.html", {"form": form, "tokens": tokens, "new_secret": new_secret})
