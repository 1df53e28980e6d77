"""What every page has in common: who may open it, and how domain errors become pages and form errors.

Every page declares its authorisation decision where it is defined, by its decorator (`PageAccess`, read by
the standards test that walks every URL of the site, `core/tests/test_page_access.py`):

- `staff_page(holds(perm))`: a signed-in member of the active organisation holding `perm` there gets the page;
  the view receives the actor and the active membership. A refusal the view does not handle itself is the 403
  page, and "not found" (including another organisation's objects) is a 404. The case, tax office, tax map and
  billing pages all use it.
- `signed_in_page`: any signed-in account (what it shows depends on the memberships).
- `citizen_page(reason)` (through an app's own decorator, e.g. the taxpayer's): a citizen principal's session.
- `public_page(reason)`: anyone, with the reason written down.
- `machine_endpoint(reason)`: a machine with its own credential checked by the view (a signed webhook, an
  Open311 api_key).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from muang.core.access import Actor
from muang.core.errors import AccessDenied, MuangError, NotFound
from muang.core.form_errors import add_service_errors
from muang.core.models import Organization
from muang.core.workspace import active_membership, actor_from_request

STAFF, SIGNED_IN, CITIZEN, PUBLIC, MACHINE = "staff", "signed_in", "citizen", "public", "machine"


@dataclass(frozen=True)
class PageAccess:
    """A page's authorisation decision: who may open it (`kind`), the permission a staff page needs, and for
    the others why it is open to them."""

    kind: str
    perm: str = ""
    reason: str = ""

    def __post_init__(self) -> None:
        if self.kind not in (STAFF, SIGNED_IN, CITIZEN, PUBLIC, MACHINE):
            raise ValueError(f"unknown page access {self.kind!r}")
        if self.kind == STAFF and not self.perm:
            raise ValueError("a staff page names its permission")
        if self.kind in (CITIZEN, PUBLIC, MACHINE) and not self.reason:
            raise ValueError(f"a {self.kind} page says why")


def declare(view, access: PageAccess):
    """Attach the decision to a view (decorators that use functools.wraps carry it outwards)."""
    view.page_access = access
    return view


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "core/forbidden.html", status=403)


@dataclass(frozen=True)
class Holds:
    """`perm` in the active organisation (`Actor.permissions_in`: role × the department's duties)."""

    perm: str

    def __call__(self, actor: Actor, organization: Organization) -> bool:
        return actor.has_perm(organization, self.perm)


def holds(perm: str) -> Holds:
    return Holds(perm)


def staff_page(allowed: Holds):
    if not isinstance(allowed, Holds):
        raise TypeError("staff_page(holds(perm)): a staff page names the permission it needs")

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

        return declare(wrapped, PageAccess(STAFF, perm=allowed.perm))

    return decorate


def signed_in_page(view):
    """Any signed-in account; the view decides what to show from the person's memberships."""
    return declare(login_required(view), PageAccess(SIGNED_IN))


def public_page(reason: str):
    """Open to anyone, for `reason` (written where the page is, and checked by the page-access test)."""
    return lambda view: declare(view, PageAccess(PUBLIC, reason=reason))


def machine_endpoint(reason: str):
    """Called by a machine that proves itself to the view (signature, api_key): `reason` says how."""
    return lambda view: declare(view, PageAccess(MACHINE, reason=reason))


def citizen_page(reason: str):
    """For an app's citizen-session decorator (e.g. the taxpayer's): declares the page as citizen-only."""
    return lambda view: declare(view, PageAccess(CITIZEN, reason=reason))


def service_form_page(
    request: HttpRequest,
    form,
    *,
    save: Callable,
    template: str,
    context: dict | None = None,
    done: str | Callable[[object], str],
    done_message: str | Callable[[object], str] = "",
    aliases: Mapping[str, str | None] | None = None,
) -> HttpResponse:
    """The page of a form whose service decides (STYLE: thin views). On a valid POST, `save(form)` calls the
    service: done, the success message (`done_message`, or made from what `save` returned) and a redirect to
    `done` (a URL, or made from what `save` returned); refused (`MuangError`), each message on the field it
    names (`aliases` map the service's names to the form's) and the page again with 422, nothing written. A
    refusal of access is not a form error: it propagates (403). A GET, or an invalid form, renders `template`
    with `context` and the form (422 when the form has errors)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form)
        except MuangError as e:
            add_service_errors(form, e, aliases=aliases, raise_access=True)
        else:
            message = done_message(result) if callable(done_message) else done_message
            if message:
                messages.success(request, message)
            return redirect(done(result) if callable(done) else done)
    return render(request, template, {**(context or {}), "form": form}, status=422 if form.errors else 200)


def import_page(
    request: HttpRequest,
    form,
    *,
    run_import: Callable[[bytes, str, dict], object],
    template: str,
    done: str,
    done_message: Callable[[int, str], str],
    context: dict | None = None,
) -> HttpResponse:
    """The page of a file import with a dry run (the care register's people, the lighting poles, …). On a
    valid POST, `run_import(data, filename, cleaned_data)` calls the import service, which returns a report
    with `imported` and `rejected`: rows written → the message `done_message(imported, filename)` and a
    redirect to `done` (a URL or a URL name); a dry run or rejected rows → the page again with the report (422 when rows were
    rejected); a file refused as a whole (`MuangError`) → the message on its field, 422, nothing written."""
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = run_import(upload.read(), upload.name, form.cleaned_data)
        except MuangError as e:
            add_service_errors(form, e)
        else:
            if report.imported:
                messages.success(request, done_message(report.imported, upload.name))
                return redirect(done)
    status = 422 if form.errors or (report is not None and report.rejected) else 200
    return render(request, template, {**(context or {}), "form": form, "report": report}, status=status)
