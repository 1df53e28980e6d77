"""The platform's own pages, mounted at the site root: health checks, staff sign-in, the organisation switcher,
API tokens and the staff home page. Their URL names are global ("home", "login", "tokens")."""

from django.urls import path

from muang.core.views import auth, health, home

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", auth.MuangLoginView.as_view(), name="login"),
    path("accounts/logout/", auth.logout_view, name="logout"),
    path("switch-organization/", home.switch_organization_view, name="switch-organization"),
    path("tokens/", home.tokens_view, name="tokens"),
    path("", home.home, name="home"),
]
