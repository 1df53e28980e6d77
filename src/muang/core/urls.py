"""The platform's own pages, mounted at the site root: health checks, staff sign-in, the organisation switcher,
API tokens, invitations, private files and the staff home page. Their URL names are global ("home", "login", "tokens")."""

from django.urls import path

from muang.core.views import auth, files, health, home, invitations

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", auth.MuangLoginView.as_view(), name="login"),
    path("accounts/logout/", auth.logout_view, name="logout"),
    path("switch-organization/", home.switch_organization_view, name="switch-organization"),
    path("tokens/", home.tokens_view, name="tokens"),
    path("invitations/", invitations.invitations_view, name="invitations"),
    # Private uploads, each after the access check of the app that stores the kind (`file_readers` in its
    # contract, muang.core.uploads). Never a directory on disk.
    path("files/<path:name>", files.private_file, name="private-file"),
    path("", home.home, name="home"),
]
