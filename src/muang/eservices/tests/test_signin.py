"""The applicant's sign-in rules (muang.eservices.signin), each with explicit times."""

import datetime as dt

import pytest

from muang.core.errors import InvalidInput
from muang.core.models import Notification
from muang.eservices.models import ApplicantSignIn
from muang.eservices.signin import SignInThrottled, sign_in_request, sign_in_verify
from muang.eservices.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_goes_by_sms_only_its_hash_is_kept_and_it_signs_in_once(org):
    issued = sign_in_request(organization=org, phone="+66 81 234 5678", ip_address="10.0.0.1", now=NOW)
    row = ApplicantSignIn.objects.get()
    assert row.phone == "0812345678" and issued.code not in row.code_hash
    sms = Notification.objects.get(recipient="0812345678")
    assert issued.code in sms.messages[0]["text"] and sms.subject.startswith("otp:")
    assert sign_in_verify(challenge=row, code=issued.code, now=NOW) == "0812345678"
    with pytest.raises(InvalidInput, match="already used"):
        sign_in_verify(challenge=row, code=issued.code, now=NOW)


def test_a_landline_or_a_malformed_code_is_refused_on_its_field(org):
    with pytest.raises(InvalidInput) as e:
        sign_in_request(organization=org, phone="02 123 4567", ip_address=None, now=NOW)
    assert "phone" in e.value.field_errors
    issued = sign_in_request(organization=org, phone="0812345678", ip_address=None, now=NOW)
    with pytest.raises(InvalidInput, match="6 digits"):
        sign_in_verify(challenge=issued.challenge, code="12ab", now=NOW)


def test_a_code_expires_after_5_minutes(org):
    issued = sign_in_request(organization=org, phone="0812345678", ip_address=None, now=NOW)
    with pytest.raises(InvalidInput, match="expired"):
        sign_in_verify(challenge=issued.challenge, code=issued.code, now=NOW + dt.timedelta(minutes=6))


def test_five_wrong_codes_lock_the_number_for_15_minutes_even_the_right_code(org):
    issued = sign_in_request(organization=org, phone="0812345678", ip_address=None, now=NOW)
    for _ in range(4):
        with pytest.raises(InvalidInput, match="Wrong code"):
            sign_in_verify(challenge=issued.challenge, code=_wrong(issued.code), now=NOW)
    with pytest.raises(SignInThrottled):
        sign_in_verify(challenge=issued.challenge, code=_wrong(issued.code), now=NOW)
    with pytest.raises(SignInThrottled):
        sign_in_verify(challenge=issued.challenge, code=issued.code, now=NOW)
    with pytest.raises(SignInThrottled):  # a new code for the locked number is refused too
        sign_in_request(
            organization=org, phone="0812345678", ip_address=None, now=NOW + dt.timedelta(minutes=1)
        )
    later = NOW + dt.timedelta(minutes=16)
    fresh = sign_in_request(organization=org, phone="0812345678", ip_address=None, now=later)
    assert sign_in_verify(challenge=fresh.challenge, code=fresh.code, now=later) == "0812345678"


def test_at_most_5_codes_per_number_an_hour(org):
    for minute in range(5):
        sign_in_request(
            organization=org, phone="0812345678", ip_address=None, now=NOW + dt.timedelta(minutes=minute)
        )
    with pytest.raises(SignInThrottled):
        sign_in_request(
            organization=org, phone="0812345678", ip_address=None, now=NOW + dt.timedelta(minutes=6)
        )
    sign_in_request(organization=org, phone="0812345678", ip_address=None, now=NOW + dt.timedelta(minutes=61))


def test_at_most_50_codes_per_ip_address_an_hour(org):
    for n in range(50):
        sign_in_request(organization=org, phone=f"08{n:08d}", ip_address="10.0.0.9", now=NOW)
    with pytest.raises(SignInThrottled, match="network"):
        sign_in_request(organization=org, phone="0899999999", ip_address="10.0.0.9", now=NOW)
    sign_in_request(organization=org, phone="0899999999", ip_address="10.0.0.10", now=NOW)
