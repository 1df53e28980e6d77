"""The site's URLs: the platform's own mounts, then every installed app's (`AppContract.urls`, in app order)."""

from functools import partial

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from muang.core import registry
from muang.core.views.pages import public_page

# The platform's error pages (Thai first, no technical detail).
handler404 = "muang.core.views.errors.page_not_found"
handler500 = "muang.core.views.errors.server_error"


def build_urlpatterns(api=None) -> list:
    from muang.api import api as default_api

    patterns = [
        path("api/v1/", (api or default_api).urls),
        path("admin/", admin.site.urls),
        path("i18n/", include("django.conf.urls.i18n")),
        *registry.urlpatterns(),
    ]
    if not settings.PRODUCTION:
        # Public media (organisation logos). In production the reverse proxy serves MEDIA_ROOT.
        media = public_page(
            "a local install's public media (organisation logos); in production the proxy serves them"
        )(
            partial(serve)  # a copy: the declaration is not written on Django's own function
        )
        patterns.append(
            path("media/<path:path>", media, {"document_root": settings.MEDIA_ROOT}, name="media")
        )
    return patterns


urlpatterns = build_urlpatterns()
