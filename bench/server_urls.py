"""The project's URLs plus `/bench/empty`: a view that does nothing, behind the same middleware as every page
(sessions, CSRF, locale, auth...), so that a benchmark can show what the framework alone costs."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from muang.urls import urlpatterns as project_urlpatterns


def empty(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/empty", empty, name="bench-empty"), *project_urlpatterns]
