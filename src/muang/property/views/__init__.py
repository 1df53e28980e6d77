"""HTML pages of the property domain: the tax office (`office`, `tables`, `parcel_import`), the staff tax map
(`map`) and the field survey for phones (`survey`)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from muang.core.errors import AccessDenied, InvalidInput, NotFound
from muang.core.permissions import Perm
from muang.core.workspace import active_membership, actor_from_request


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "core/forbidden.html", status=403)


def property_view(perm: Perm = Perm.PROPERTY_VIEW, *, json: bool = False):
    """Signed-in staff holding `perm` in their active organisation; the view gets the actor and the
    organisation (always the active membership's: another organisation's parcels are never found)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            membership = active_membership(request)
            actor = actor_from_request(request)
            if membership is None or not actor.has_perm(membership.organization, perm):
                return _forbidden(request)
            try:
                return view(request, actor, membership.organization, *args, **kwargs)
            except AccessDenied:
                return _forbidden(request)
            except NotFound as e:
                raise Http404(e.detail) from e
            except InvalidInput as e:
                if not json:
                    raise
                return JsonResponse({"detail": e.detail, "errors": e.field_errors}, status=400)

        return wrapped

    return decorate
