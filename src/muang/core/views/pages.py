"""What every staff page has in common: who may open it, and how domain errors become pages and form errors.

`staff_page(allowed)` is the one decorator behind the case, tax office, tax map and billing pages: a signed-in
member of the active organisation for whom `allowed(actor, organization)` holds gets the page; the view
receives the actor and the active membership. A refusal the view does not handle itself is the 403 page, and
"not found" (including another organisation's objects) is a 404.
"""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from muang.core.access import Actor
from muang.core.errors import AccessDenied, MuangError, NotFound
from muang.core.models import Organization
from muang.core.permissions import Perm
from muang.core.workspace import active_membership, actor_from_request


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "core/forbidden.html", status=403)


def holds(perm: Perm) -> Callable[[Actor, Organization], bool]:
    return lambda actor, organization: actor.has_perm(organization, perm)


def staff_page(allowed: Callable[[Actor, Organization], bool]):
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            membership = active_membership(request)
            actor = actor_from_request(request)
            if membership is None or not allowed(actor, membership.organization):
                return forbidden(request)
            try:
                return view(request, actor, membership, *args, **kwargs)
            except AccessDenied:
                return forbidden(request)
            except NotFound as e:
                raise Http404(e.detail) from e

        return wrapped

    return decorate


def add_service_errors(form: forms.Form, error: MuangError, aliases: dict[str, str] | None = None) -> None:
    """Put a domain error on the form field it names (through `aliases` when the names differ), or on the form
    when it names none or a field the form does not have."""
    if not error.field_errors:
        form.add_error(None, error.detail)
        return
    for name, messages in error.field_errors.items():
        field = (aliases or {}).get(name, name)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
