"""The shared two pages of the citizens' sign-in by SMS code (core/views/otp_sign_in.py), with a form and
services of the test's own: what each step answers, where a refusal goes, and what is called when. The apps'
own tests (eservices, selfservice, and their Chromium walks) cover the pieces each app passes in."""

import pytest
from django import forms
from django.test import RequestFactory

from muang.core.errors import InvalidInput, MuangError
from muang.core.otp import SignInThrottled
from muang.core.views import otp_sign_in


class IdForm(forms.Form):
    tax_id = forms.CharField(max_length=13)


class CodeForm(forms.Form):
    code = forms.CharField(max_length=6)


@pytest.fixture(autouse=True)
def page_template(settings, tmp_path):
    (tmp_path / "page.html").write_text(
        "{{ who }}|{{ next }}|{% for f in form %}{{ f.name }}:{{ f.errors|join:';' }}{% endfor %}"
        "|{{ form.non_field_errors|join:';' }}"
    )
    settings.TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [tmp_path]}]


def _ask(request, *, send, signed_in=False):
    return otp_sign_in.ask_for_code(
        request,
        signed_in=signed_in,
        form=IdForm(request.POST or None),
        field="tax_id",
        send=send,
        code_url="/app/code/",
        next_url="/app/home/",
        template="page.html",
        context={"who": "town"},
    )


def _never(_data):
    raise AssertionError("nothing is sent")


def test_the_form_is_shown_with_the_next_page_it_carries():
    r = _ask(RequestFactory().get("/app/?next=/app/bills/"), send=_never)
    assert r.status_code == 200 and r.content.decode().startswith("town|/app/bills/|tax_id:")


def test_someone_signed_in_goes_straight_on():
    r = _ask(RequestFactory().get("/app/"), send=_never, signed_in=True)
    assert r.status_code == 302 and r["Location"] == "/app/home/"


def test_a_bad_form_is_422_and_sends_nothing():
    r = _ask(RequestFactory().post("/app/", {"tax_id": ""}), send=_never)
    assert (
        r.status_code == 422
        and r.content.decode().startswith("town||tax_id:")
        and not r.content.decode().endswith("tax_id:|")
    )


@pytest.mark.parametrize(
    ("error", "status", "shown"),
    [
        (
            MuangError("No such person here."),
            422,
            "tax_id:No such person here.",
        ),  # names no field: on `field`
        (InvalidInput.for_field("tax_id", "Check the digits."), 422, "tax_id:Check the digits."),
        (SignInThrottled("Try again at 10:15."), 429, "tax_id:Try again at 10:15."),
    ],
    ids=["no-field", "on-the-field", "throttled"],
)
def test_a_refused_request_stays_on_the_form_with_the_reason(error, status, shown):
    def send(_data):
        raise error

    r = _ask(RequestFactory().post("/app/", {"tax_id": "1234567890123"}), send=send)
    assert r.status_code == status and shown in r.content.decode()


def test_a_sent_code_goes_to_the_code_page_carrying_next():
    sent = []
    r = _ask(RequestFactory().post("/app/", {"tax_id": "1234567890123"}), send=sent.append)
    assert sent == [{"tax_id": "1234567890123"}]
    assert r.status_code == 302 and r["Location"] == "/app/code/?next=/app/home/"


def _check(request, *, verify, events):
    def context():
        events.append("context")
        return {"who": "town"}

    return otp_sign_in.check_code(
        request,
        form=CodeForm(request.POST or None),
        verify=verify,
        next_url="/app/home/",
        template="page.html",
        context=context,
    )


def test_the_right_code_signs_in_and_goes_to_next():
    events = []
    r = _check(RequestFactory().post("/app/code/", {"code": "123456"}), verify=events.append, events=events)
    assert events == ["123456"] and r.status_code == 302 and r["Location"] == "/app/home/"


@pytest.mark.parametrize(
    ("error", "status"),
    [(InvalidInput.for_field("code", "Wrong code."), 422), (SignInThrottled("Locked."), 429)],
    ids=["wrong", "locked"],
)
def test_a_refused_code_stays_on_the_form_and_the_page_is_built_after_the_attempt(error, status):
    events = []

    def verify(code):
        events.append(code)
        raise error

    r = _check(RequestFactory().post("/app/code/", {"code": "000000"}), verify=verify, events=events)
    assert r.status_code == status and f"code:{error.detail}" in r.content.decode()
    assert events == ["000000", "context"]


def test_a_bad_code_form_is_422_and_checks_nothing():
    events = []
    r = _check(RequestFactory().post("/app/code/", {"code": ""}), verify=events.append, events=events)
    assert r.status_code == 422 and events == ["context"]


@pytest.mark.parametrize("challenge_id", [None, "", "not-a-uuid"])
def test_no_pending_challenge_without_a_valid_id(challenge_id):
    assert otp_sign_in.pending_challenge(object, None, challenge_id) is None
