"""The 404 and 500 pages (handler404 / handler500 in muang.urls): Thai first, with a way back home.

Under /api/ the ProblemJsonMiddleware turns both into problem+json before they reach a person.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from muang.core.errors import MuangError


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Says what was not found when a domain error said it (a view raised Http404 from a NotFound, in the
    reader's language); Django's own messages (English, technical: "Resolver404") are not shown."""
    message = ""
    if isinstance(exception.__cause__, MuangError) and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors: they read the database, which may be what failed."""
    context = {"site_name": settings.MUANG_SITE_NAME, "request_id": getattr(request, "id", "")}
    try:
        html = loader.get_template("500.html").render(context)
    except Exception:  # the error page itself must not fail
        return HttpResponseServerError("500 Internal Server Error", content_type="text/plain")
    return HttpResponseServerError(html)
