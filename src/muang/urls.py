from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from muang.api import api
from muang.core.views import auth, files, health, home, invitations

handler404 = "muang.core.views.errors.page_not_found"
handler500 = "muang.core.views.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("line/", include("muang.reports.line.urls")),
    path("open311/v2/", include("muang.reports.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth.MuangLoginView.as_view(), name="login"),
    path("accounts/logout/", auth.logout_view, name="logout"),
    path("switch-organization/", home.switch_organization_view, name="switch-organization"),
    path("tokens/", home.tokens_view, name="tokens"),
    path("invitations/", invitations.invitations_view, name="invitations"),
    # Private uploads, each after its app's access check (muang.core.uploads). Never a directory on disk.
    path("files/<path:name>", files.private_file, name="private-file"),
    path("tax/map/", include("muang.property.urls_map")),
    path("tax/", include("muang.property.urls_office")),
    path("billing/", include("muang.billing.urls")),
    path("my-tax/", include("muang.selfservice.urls")),
    path("", include("muang.reports.urls")),
    path("", home.home, name="home"),
]

if not settings.PRODUCTION:
    # Public media (organisation logos). In production the reverse proxy serves MEDIA_ROOT.
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
