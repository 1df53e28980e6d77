"""Refuse, at the edge, request text that no view may see: a NUL character (PostgreSQL cannot store or even
compare it, so it used to surface as a 500 wherever it reached a query) and bodies past the upload limit.

One middleware checks every request once, before the view: the URL path, every query and form parameter
(names and values) and every member of a JSON body. The answer names the field and fits the surface: a
problem+json 422 under /api/, the view's own error format where the view declares one (`refuses_input_with`,
e.g. Open311's error array), a Thai/English page (400) everywhere else. Cookies holding a NUL are dropped
(as if never sent): a browser never sends one, and the session must not be looked up with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from muang.core.middleware import API_PREFIXES, problem_response

NUL = "\x00"
JSON_TYPES = ("application/json", "application/merge-patch+json")
ATTRIBUTE = "muang_refuse_input"
CODES = {400: "bad_request", 413: "payload_too_large", 422: "invalid_input"}
# (request, view kwargs, HTTP status, field or None, message) -> the view's own error answer.
Refusal = Callable[[HttpRequest, dict[str, Any], int, str | None, str], HttpResponse]


def refuses_input_with(refusal: Refusal):
    """Declare how a view answers refused input (its own error format) instead of the HTML page."""

    def decorate(view):
        setattr(view, ATTRIBUTE, refusal)
        return view

    return decorate


def _printable(name: str) -> str:
    return name.replace(NUL, "\\0") or "?"


def _json_members(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(dotted path, text) of every key and string in a parsed JSON document, as ninja names fields."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            inner_path = f"{path}.{key}" if path else str(key)
            yield inner_path, str(key)
            yield from _json_members(inner, inner_path)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _json_members(inner, f"{path}.{i}" if path else str(i))


def nul_field(request: HttpRequest) -> str | None:
    """The first place in the request holding a NUL: `path`, a parameter's name or a JSON member's path."""
    if NUL in request.path_info:
        return "path"
    for params in (request.GET, request.POST):  # POST: form and multipart fields (file names are sanitised)
        for key, values in params.lists():
            if NUL in key or any(NUL in v for v in values):
                return _printable(key)
    if request.content_type in JSON_TYPES and request.body:
        try:
            document = json.loads(request.body)
        except ValueError:
            return None  # not JSON at all: the view's own parser answers 400
        for path, text in _json_members(document, ""):
            if NUL in text:
                return _printable(path) or "body"
    return None


def _drop_nul_cookies(request: HttpRequest) -> None:
    for name in [n for n, v in request.COOKIES.items() if NUL in n or NUL in v]:
        del request.COOKIES[name]


def _refuse(request: HttpRequest, view_func, view_kwargs: dict, status: int, field: str | None, message: str):
    if request.path.startswith(API_PREFIXES):
        extra: dict[str, Any] = {"code": CODES[status], "instance": request.path}
        if field:
            extra["errors"] = [{"field": field, "message": message}]
        return problem_response(status, HTTPStatus(status).phrase, message, **extra)
    refusal = getattr(view_func, ATTRIBUTE, None)
    if refusal is not None:
        return refusal(request, view_kwargs, status, field, message)
    return render(request, "core/input_refused.html", {"field": field, "message": message}, status=status)


class RefuseHostileInputMiddleware:
    """NUL characters and oversized bodies get a 4xx naming the field before the view runs (see module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _drop_nul_cookies(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        try:
            field = nul_field(request)
        except RequestDataTooBig:
            message = _("The request is too large.")
            return _refuse(request, view_func, view_kwargs, 413, None, message)
        except (TooManyFieldsSent, TooManyFilesSent):
            message = _("The request has too many fields.")
            return _refuse(request, view_func, view_kwargs, 400, None, message)
        except MultiPartParserError:
            message = _("The form data cannot be read.")
            return _refuse(request, view_func, view_kwargs, 400, None, message)
        if field is None:
            return None
        message = _("%(field)s: a NUL character (code 0) is not allowed.") % {"field": field}
        status = 422 if request.path.startswith(API_PREFIXES) else 400
        return _refuse(request, view_func, view_kwargs, status, field, message)
