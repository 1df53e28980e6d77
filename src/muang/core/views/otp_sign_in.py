"""The two pages of a citizen's sign-in by one-time SMS code, once for every app that has one: the taxpayer's
(national ID, `muang.selfservice`) and the applicant's or household's (mobile number, `muang.eservices`).

The apps differ in the form, what they send the code to, their session and their pages' wording; the steps do
not, so each app's views call these with their own pieces (the mechanics of the codes are `muang.core.otp`):

1. `ask_for_code`: the form that names who signs in; a valid POST asks the app's service for a code and goes to
   the code page (carrying `next`); a refusal stays on the form, on the field it names (422, or 429 when
   throttled), and someone already signed in goes straight to `next`.
2. `check_code`: the form for the code; the right code signs in and goes to `next`; a wrong, expired or used one
   stays on the form, the attempt counted (422 or 429).

`next` is the app's own `_safe_next` (a path inside the app, never another site)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from muang.core.errors import MuangError
from muang.core.form_errors import add_service_errors

REFUSAL_STATUSES = (422, 429)


def refusal_status(error: MuangError) -> int:
    """The page's status for a refused step: 429 when throttled, 422 for everything else about the input."""
    return error.status if error.status in REFUSAL_STATUSES else 422


def pending_challenge(model, organization, challenge_id: str | None):
    """The challenge the session remembers (`challenge_id`, as the app's session keeps it), of `organization`
    only; None when there is none or the id is not a UUID (a tampered cookie)."""
    if not challenge_id:
        return None
    try:
        pk = uuid.UUID(challenge_id)
    except ValueError:
        return None
    return model.objects.filter(organization=organization, pk=pk).first()


def _page(
    request: HttpRequest, template: str, context: Mapping[str, Any], form: forms.Form, status: int
) -> HttpResponse:
    return render(
        request, template, {**context, "form": form, "next": request.GET.get("next", "")}, status=status
    )


def ask_for_code(
    request: HttpRequest,
    *,
    signed_in: bool,
    form: forms.Form,
    field: str,
    send: Callable[[dict[str, Any]], object],
    code_url: str,
    next_url: str,
    template: str,
    context: Mapping[str, Any],
) -> HttpResponse:
    """Step 1. `send(cleaned_data)` asks the app's service for a code and remembers the challenge in the
    session (raising `MuangError` when refused); `field` is where a refusal naming no field goes."""
    if signed_in:
        return redirect(next_url)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                send(form.cleaned_data)
            except MuangError as e:
                add_service_errors(form, e, default_field=field)
                status = refusal_status(e)
            else:
                return redirect(f"{code_url}?next={next_url}")
    return _page(request, template, context, form, status)


def check_code(
    request: HttpRequest,
    *,
    form: forms.Form,
    verify: Callable[[str], object],
    next_url: str,
    template: str,
    context: Callable[[], Mapping[str, Any]],
) -> HttpResponse:
    """Step 2. `verify(code)` checks the code with the app's service and signs in (raising `MuangError` when
    refused; the service has counted the attempt). `context()` is built after the attempt, so what it shows
    (tries left, when a new code may be asked for) is as the attempt left it."""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                verify(form.cleaned_data["code"])
            except MuangError as e:
                add_service_errors(form, e, default_field="code")
                status = refusal_status(e)
            else:
                return redirect(next_url)
    return _page(request, template, context(), form, status)
