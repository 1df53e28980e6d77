"""The JSON API at /api/v1: authentication, problem+json errors (RFC 9457), and every installed app's routers
(`AppContract.api`)."""

import logging
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from muang.core import registry
from muang.core.access import Actor
from muang.core.api_docs import LocalSwagger
from muang.core.errors import MuangError
from muang.core.form_errors import problem_errors
from muang.core.middleware import problem_response
from muang.core.services import api_token_authenticate

logger = logging.getLogger("muang.api")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer muang_<prefix>_<secret>`: an integration acting for one organisation."""

    openapi_description = "An organisation's API token, created by its system administrator."

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        return Actor(
            token=api_token, ip_address=request.META.get("REMOTE_ADDR"), request_id=getattr(request, "id", "")
        )


class SessionActorAuth(APIKeyCookie):
    """The staff UI's session cookie (with CSRF protection on writes)."""

    param_name = "sessionid"
    openapi_description = "A signed-in staff member's session (the web UI)."

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if request.user.is_authenticated and request.user.is_active:
            return Actor(
                user=request.user,
                ip_address=request.META.get("REMOTE_ADDR"),
                request_id=getattr(request, "id", ""),
            )
        return None


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem document; `errors` names each field at fault.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
PROBLEM_RESPONSE = {
    "description": "Refused: not signed in (401), not allowed (403), not found (404), a conflict (409), "
    "too large (413) or invalid input (400, 422), as a problem document naming the fields.",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


class MuangAPI(NinjaAPI):
    """Every operation documents its refusals: a 4XX problem+json (the schema is honest about errors)."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                responses = {str(code): response for code, response in operation["responses"].items()}
                responses.setdefault("4XX", PROBLEM_RESPONSE)
                operation["responses"] = responses
        return schema


def problem(
    request: HttpRequest, status: int, detail: str, *, code: str, errors: list | None = None
) -> HttpResponse:
    extra = {"code": code, "instance": request.path}
    if errors:
        extra["errors"] = errors
    return problem_response(status, HTTPStatus(status).phrase, detail, **extra)


def on_domain_error(request: HttpRequest, exc: MuangError) -> HttpResponse:
    return problem(request, exc.status, exc.detail, code=exc.code, errors=problem_errors(exc))


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for e in exc.errors:
        location = [str(p) for p in e.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(location) or "__all__", "message": e.get("msg", "invalid")})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "The request is not valid."
    return problem(request, 422, detail, code="invalid_input", errors=errors)


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(
        request, 401, "Send a valid API token (Authorization: Bearer …) or sign in.", code="not_authenticated"
    )
    response["WWW-Authenticate"] = 'Bearer realm="muang"'
    return response


def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return problem(request, 403, str(exc) or "You may not do this.", code="forbidden")


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc), code=HTTPStatus(exc.status_code).name.lower())


def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, str(exc) or "Not found.", code="not_found")


def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(request, 413, "The request is too large.", code="payload_too_large")


def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return problem(request, 400, "The request cannot be read.", code="bad_request")


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error on %s", request.path)
    return problem(request, 500, "An unexpected error occurred; it has been logged.", code="server_error")


EXCEPTION_HANDLERS = [
    (MuangError, on_domain_error),
    (ValidationError, on_validation_error),
    (AuthenticationError, on_authentication_error),
    (AuthorizationError, on_authorization_error),
    (HttpError, on_http_error),
    (Http404, on_not_found),
    (RequestDataTooBig, on_too_big),
    (SuspiciousOperation, on_suspicious),
    (Exception, on_unexpected),
]


def build_api(*, urls_namespace: str = "api-v1") -> MuangAPI:
    """The API with every installed app's routers. `muang.api.api` is the one the site serves; a test that
    installs an app builds another."""
    new = MuangAPI(
        title="Muang API",
        version="1",
        description="The API of Muang, a smart-city platform for Thai local governments. "
        "Errors are RFC 9457 problem+json documents.",
        urls_namespace=urls_namespace,
        docs_url="/docs",
        docs=LocalSwagger(),
        auth=[TokenAuth(), SessionActorAuth()],
    )
    for exception, handler in EXCEPTION_HANDLERS:
        new.add_exception_handler(exception, handler)
    for router in registry.api_routers():
        new.add_router("/", router)
    return new


api = build_api()
