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

The code mechanics (hashing, the lock after wrong codes, delivery, the attempt rules) are core's
(`muang.core.otp`), shared with the phone sign-in of `muang.eservices`; what is this app's is the subject (the
ID, counted by its keyed digest), the decoys for unknown IDs, resending and the per-network wrong-code limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from muang.core import otp
from muang.core.errors import InvalidInput, MuangError
from muang.core.models import Organization
from muang.core.otp import CODE_TTL, LOCK_TIME, MAX_ATTEMPTS, WINDOW, SignInThrottled
from muang.core.sms import mask_thai_mobile, thai_mobile_local
from muang.core.thai_id import ID_LENGTH, national_id_check_digit, normalize_thai_id
from muang.property.models import Owner
from muang.selfservice.models import SignInChallenge

__all__ = [
    "CODE_TTL",
    "LOCK_TIME",
    "MAX_ATTEMPTS",
    "SignInThrottled",
    "sign_in_request",
    "sign_in_resend",
    "sign_in_verify",
]

RESEND_AFTER = dt.timedelta(seconds=60)
MAX_SENDS = 3
ID_LIMIT_PER_WINDOW = 5
# Generous: mobile carriers put many citizens behind one address (CGNAT), and unknown IDs cost no SMS.
IP_LIMIT_PER_WINDOW = 50
IP_WRONG_CODES_PER_WINDOW = 100
HASH_NAMESPACE = "muang.selfservice.code"


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


def _decoy_hint(digest: str) -> str:
    """A stable, plausible masked number for an ID with no mobile on file (see the module docstring)."""
    prefix = "0" + "689"[int(digest[0], 16) % 3]
    return f"{prefix}x-xxx-{int(digest[1:9], 16) % 10000:04d}"


def _lock_until(organization: Organization, digest: str, now: dt.datetime) -> dt.datetime | None:
    return otp.locked_until(SignInChallenge.objects.filter(organization=organization, id_digest=digest), now)


def _locked_message(until: dt.datetime) -> str:
    return _(
        "Too many wrong codes. For your safety, signing in with this ID is locked until %(time)s. "
        "Try again then, or contact the revenue office."
    ) % {"time": otp.local_time(until)}


def _serialise(organization: Organization, digest: str) -> None:
    """Concurrent requests for one ID queue here, so the throttles cannot be raced past."""
    otp.serialise(f"selfservice:{organization.pk}:{digest}")


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
        code = otp.new_code()
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
        challenge.code_hash = otp.code_hash(HASH_NAMESPACE, challenge.pk, code)
        challenge.save(force_insert=True)
        if mobile:
            _deliver(organization, mobile, code, challenge)
    return Issued(challenge, code if mobile else None)


def _deliver(organization: Organization, mobile: str, code: str, challenge: SignInChallenge) -> None:
    text = _("%(code)s is your %(org)s tax sign-in code. It expires in 5 minutes. Never share it.") % {
        "code": code,
        "org": organization.name_th,
    }
    otp.deliver(
        organization=organization,
        mobile=mobile,
        code=code,
        text=text,
        challenge_id=challenge.pk,
        hint=challenge.phone_hint,
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
        code = otp.new_code()
        row.code_hash = otp.code_hash(HASH_NAMESPACE, row.pk, code)
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
    code = otp.clean_code(code)
    error: MuangError | None
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
        error = otp.check_code(
            row,
            code,
            namespace=HASH_NAMESPACE,
            now=now,
            subject_locked_until=_lock_until(row.organization, row.id_digest, now),
            locked_message=_locked_message,
            # An unknown ID's challenge sent nothing: every code is wrong, exactly as a wrong code reads.
            can_succeed=row.owner is not None,
            refuse_first=(
                SignInThrottled(_("Too many wrong codes from your network. Try again in an hour."))
                if wrong_from_ip >= IP_WRONG_CODES_PER_WINDOW
                else None
            ),
        )
        _save(row, "attempts", "used_at", "locked_at")
    if error is not None:  # raised after the commit: the attempt is counted
        raise error
    return row.owner
