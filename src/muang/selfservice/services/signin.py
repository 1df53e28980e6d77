"""Taxpayer sign-in with the national ID (or juristic tax ID) and a one-time code sent by SMS.

Rules (each one is tested):
- The ID must be 13 digits with a correct check digit (THAI-RULES §5): precise form errors.
- Unknown IDs, and taxpayers without a mobile number on file, get exactly the same pages and messages as
  taxpayers with one; nothing is sent to them. The masked number shown for them is derived from a keyed hash
  of the ID, so asking twice shows the same number and the page does not tell who is a taxpayer.
- Codes: 6 digits from `secrets`, only a keyed hash (HMAC with the site's secret key) is stored; valid for
  5 minutes; 5 wrong codes lock the challenge and the ID for 15 minutes.
- A new code may be sent after 60 seconds, at most 3 sends per challenge.
- At most 5 challenges per ID and 50 per IP address an hour, and 100 wrong codes per IP address an hour.
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
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muang.core.errors import InvalidInput, MuangError
from muang.core.models import Notification, Organization
from muang.core.outbox import SECRET_SUBJECT_PREFIX, notification_enqueue
from muang.core.sms import SmsAdapter, mask_thai_mobile, thai_mobile_local
from muang.core.thai_id import ID_LENGTH, national_id_check_digit, normalize_thai_id
from muang.property.models import Owner
from muang.selfservice.models import SignInChallenge

logger = logging.getLogger("muang.selfservice")

CODE_DIGITS = 6
CODE_TTL = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
LOCK_TIME = dt.timedelta(minutes=15)
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_SENDS = 3
WINDOW = dt.timedelta(hours=1)
ID_LIMIT_PER_WINDOW = 5
# Generous: mobile carriers put many citizens behind one address (CGNAT), and unknown IDs cost no SMS.
IP_LIMIT_PER_WINDOW = 50
IP_WRONG_CODES_PER_WINDOW = 100
_CODE = re.compile(r"^\d{6}$")


class SignInThrottled(MuangError):
    status = 429
    code = "throttled"
    title = gettext_lazy("Too many attempts")


@dataclass(frozen=True)
class Issued:
    challenge: SignInChallenge
    code: str | None  # None when nothing was sent (unknown ID, no mobile number on file)


def clean_tax_id(value: str) -> str:
    """13 ASCII digits with a correct check digit, or InvalidInput on `tax_id` saying exactly what is wrong."""
    digits = normalize_thai_id(value or "")
    if not digits:
        raise InvalidInput.for_field("tax_id", _("Enter your 13-digit national ID or tax ID."))
    if not digits.isascii() or not digits.isdigit():
        raise InvalidInput.for_field("tax_id", _("Use digits only (spaces and dashes are fine)."))
    if len(digits) != ID_LENGTH:
        raise InvalidInput.for_field(
            "tax_id", _("An ID has 13 digits; you entered %(n)s.") % {"n": len(digits)}
        )
    if national_id_check_digit(digits[:12]) != digits[12]:
        raise InvalidInput.for_field(
            "tax_id", _("This ID is not valid: its last digit does not match. Check the number on your card.")
        )
    return digits


def id_digest(organization: Organization, tax_id: str) -> str:
    return salted_hmac("muang.selfservice.id", f"{organization.pk}:{tax_id}", algorithm="sha256").hexdigest()


def _code_hash(challenge_id, code: str) -> str:
    return salted_hmac("muang.selfservice.code", f"{challenge_id}:{code}", algorithm="sha256").hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _decoy_hint(digest: str) -> str:
    """A stable, plausible masked number for an ID with no mobile on file (see the module docstring)."""
    prefix = "0" + "689"[int(digest[0], 16) % 3]
    return f"{prefix}x-xxx-{int(digest[1:9], 16) % 10000:04d}"


def _time(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M")


def _lock_until(organization: Organization, digest: str, now: dt.datetime) -> dt.datetime | None:
    locked = (
        SignInChallenge.objects.filter(
            organization=organization, id_digest=digest, locked_at__gt=now - LOCK_TIME
        )
        .order_by("-locked_at")
        .values_list("locked_at", flat=True)
        .first()
    )
    return locked + LOCK_TIME if locked else None


def _locked_message(until: dt.datetime) -> str:
    return _(
        "Too many wrong codes. For your safety, signing in with this ID is locked until %(time)s. "
        "Try again then, or contact the revenue office."
    ) % {"time": _time(until)}


def _serialise(organization: Organization, digest: str) -> None:
    """Concurrent requests for one ID queue here, so the throttles cannot be raced past."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"selfservice:{organization.pk}:{digest}"]
        )


def sign_in_request(
    *, organization: Organization, tax_id: str, ip_address: str | None, now: dt.datetime | None = None
) -> Issued:
    """Start a sign-in: check the ID, apply the throttles, send a code to the mobile number on file."""
    now = now or timezone.now()
    tax_id = clean_tax_id(tax_id)
    digest = id_digest(organization, tax_id)
    with transaction.atomic():
        _serialise(organization, digest)
        if until := _lock_until(organization, digest, now):
            raise SignInThrottled(_locked_message(until))
        since = now - WINDOW
        recent = SignInChallenge.objects.filter(created_at__gt=since)
        if recent.filter(organization=organization, id_digest=digest).count() >= ID_LIMIT_PER_WINDOW:
            raise SignInThrottled(_("Too many codes were requested for this ID. Try again in an hour."))
        if ip_address and recent.filter(ip_address=ip_address).count() >= IP_LIMIT_PER_WINDOW:
            raise SignInThrottled(_("Too many sign-in attempts from your network. Try again in an hour."))
        owner = (
            Owner.objects.filter(organization=organization)
            .filter(Q(national_id=tax_id) | Q(tax_id=tax_id))
            .first()
        )
        mobile = thai_mobile_local(owner.phone) if owner is not None else None
        code = _new_code()
        challenge = SignInChallenge(
            organization=organization,
            id_digest=digest,
            owner=owner if mobile else None,
            phone_hint=mask_thai_mobile(mobile) if mobile else _decoy_hint(digest),
            ip_address=ip_address,
            created_at=now,
            sent_at=now,
            expires_at=now + CODE_TTL,
        )
        challenge.code_hash = _code_hash(challenge.pk, code)
        challenge.save(force_insert=True)
        if mobile:
            _deliver(organization, mobile, code, challenge)
    return Issued(challenge, code if mobile else None)


def _deliver(organization: Organization, mobile: str, code: str, challenge: SignInChallenge) -> None:
    text = _("%(code)s is your %(org)s tax sign-in code. It expires in 5 minutes. Never share it.") % {
        "code": code,
        "org": organization.name_th,
    }
    if (settings.DEBUG or settings.MUANG_SMS_CONSOLE) and SmsAdapter.from_settings() is None:
        # Development without an SMS gateway: the demo still works, the code shows in the console.
        logger.warning(
            "DEVELOPMENT (no SMS gateway configured): sign-in code for %s is %s", challenge.phone_hint, code
        )
        return
    notification_enqueue(
        organization=organization,
        channel=Notification.Channel.SMS,
        recipient=mobile,
        messages=[{"type": "text", "text": text}],
        subject=f"{SECRET_SUBJECT_PREFIX}{challenge.pk}",
    )


def _save(row: SignInChallenge, *fields: str) -> None:
    """Write a locked challenge's changed fields, by its organisation and id."""
    SignInChallenge.objects.filter(pk=row.pk, organization_id=row.organization_id).update(
        **{f: getattr(row, f) for f in fields}
    )


def sign_in_resend(*, challenge: SignInChallenge, now: dt.datetime | None = None) -> Issued:
    """A fresh code for the same challenge (the old one stops working); wrong attempts keep counting."""
    now = now or timezone.now()
    with transaction.atomic():
        _serialise(challenge.organization, challenge.id_digest)
        row = (
            SignInChallenge.objects.select_for_update(of=("self",))
            .select_related("owner")
            .get(pk=challenge.pk, organization_id=challenge.organization_id)
        )
        if row.used_at is not None:
            raise InvalidInput.for_field("code", _("You are already signed in with this code. Start again."))
        if until := _lock_until(row.organization, row.id_digest, now):
            raise SignInThrottled(_locked_message(until))
        if row.sends >= MAX_SENDS:
            raise SignInThrottled(_("No more codes can be sent for this sign-in. Start again in a while."))
        wait = row.sent_at + RESEND_AFTER - now
        if wait > dt.timedelta(0):
            raise SignInThrottled(
                _("Please wait %(s)s seconds before asking for a new code.")
                % {"s": int(wait.total_seconds()) + 1}
            )
        code = _new_code()
        row.code_hash = _code_hash(row.pk, code)
        row.sent_at = now
        row.expires_at = now + CODE_TTL
        row.sends += 1
        _save(row, "code_hash", "sent_at", "expires_at", "sends")
        mobile = thai_mobile_local(row.owner.phone) if row.owner is not None else None
        if mobile:
            _deliver(row.organization, mobile, code, row)
    return Issued(row, code if mobile else None)


def sign_in_verify(*, challenge: SignInChallenge, code: str, now: dt.datetime | None = None) -> Owner:
    """The owner, when the code is right; otherwise a precise error (and one attempt used)."""
    now = now or timezone.now()
    code = normalize_thai_id(code or "")
    if not _CODE.match(code):
        raise InvalidInput.for_field("code", _("The code has 6 digits."))
    error: MuangError | None = None
    with transaction.atomic():
        row = (
            SignInChallenge.objects.select_for_update(of=("self",))
            .select_related("owner")
            .get(pk=challenge.pk, organization_id=challenge.organization_id)
        )
        wrong_from_ip = 0
        if row.ip_address:
            wrong_from_ip = (
                SignInChallenge.objects.filter(
                    ip_address=row.ip_address, created_at__gt=now - WINDOW
                ).aggregate(n=Sum("attempts"))["n"]
                or 0
            )
        if row.used_at is not None:
            error = InvalidInput.for_field("code", _("This code was already used. Ask for a new one."))
        elif until := _lock_until(row.organization, row.id_digest, now):
            error = SignInThrottled(_locked_message(until))
        elif wrong_from_ip >= IP_WRONG_CODES_PER_WINDOW:
            error = SignInThrottled(_("Too many wrong codes from your network. Try again in an hour."))
        elif now > row.expires_at:
            error = InvalidInput.for_field("code", _("This code has expired. Ask for a new one."))
        else:
            row.attempts += 1
            right = row.owner is not None and constant_time_compare(_code_hash(row.pk, code), row.code_hash)
            if right:
                row.used_at = now
            elif row.attempts >= MAX_ATTEMPTS:
                row.locked_at = now
                error = SignInThrottled(_locked_message(now + LOCK_TIME))
            else:
                left = MAX_ATTEMPTS - row.attempts
                error = InvalidInput.for_field(
                    "code", _("Wrong code. You have %(n)s more tries.") % {"n": left}
                )
            _save(row, "attempts", "used_at", "locked_at")
    if error is not None:  # raised after the commit: the attempt is counted
        raise error
    return row.owner
