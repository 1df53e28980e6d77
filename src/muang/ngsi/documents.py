"""What the NGSI-LD API answers with: the @context, the Link header, content negotiation and ProblemDetails.

- The core @context of GS CIM 009 v1.6 (`MUANG_NGSI_CORE_CONTEXT`): with `Accept: application/json` (or none) the
  body is JSON and the context is named in a `Link` header; with `Accept: application/ld+json` the body is JSON-LD
  and every entity carries `@context`; anything else is 406.
- Errors are ProblemDetails (clause 5.5.2: `type`, `title`, `detail`, and `status`) with the error type URIs of
  clause 5.5.2's table, served as `application/json`.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

JSON = "application/json"
JSON_LD = "application/ld+json"
CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"


def core_context() -> str:
    return settings.MUANG_NGSI_CORE_CONTEXT


def link_header() -> str:
    return f'<{core_context()}>; rel="{CONTEXT_REL}"; type="{JSON_LD}"'


class NgsiError(Exception):
    """An NGSI-LD error: `kind` is the last segment of its type URI (None: a plain HTTP refusal, about:blank)."""

    def __init__(self, status: int, kind: str | None, title: Any, detail: str):
        self.status, self.kind, self.title, self.detail = status, kind, str(title), str(detail)
        super().__init__(detail)


def bad_request(detail: str) -> NgsiError:
    return NgsiError(
        400,
        "BadRequestData",
        _("The request includes input data that does not meet the requirements of the operation"),
        detail,
    )


def invalid_request(detail: str) -> NgsiError:
    return NgsiError(400, "InvalidRequest", _("The request is not well-formed"), detail)


def not_found(detail: str) -> NgsiError:
    return NgsiError(404, "ResourceNotFound", _("The referred resource has not been found"), detail)


def no_tenant(detail: str) -> NgsiError:
    return NgsiError(404, "NonexistentTenant", _("The addressed tenant does not exist"), detail)


def too_many(detail: str) -> NgsiError:
    return NgsiError(403, "TooManyResults", _("The query result is too large"), detail)


def not_authenticated(detail: str) -> NgsiError:
    return NgsiError(401, None, _("Unauthorized"), detail)


def forbidden(detail: str) -> NgsiError:
    return NgsiError(403, None, _("Forbidden"), detail)


def not_acceptable(detail: str) -> NgsiError:
    return NgsiError(406, None, _("Not Acceptable"), detail)


def error_response(error: NgsiError) -> HttpResponse:
    body = {
        "type": f"{ERRORS}{error.kind}" if error.kind else "about:blank",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=error.status, content_type=JSON)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="muang"'
    return response


def negotiate(request: HttpRequest) -> str:
    """`application/json` or `application/ld+json`, from the Accept header (406 when neither is acceptable)."""
    accept = request.META.get("HTTP_ACCEPT", "").strip()
    if not accept:
        return JSON
    ranked = []
    for position, item in enumerate(accept.split(",")):
        media, *options = (part.strip() for part in item.split(";"))
        quality = 1.0
        for option in options:
            name, _eq, value = option.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, media.lower()))
    for _q, _p, media in sorted(ranked):
        if media == JSON_LD:
            return JSON_LD
        if media in (JSON, "application/*", "*/*"):
            return JSON
    raise not_acceptable(_("Accept application/json or application/ld+json."))


def render(payload: Any, media: str, *, headers: dict[str, str] | None = None) -> HttpResponse:
    """Entities (a dict or a list of dicts) in the negotiated form."""
    if media == JSON_LD:
        context = core_context()
        if isinstance(payload, list):
            payload = [{**item, "@context": context} for item in payload]
        else:
            payload = {**payload, "@context": context}
    response = HttpResponse(json.dumps(payload, ensure_ascii=False), content_type=media)
    if media == JSON:
        response["Link"] = link_header()
    patch_vary_headers(response, ["Accept", "NGSILD-Tenant", "Authorization"])
    for name, value in (headers or {}).items():
        response[name] = value
    return response
