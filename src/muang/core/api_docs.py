"""The API documentation page (/api/v1/docs): Swagger UI from the npm package `swagger-ui-dist`, served by
this installation's static files.

django-ninja renders its docs from a CDN unless `ninja` is an installed app; an offline or locked-down
installation cannot reach a CDN, and a page that runs someone else's script unchecked has no place here.
The page has no inline script (core/api_docs.js reads the settings from a JSON block), ready for a CSP.
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(Swagger):
    template = "core/api_docs.html"

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": settings, "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)
