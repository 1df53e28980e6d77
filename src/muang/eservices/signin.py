"""The applicant's sign-in: a one-time code sent by SMS to the mobile number they give (the taxpayer's sign-in
of `muang.selfservice`, with the phone instead of the tax registry: anyone may apply for a licence, not only
those on the tax register).

The number they prove is who they are at the one-stop counter: "my applications" are those filed with that
number (online, or at the counter by staff), the number every notice about them already goes to. So the sign-in
gives nobody more than the SMS notices already told the holder of the phone.

Rules (each one is tested):
- A Thai mobile number, or a precise form error.
- Codes: 6 digits from `secrets`, only a keyed hash (HMAC with the site's secret key) is stored; valid for 5
  minutes; 5 wrong codes lock the challenge and the number for 15 minutes; a code signs in once.
- At most 5 codes per number and 50 per IP address an hour (carriers put many phones behind one address).
- Every function takes `now` so the rules are tested with explicit times.

The code mechanics (hashing, the lock after wrong codes, delivery, the attempt rules) are core's
(`muang.core.otp`), shared with the taxpayer's sign-in; what is this app's is the subject (the number).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import otp
from muang.core.errors import InvalidInput, MuangError
from muang.core.models import Organization
from muang.core.otp import CODE_TTL, LOCK_TIME, MAX_ATTEMPTS, WINDOW, SignInThrottled
from muang.core.sms import mask_thai_mobile, thai_mobile_local
from muang.eservices.models import ApplicantSignIn

__all__ = ["CODE_TTL", "LOCK_TIME", "MAX_ATTEMPTS", "SignInThrottled", "sign_in_request", "sign_in_verify"]

PHONE_LIMIT_PER_WINDOW = 5
IP_LIMIT_PER_WINDOW = 50
HASH_NAMESPACE = "muang.eservices.code"


@dataclass(frozen=True)
class Issued:
    challenge: ApplicantSignIn
    code: str


def clean_phone(value: str) -> str:
    phone = thai_mobile_local(value or "")
    if phone is None:
        raise InvalidInput.for_field("phone", _("A Thai mobile number, e.g. 081 234 5678."))
    return phone


def _locked_until(organization: Organization, phone: str, now: dt.datetime) -> dt.datetime | None:
    return otp.locked_until(ApplicantSignIn.objects.filter(organization=organization, phone=phone), now)


def _locked_message(until: dt.datetime) -> str:
    return _(
        "Too many wrong codes. For your safety, signing in with this number is locked until %(time)s."
    ) % {"time": otp.local_time(until)}


def sign_in_request(
    *, organization: Organization, phone: str, ip_address: str | None, now: dt.datetime | None = None
) -> Issued:
    """Send a code to `phone`, after the throttles (serialised per number: they cannot be raced past)."""
    now = now or timezone.now()
    phone = clean_phone(phone)
    with transaction.atomic():
        otp.serialise(f"eservices-signin:{organization.pk}:{phone}")
        if until := _locked_until(organization, phone, now):
            raise SignInThrottled(_locked_message(until))
        recent = ApplicantSignIn.objects.filter(created_at__gt=now - WINDOW)
        if recent.filter(organization=organization, phone=phone).count() >= PHONE_LIMIT_PER_WINDOW:
            raise SignInThrottled(_("Too many codes were requested for this number. Try again in an hour."))
        if ip_address and recent.filter(ip_address=ip_address).count() >= IP_LIMIT_PER_WINDOW:
            raise SignInThrottled(_("Too many sign-in attempts from your network. Try again in an hour."))
        code = otp.new_code()
        challenge = ApplicantSignIn(
            organization=organization,
            phone=phone,
            ip_address=ip_address,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        challenge.code_hash = otp.code_hash(HASH_NAMESPACE, challenge.pk, code)
        challenge.save(force_insert=True)
        text = _(
            "%(code)s is your %(org)s e-services sign-in code. It expires in 5 minutes. Never share it."
        ) % {
            "code": code,
            "org": organization.name_th,
        }
        otp.deliver(
            organization=organization,
            mobile=phone,
            code=code,
            text=text,
            challenge_id=challenge.pk,
            hint=mask_thai_mobile(phone),
        )
    return Issued(challenge, code)


def sign_in_verify(*, challenge: ApplicantSignIn, code: str, now: dt.datetime | None = None) -> str:
    """The proven mobile number, when the code is right; otherwise a precise error (and one attempt used)."""
    now = now or timezone.now()
    code = otp.clean_code(code)
    error: MuangError | None
    with transaction.atomic():
        row = ApplicantSignIn.objects.select_for_update().get(
            pk=challenge.pk, organization_id=challenge.organization_id
        )
        error = otp.check_code(
            row,
            code,
            namespace=HASH_NAMESPACE,
            now=now,
            subject_locked_until=_locked_until(row.organization, row.phone, now),
            locked_message=_locked_message,
        )
        row.save(update_fields=["attempts", "used_at", "locked_at"])
    if error is not None:  # raised after the commit: the attempt is counted
        raise error
    return row.phone
