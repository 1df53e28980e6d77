"""Request id for logs and the audit trail; problem+json for every API error Django itself answers."""

import contextvars
import json
import logging
import uuid

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# A new object for every request (the id above may come from a client): what per-request memos are keyed on.
_request_token: contextvars.ContextVar[object | None] = contextvars.ContextVar("request_token", default=None)


def current_request_token() -> object | None:
    """An object unique to the web request being served (None outside a request)."""
    return _request_token.get()


API_PREFIXES = ("/api/",)
PROBLEM_JSON = "application/problem+json"
# Exceptions Django itself turns into a 4xx answer (404, 403, 400): never a 500.
CLIENT_ERRORS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    """Accept a proxy's X-Request-ID (if sane) or make one; echo it back; put it on every log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.id = (
            incoming
            if 8 <= len(incoming) <= 36 and incoming.replace("-", "").isalnum()
            else str(uuid.uuid4())
        )
        token = _request_id.set(request.id)
        serial = _request_token.set(object())
        try:
            response = self.get_response(request)
        finally:
            _request_token.reset(serial)
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


def problem_response(status: int, title: str, detail: str = "", **extra) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON)


class ProblemJsonMiddleware:
    """Errors under /api/ that never reached django-ninja (unknown URL, CSRF, 500) still answer problem+json."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIXES)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(("application/json", PROBLEM_JSON))
        ):
            from http import HTTPStatus

            title = HTTPStatus(response.status_code).phrase
            problem = problem_response(response.status_code, title, instance=request.path)
            for header in ("Allow", "WWW-Authenticate", "Retry-After"):  # what the client needs to go on
                if header in response:
                    problem[header] = response[header]
            return problem
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, CLIENT_ERRORS):
            return None  # Django answers these 4xx itself (then __call__ makes them problem+json)
        if request.path.startswith(API_PREFIXES):
            logging.getLogger("muang.api").exception("unhandled error on %s", request.path)
            return problem_response(
                500, "Internal Server Error", "An unexpected error occurred.", instance=request.path
            )
        return None


class ThaiFirstLocaleMiddleware:
    """Pages are Thai unless the person chose English with the switch (a cookie); the browser's
    Accept-Language is ignored there, since many office PCs in Thailand run an English browser.
    The API honours Accept-Language, which integrators set deliberately."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        if request.path.startswith(API_PREFIXES):
            language = translation.get_language_from_request(request)
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if language not in dict(settings.LANGUAGES):
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if request.path.startswith(API_PREFIXES):
            response.setdefault("Content-Language", language)
            from django.utils.cache import patch_vary_headers

            patch_vary_headers(response, ("Accept-Language",))
        return response


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: the browser features pages may use (settings.MUANG_PERMISSIONS_POLICY),
    every other listed feature refused, also to anything a page might embed."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in settings.MUANG_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


class PrivateNoStoreMiddleware:
    """`Cache-Control: no-store, private` on every answer to a signed-in person or an API token that does not set
    its own: staff pages and API answers carry personal data (reporters' phones, taxpayers' IDs), which no
    shared cache and no browser history may keep. Taxpayers' pages set it themselves (muang.selfservice).

    An answer made without reading the session (the public map's data, its tiles, Open311's lists) cannot depend
    on who is signed in: the session is not loaded to ask (issue 11: one query less per public request with a
    session cookie, and no `Vary: Cookie` on what public caches may keep)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.accessed:
            signed_in = False  # neither the view nor anything before it asked who this is
        else:
            signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if (signed_in or "HTTP_AUTHORIZATION" in request.META) and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response
