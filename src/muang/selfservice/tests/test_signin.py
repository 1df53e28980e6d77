"""Signing in with the national ID and a one-time code: the services with explicit times, then the pages."""

import datetime as dt
import logging

import pytest
from django.test import Client
from django.urls import reverse

from muang.core.models import Notification
from muang.property.tests.factories import OwnerFactory, national_id, wrong_check_digit
from muang.selfservice.models import SignInChallenge
from muang.selfservice.services import signin
from muang.selfservice.services.signin import SignInThrottled, sign_in_request, sign_in_resend, sign_in_verify
from muang.selfservice.tests.factories import build_town

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def town(areas):
    return build_town()


def request(town, tax_id, *, ip="10.0.0.1", now=T0):
    return sign_in_request(organization=town.org, tax_id=tax_id, ip_address=ip, now=now)


# --- the ID --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter your 13-digit national ID or tax ID."),
        ("12345", "An ID has 13 digits; you entered 5."),
        ("12345678901234", "An ID has 13 digits; you entered 14."),
        ("1-2345-6789O-12-3", "Use digits only (spaces and dashes are fine)."),
    ],
)
def test_malformed_ids_get_a_precise_error(town, value, message):
    with pytest.raises(signin.InvalidInput) as e:
        request(town, value)
    assert e.value.field_errors == {"tax_id": [message]}
    assert not SignInChallenge.objects.exists()


def test_a_wrong_check_digit_is_named(town):
    with pytest.raises(signin.InvalidInput) as e:
        request(town, wrong_check_digit(town.owner.national_id))
    assert "last digit does not match" in e.value.detail


def test_thai_digits_dashes_and_spaces_are_accepted(town):
    digits = town.owner.national_id
    thai = digits.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    formatted = f"{thai[0]} {thai[1:5]}-{thai[5:10]}-{thai[10:12]}-{thai[12]}"
    issued = request(town, formatted)
    assert issued.challenge.owner == town.owner and issued.code


def test_a_code_goes_to_the_mobile_on_file_through_the_sms_outbox(town):
    issued = request(town, town.owner.national_id)
    assert issued.challenge.phone_hint == "08x-xxx-5678"
    n = Notification.objects.get(channel=Notification.Channel.SMS)
    assert n.recipient == "0812345678" and n.organization == town.org
    assert n.subject == f"otp:{issued.challenge.pk}"
    assert issued.code in n.messages[0]["text"]
    # Only a keyed hash is stored.
    assert len(issued.challenge.code_hash) == 64 and issued.challenge.code_hash != issued.code


def test_an_unknown_id_looks_exactly_like_a_known_one_and_nothing_is_sent(town):
    unknown = national_id(987_654)
    first = request(town, unknown)
    again = request(town, unknown, now=T0 + dt.timedelta(minutes=1))
    assert first.code is None and first.challenge.owner is None
    assert first.challenge.phone_hint == again.challenge.phone_hint  # stable, so asking twice reveals nothing
    assert (
        first.challenge.phone_hint[:2] in ("06", "08", "09") and first.challenge.phone_hint[2:8] == "x-xxx-"
    )
    assert not Notification.objects.exists()
    # Whatever code is tried, it is wrong, with the same message a taxpayer gets.
    with pytest.raises(signin.InvalidInput) as e:
        sign_in_verify(challenge=first.challenge, code="123456", now=T0)
    assert e.value.detail == "Wrong code. You have 4 more tries."


def test_a_taxpayer_without_a_mobile_number_is_treated_like_an_unknown_id(town):
    landline = OwnerFactory(organization=town.org, phone="043-241234")
    issued = request(town, landline.national_id)
    assert issued.code is None and issued.challenge.owner is None
    assert not Notification.objects.exists()


def test_the_same_person_in_another_organisation_is_not_signed_in_here(town):
    issued = sign_in_request(
        organization=town.other_org, tax_id=town.owner.national_id, ip_address=None, now=T0
    )
    assert sign_in_verify(challenge=issued.challenge, code=issued.code, now=T0) == town.twin


# --- the code ------------------------------------------------------------------------------------------------


def test_the_right_code_signs_in_once(town):
    issued = request(town, town.owner.national_id)
    assert (
        sign_in_verify(challenge=issued.challenge, code=issued.code, now=T0 + dt.timedelta(minutes=4))
        == town.owner
    )
    with pytest.raises(signin.InvalidInput, match="already used"):
        sign_in_verify(challenge=issued.challenge, code=issued.code, now=T0 + dt.timedelta(minutes=4))


def test_a_wrong_code_counts_down(town):
    issued = request(town, town.owner.national_id)
    wrong = f"{(int(issued.code) + 1) % 1_000_000:06d}"
    with pytest.raises(signin.InvalidInput) as e:
        sign_in_verify(challenge=issued.challenge, code=wrong, now=T0)
    assert e.value.field_errors == {"code": ["Wrong code. You have 4 more tries."]}
    assert SignInChallenge.objects.get(pk=issued.challenge.pk).attempts == 1


def test_a_code_that_is_not_six_digits_does_not_use_an_attempt(town):
    issued = request(town, town.owner.national_id)
    with pytest.raises(signin.InvalidInput, match="6 digits"):
        sign_in_verify(challenge=issued.challenge, code="12 34", now=T0)
    assert SignInChallenge.objects.get(pk=issued.challenge.pk).attempts == 0


def test_the_code_expires_after_five_minutes(town):
    issued = request(town, town.owner.national_id)
    later = T0 + signin.CODE_TTL + dt.timedelta(seconds=1)
    with pytest.raises(signin.InvalidInput, match="expired"):
        sign_in_verify(challenge=issued.challenge, code=issued.code, now=later)


def test_five_wrong_codes_lock_the_id_for_fifteen_minutes(town):
    issued = request(town, town.owner.national_id)
    wrong = f"{(int(issued.code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        with pytest.raises(signin.InvalidInput):
            sign_in_verify(challenge=issued.challenge, code=wrong, now=T0)
    with pytest.raises(SignInThrottled, match="locked until"):
        sign_in_verify(challenge=issued.challenge, code=wrong, now=T0)
    # Even the right code no longer works, and no new code can be asked for this ID for 15 minutes.
    with pytest.raises(SignInThrottled):
        sign_in_verify(challenge=issued.challenge, code=issued.code, now=T0 + dt.timedelta(minutes=1))
    with pytest.raises(SignInThrottled, match="locked until"):
        request(town, town.owner.national_id, now=T0 + dt.timedelta(minutes=14))
    fresh = request(town, town.owner.national_id, now=T0 + dt.timedelta(minutes=16))
    assert sign_in_verify(challenge=fresh.challenge, code=fresh.code, now=T0 + dt.timedelta(minutes=16))


def test_a_new_code_only_after_sixty_seconds_and_at_most_three_sends(town):
    issued = request(town, town.owner.national_id)
    with pytest.raises(SignInThrottled, match="wait 31 seconds"):
        sign_in_resend(challenge=issued.challenge, now=T0 + dt.timedelta(seconds=30))
    second = sign_in_resend(challenge=issued.challenge, now=T0 + dt.timedelta(seconds=61))
    assert second.code and Notification.objects.filter(channel="sms").count() == 2
    third = sign_in_resend(challenge=issued.challenge, now=T0 + dt.timedelta(seconds=125))
    with pytest.raises(SignInThrottled, match="No more codes"):
        sign_in_resend(challenge=issued.challenge, now=T0 + dt.timedelta(seconds=200))
    # Only the latest code works; a resend extends the five minutes.
    if third.code != issued.code:
        with pytest.raises(signin.InvalidInput, match="Wrong code"):
            sign_in_verify(challenge=issued.challenge, code=issued.code, now=T0 + dt.timedelta(seconds=130))
    assert sign_in_verify(challenge=issued.challenge, code=third.code, now=T0 + dt.timedelta(seconds=400))


def test_at_most_five_codes_an_hour_per_id(town):
    for i in range(signin.ID_LIMIT_PER_WINDOW):
        request(town, town.owner.national_id, ip=f"10.0.1.{i}", now=T0 + dt.timedelta(minutes=i))
    with pytest.raises(SignInThrottled, match="for this ID"):
        request(town, town.owner.national_id, ip="10.0.2.1", now=T0 + dt.timedelta(minutes=10))
    assert request(town, town.owner.national_id, now=T0 + dt.timedelta(minutes=61)).code


def test_sign_ins_are_limited_per_ip_address(town):
    for i in range(signin.IP_LIMIT_PER_WINDOW):
        request(town, national_id(500 + i), ip="203.0.113.7", now=T0)
    with pytest.raises(SignInThrottled, match="from your network"):
        request(town, town.owner.national_id, ip="203.0.113.7", now=T0)
    assert request(town, town.owner.national_id, ip="203.0.113.8", now=T0).code


def test_wrong_codes_are_also_limited_per_ip_address(town):
    for i in range(signin.IP_WRONG_CODES_PER_WINDOW // (signin.MAX_ATTEMPTS - 1)):
        issued = request(town, national_id(700 + i), ip="203.0.113.9", now=T0)
        for _ in range(signin.MAX_ATTEMPTS - 1):
            with pytest.raises(signin.InvalidInput):
                sign_in_verify(challenge=issued.challenge, code="000000", now=T0)
    issued = request(town, town.owner.national_id, ip="203.0.113.9", now=T0)
    for _ in range(signin.IP_WRONG_CODES_PER_WINDOW % (signin.MAX_ATTEMPTS - 1)):
        with pytest.raises(signin.InvalidInput):
            sign_in_verify(challenge=issued.challenge, code="000000", now=T0)
    with pytest.raises(SignInThrottled, match="from your network"):
        sign_in_verify(challenge=issued.challenge, code=issued.code, now=T0)


@pytest.mark.parametrize("switch", ["DEBUG", "MUANG_SMS_CONSOLE"])
def test_in_development_without_a_gateway_the_code_is_printed(town, settings, caplog, switch):
    setattr(settings, switch, True)
    settings.MUANG_SMS_API_KEY = ""
    with caplog.at_level(logging.WARNING, logger="muang.selfservice"):
        issued = request(town, town.owner.national_id)
    assert f"sign-in code for 08x-xxx-5678 is {issued.code}" in caplog.text
    assert not Notification.objects.exists()


def test_with_a_gateway_the_code_goes_by_sms_even_in_development(town, settings):
    settings.MUANG_SMS_CONSOLE = True
    settings.MUANG_SMS_API_KEY, settings.MUANG_SMS_API_SECRET = "key", "secret"
    request(town, town.owner.national_id)
    assert Notification.objects.get().channel == Notification.Channel.SMS


# --- the pages ----------------------------------------------------------------------------------------------


def _post_id(client, town, tax_id, **extra):
    return client.post(reverse("selfservice:sign-in", args=[town.org.slug]), {"tax_id": tax_id}, **extra)


def test_the_pages_sign_in_and_out_without_a_staff_login(town):
    client = Client()
    home = reverse("selfservice:home", args=[town.org.slug])
    assert client.get(home).url.startswith(reverse("selfservice:sign-in", args=[town.org.slug]))
    response = _post_id(client, town, town.owner.national_id)
    assert response.status_code == 302 and "/code/" in response.url
    page = client.get(response.url)
    assert "08x-xxx-5678" in page.content.decode()
    code = Notification.objects.get().messages[0]["text"][:6]
    response = client.post(response.url, {"code": code})
    assert response.status_code == 302 and response.url == home
    page = client.get(home)
    assert page.status_code == 200 and town.owner.display_name in page.content.decode()
    assert page.wsgi_request.user.is_anonymous  # a taxpayer is never a staff user
    assert page["Cache-Control"] == "no-store, private"
    client.post(reverse("selfservice:sign-out", args=[town.org.slug]))
    assert client.get(home).status_code == 302


def test_the_session_key_changes_at_sign_in(town):
    client = Client()
    _post_id(client, town, town.owner.national_id)
    before = client.session.session_key
    code = Notification.objects.get().messages[0]["text"][:6]
    client.post(reverse("selfservice:code", args=[town.org.slug]), {"code": code})
    assert client.session.session_key != before


def test_the_page_answers_the_same_for_an_unknown_id(town):
    known, unknown = Client(), Client()
    a = known.get(_post_id(known, town, town.owner.national_id).url)
    b = unknown.get(_post_id(unknown, town, national_id(424_242)).url)
    text_a = a.content.decode().replace(a.context["challenge"].phone_hint, "HINT")
    text_b = b.content.decode().replace(b.context["challenge"].phone_hint, "HINT")
    strip = lambda t: "\n".join(line for line in t.splitlines() if "csrf" not in line.lower())  # noqa: E731
    assert strip(text_a) == strip(text_b)


def test_form_errors_are_shown_on_the_field(town):
    client = Client()
    response = _post_id(client, town, wrong_check_digit(town.owner.national_id))
    assert response.status_code == 422
    assert 'data-field="tax_id"' in response.content.decode()
    assert "last digit does not match" in response.content.decode()


def test_a_wrong_code_on_the_page_shows_the_tries_left(town):
    client = Client()
    url = _post_id(client, town, town.owner.national_id).url
    code = Notification.objects.get().messages[0]["text"][:6]
    response = client.post(url, {"code": f"{(int(code) + 1) % 1_000_000:06d}"})
    assert response.status_code == 422 and "You have 4 more tries." in response.content.decode()


def test_the_code_page_needs_an_id_first(town):
    response = Client().get(reverse("selfservice:code", args=[town.org.slug]))
    assert response.status_code == 302 and response.url == reverse(
        "selfservice:sign-in", args=[town.org.slug]
    )


def test_throttling_on_the_page_answers_429(town):
    client = Client()
    for _ in range(signin.ID_LIMIT_PER_WINDOW):
        _post_id(client, town, town.owner.national_id)
    response = _post_id(client, town, town.owner.national_id)
    assert response.status_code == 429 and "Too many codes" in response.content.decode()


def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled(town, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    client = Client()
    _post_id(client, town, town.owner.national_id, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.50")
    assert SignInChallenge.objects.get().ip_address == "203.0.113.50"  # what our proxy saw, not the claim


def test_without_a_proxy_the_forwarded_header_is_ignored(town):
    _post_id(Client(), town, town.owner.national_id, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert SignInChallenge.objects.get().ip_address == "127.0.0.1"
