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
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muang.core.errors import InvalidInput, MuangError
from muang.core.models import Notification, Organization
from muang.core.outbox import SECRET_SUBJECT_PREFIX, notification_enqueue
from muang.core.sms import SmsAdapter, mask_thai_mobile, thai_mobile_local
from muang.eservices.models import ApplicantSignIn

logger = logging.getLogger("muang.eservices")

CODE_TTL = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
LOCK_TIME = dt.timedelta(minutes=15)
WINDOW = dt.timedelta(hours=1)
PHONE_LIMIT_PER_WINDOW = 5
IP_LIMIT_PER_WINDOW = 50
_CODE = re.compile(r"^\d{6}$")


class SignInThrottled(MuangError):
    status = 429
    code = "throttled"
    title = gettext_lazy("Too many attempts")


@dataclass(frozen=True)
class Issued:
    challenge: ApplicantSignIn
    code: str


def clean_phone(value: str) -> str:
    phone = thai_mobile_local(value or "")
    if phone is None:
        raise InvalidInput.for_field("phone", _("A Thai mobile number, e.g. 081 234 5678."))
    return phone


def _code_hash(challenge_id, code: str) -> str:
    return salted_hmac("muang.eservices.code", f"{challenge_id}:{code}", algorithm="sha256").hexdigest()


def _locked_until(organization: Organization, phone: str, now: dt.datetime) -> dt.datetime | None:
    locked = (
        ApplicantSignIn.objects.filter(organization=organization, phone=phone, locked_at__gt=now - LOCK_TIME)
        .order_by("-locked_at")
        .values_list("locked_at", flat=True)
        .first()
    )
    return locked + LOCK_TIME if locked else None


def _locked_message(until: dt.datetime) -> str:
    return _(
        "Too many wrong codes. For your safety, signing in with this number is locked until %(time)s."
    ) % {"time": timezone.localtime(until).strftime("%H:%M")}


def sign_in_request(
    *, organization: Organization, phone: str, ip_address: str | None, now: dt.datetime | None = None
) -> Issued:
    """Send a code to `phone`, after the throttles (serialised per number: they cannot be raced past)."""
    now = now or timezone.now()
    phone = clean_phone(phone)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"eservices-signin:{organization.pk}:{phone}"]
            )
        if until := _locked_until(organization, phone, now):
            raise SignInThrottled(_locked_message(until))
        recent = ApplicantSignIn.objects.filter(created_at__gt=now - WINDOW)
        if recent.filter(organization=organization, phone=phone).count() >= PHONE_LIMIT_PER_WINDOW:
            raise SignInThrottled(_("Too many codes were requested for this number. Try again in an hour."))
        if ip_address and recent.filter(ip_address=ip_address).count() >= IP_LIMIT_PER_WINDOW:
            raise SignInThrottled(_("Too many sign-in attempts from your network. Try again in an hour."))
        code = f"{secrets.randbelow(10**6):06d}"
        challenge = ApplicantSignIn(
            organization=organization,
            phone=phone,
            ip_address=ip_address,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        challenge.code_hash = _code_hash(challenge.pk, code)
        challenge.save(force_insert=True)
        text = _(
            "%(code)s is your %(org)s e-services sign-in code. It expires in 5 minutes. Never share it."
        ) % {
            "code": code,
            "org": organization.name_th,
        }
        if (settings.DEBUG or settings.MUANG_SMS_CONSOLE) and SmsAdapter.from_settings() is None:
            logger.warning(
                "DEVELOPMENT (no SMS gateway configured): sign-in code for %s is %s",
                mask_thai_mobile(phone),
                code,
            )
        else:
            notification_enqueue(
                organization=organization,
                channel=Notification.Channel.SMS,
                recipient=phone,
                messages=[{"type": "text", "text": text}],
                subject=f"{SECRET_SUBJECT_PREFIX}{challenge.pk}",
            )
    return Issued(challenge, code)


def sign_in_verify(*, challenge: ApplicantSignIn, code: str, now: dt.datetime | None = None) -> str:
    """The proven mobile number, when the code is right; otherwise a precise error (and one attempt used)."""
    now = now or timezone.now()
    code = re.sub(r"\s", "", code or "")
    if not _CODE.match(code):
        raise InvalidInput.for_field("code", _("The code has 6 digits."))
    error: MuangError | None = None
    with transaction.atomic():
        row = ApplicantSignIn.objects.select_for_update().get(
            pk=challenge.pk, organization_id=challenge.organization_id
        )
        if row.used_at is not None:
            error = InvalidInput.for_field("code", _("This code was already used. Ask for a new one."))
        elif until := _locked_until(row.organization, row.phone, now):
            error = SignInThrottled(_locked_message(until))
        elif now > row.expires_at:
            error = InvalidInput.for_field("code", _("This code has expired. Ask for a new one."))
        else:
            row.attempts += 1
            if constant_time_compare(_code_hash(row.pk, code), row.code_hash):
                row.used_at = now
            elif row.attempts >= MAX_ATTEMPTS:
                row.locked_at = now
                error = SignInThrottled(_locked_message(now + LOCK_TIME))
            else:
                error = InvalidInput.for_field(
                    "code", _("Wrong code. You have %(n)s more tries.") % {"n": MAX_ATTEMPTS - row.attempts}
                )
            row.save(update_fields=["attempts", "used_at", "locked_at"])
    if error is not None:  # raised after the commit: the attempt is counted
        raise error
    return row.phone
