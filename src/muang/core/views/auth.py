"""Staff sign-in: one message for an unknown user and a wrong password, throttled by django-axes."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from muang.core.views.pages import public_page


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        # The same words whether the user exists or not: no account enumeration.
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("The username or password is not correct."),
    }
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in, with the staff form's username check: Django's own sets max_length after its
    validators are built, so an overlong name went on to the lockout table (varchar 255): a 500."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


@method_decorator(public_page("the staff sign-in form, throttled by django-axes"), name="dispatch")
class MuangLoginView(LoginView):
    template_name = "core/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # LoginView names the site after the request's host ("127.0.0.1:8000"), which would replace the
        # installation's name (MUANG_SITE_NAME, from the context processor) in the header.
        context.pop("site", None)
        context.pop("site_name", None)
        return context


def lockout(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """Shown instead of the login result once too many attempts failed (AXES_LOCKOUT_CALLABLE)."""
    form = StaffAuthenticationForm(request)
    form.errors.clear()
    return render(
        request,
        "core/login.html",
        {"form": form, "locked_out": True},
        status=429,
    )


@public_page("signing out needs no right; without a session it only redirects")
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out, and have the browser forget the session's HTTP cache (Clear-Site-Data: "cache"). Not the
    storage: it holds work not yet sent that must survive the session (the care visits' outbox of forms
    filled without a signal, kept per account and sent only once that account signs in again, never shown to
    another). The service workers' copies of pages already opened go too: core/base.js empties the Cache
    Storage before the sign-out is posted. A phone is often shared: the next person finds no page of the last
    one's."""
    logout(request)
    response = redirect("login")
    response["Clear-Site-Data"] = '"cache"'
    return response
