"""Open311 GeoReport v2 at `/open311/v2/`: JSON or XML by the suffix, errors as the specification's array.

Reads are public (anyone, with or without a key: the data are the public ones). `POST requests` needs
`api_key`: a Muang API token of the jurisdiction's organisation with the scope `reports:submit`.
`jurisdiction_id` (an organisation's slug) is required everywhere except discovery: Muang serves many.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from muang.core.input_guard import refuses_input_with
from muang.core.models import Organization
from muang.core.thai_dates import in_bangkok
from muang.core.views.pages import public_page

from . import documents
from .formats import error, render
from .intake import Open311Error, authenticate, open311_request_submit, parse_submission

OPEN311_REASON = "GeoReport v2 is public: services and public case facts, never a reporter"

logger = logging.getLogger("muang.reports.open311")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-21T00:00:00+07:00"


def _jurisdiction(request: HttpRequest) -> Organization:
    slug = (request.POST.get("jurisdiction_id") if request.method == "POST" else None) or request.GET.get(
        "jurisdiction_id", ""
    )
    slug = slug.strip()
    if not slug:
        raise Open311Error(400, _("jurisdiction_id is required (the organisation's short name)."))
    organization = Organization.objects.filter(slug=slug, is_active=True).first()
    if organization is None:
        raise Open311Error(404, _("No jurisdiction_id %(slug)s.") % {"slug": slug})
    return organization


def _refused(request: HttpRequest, view_kwargs: dict, status: int, field: str | None, message: str):
    """Input the edge refuses (a NUL character, a body past the limit): the error array, in the format asked."""
    return error(view_kwargs.get("fmt", "json"), status, message)


def open311_view(view):
    """Turn Open311Error, and input refused before the view runs, into the error array in the requested format."""

    @refuses_input_with(_refused)
    def wrapped(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as e:
            return error(fmt, e.status, *e.descriptions)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@public_page(OPEN311_REASON)
@require_GET
@open311_view
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:root"))
    document = {
        "changeset": CHANGESET,
        "contact": _("Ask the organisation that serves your area (jurisdiction_id) for an api_key."),
        "key_service": request.build_absolute_uri(reverse("tokens")),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production" if settings.PRODUCTION else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, document, root="discovery")


@public_page(OPEN311_REASON)
@require_GET
@open311_view
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    organization = _jurisdiction(request)
    return render(fmt, documents.services(organization), root="services", item="service")


@public_page(OPEN311_REASON)
@require_GET
@open311_view
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    organization = _jurisdiction(request)
    category = documents.active_categories(organization).filter(code=service_code).first()
    if category is None:
        raise Open311Error(404, _("No service_code %(code)s.") % {"code": service_code})
    return render(fmt, documents.service_definition(category), root="service_definition")


def _w3c_param(request: HttpRequest, name: str) -> dt.datetime | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(
            value.replace(" ", "+")
        )  # a "+" left unescaped in a query is a space
    except ValueError as e:
        raise Open311Error(
            400, _("%(name)s must be a W3C date and time, e.g. 2026-11-21T09:00:00+07:00.") % {"name": name}
        ) from e
    return in_bangkok(moment)


def _list_param(request: HttpRequest, name: str) -> list[str]:
    return [v.strip() for v in request.GET.get(name, "").split(",") if v.strip()]


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    organization = _jurisdiction(request)
    statuses = _list_param(request, "status")
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, _("status must be open, closed or both (comma separated)."))
    start, end = _w3c_param(request, "start_date"), _w3c_param(request, "end_date")
    if start and end and start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    query = documents.RequestQuery(
        service_request_ids=_list_param(request, "service_request_id"),
        service_codes=_list_param(request, "service_code"),
        start=start,
        end=end,
        statuses=statuses,
    )
    site = _site(request)
    rows = [documents.request_fields(c, site=site) for c in documents.service_requests(organization, query)]
    return render(fmt, rows, root="service_requests", item="request")


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    organization = _jurisdiction(request)
    api_key = request.POST.get("api_key", "").strip() or request.GET.get("api_key", "").strip()
    token = authenticate(api_key, organization)
    idempotency_key = (
        request.headers.get("Idempotency-Key", "").strip() or request.POST.get("idempotency_key", "").strip()
    )
    submission = parse_submission(request.POST, organization, idempotency_key=idempotency_key)
    with transaction.atomic():
        case, created = open311_request_submit(token=token, organization=organization, submission=submission)
    document = [{"service_request_id": case.tracking_code, "service_notice": None, "account_id": None}]
    return render(fmt, document, root="service_requests", item="request", status=201 if created else 200)


@public_page(OPEN311_REASON + "; POST needs an api_key with reports:submit (intake.authenticate)")
@csrf_exempt  # API clients authenticate with api_key, never with a session cookie
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    return _request_list(request, fmt)


@public_page(OPEN311_REASON)
@require_GET
@open311_view
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    organization = _jurisdiction(request)
    case = documents.service_request(organization, service_request_id)
    if case is None:
        raise Open311Error(404, _("No service_request_id %(id)s.") % {"id": service_request_id})
    rows = [documents.request_fields(case, site=_site(request))]
    return render(fmt, rows, root="service_requests", item="request")


@public_page(OPEN311_REASON)
@require_GET
@open311_view
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """Muang gives a service_request_id at once (type "realtime"): a token is that id, resolved for clients
    that ask anyway."""
    organization = _jurisdiction(request)
    case = documents.service_request(organization, token)
    if case is None:
        raise Open311Error(404, _("No token %(token)s.") % {"token": token})
    return render(
        fmt,
        [{"service_request_id": case.tracking_code, "token": token}],
        root="service_requests",
        item="request",
    )


@public_page(OPEN311_REASON)
@refuses_input_with(_refused)
def root(request: HttpRequest) -> HttpResponse:
    return discovery(request, "json")
