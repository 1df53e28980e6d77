"""One-time SMS codes for citizens' sign-ins: the mechanics the taxpayer's sign-in (national ID,
`muang.selfservice`) and the phone sign-in (mobile number, `muang.eservices`; also the waste page of a household
not on the property register) share.

Each app keeps its own challenge table (what it counts attempts by differs: a keyed hash of the ID, the mobile
number) with the fields this module reads and writes: `code_hash`, `expires_at`, `attempts`, `locked_at`,
`used_at`. The rules the two share, each tested in both apps:
- codes: 6 digits from `secrets`; only a keyed hash (HMAC with the site's secret key, per app) is stored;
- valid for `CODE_TTL`; `MAX_ATTEMPTS` wrong codes lock the challenge and its subject for `LOCK_TIME`;
  a code signs in once;
- requests for one subject are serialised (a transaction-level advisory lock), so throttles cannot be raced;
- without an SMS gateway in development the code is logged instead of sent; otherwise it goes through the
  outbox with a secret subject (never shown in the staff's outbox pages).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muang.core.errors import InvalidInput, MuangError
from muang.core.models import Notification, Organization
from muang.core.outbox import SECRET_SUBJECT_PREFIX, notification_enqueue
from muang.core.sms import SmsAdapter

logger = logging.getLogger("muang.core.otp")

CODE_DIGITS = 6
CODE_TTL = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
LOCK_TIME = dt.timedelta(minutes=15)
WINDOW = dt.timedelta(hours=1)  # the throttles count requests in the last hour
_CODE = re.compile(r"^\d{6}$")


class SignInThrottled(MuangError):
    status = 429
    code = "throttled"
    title = gettext_lazy("Too many attempts")


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(namespace: str, challenge_id, code: str) -> str:
    """The keyed hash kept instead of the code; `namespace` keeps one app's hashes useless to another."""
    return salted_hmac(namespace, f"{challenge_id}:{code}", algorithm="sha256").hexdigest()


def serialise(key: str) -> None:
    """Concurrent requests for one subject queue here until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def locked_until(challenges: QuerySet, now: dt.datetime) -> dt.datetime | None:
    """When the lock on a subject ends: `challenges` are the subject's (any of them locked in the last
    `LOCK_TIME` locks the subject)."""
    locked = (
        challenges.filter(locked_at__gt=now - LOCK_TIME)
        .order_by("-locked_at")
        .values_list("locked_at", flat=True)
        .first()
    )
    return locked + LOCK_TIME if locked else None


def deliver(
    *, organization: Organization, mobile: str, code: str, text: str, challenge_id, hint: str
) -> None:
    """Send the code's SMS through the outbox (after the commit), or log it in development without a gateway."""
    if (settings.DEBUG or settings.MUANG_SMS_CONSOLE) and SmsAdapter.from_settings() is None:
        logger.warning("DEVELOPMENT (no SMS gateway configured): sign-in code for %s is %s", hint, code)
        return
    notification_enqueue(
        organization=organization,
        channel=Notification.Channel.SMS,
        recipient=mobile,
        messages=[{"type": "text", "text": text}],
        subject=f"{SECRET_SUBJECT_PREFIX}{challenge_id}",
    )


def clean_code(code: str) -> str:
    code = re.sub(r"[\s\-]", "", code or "")
    if not _CODE.match(code):
        raise InvalidInput.for_field("code", _("The code has 6 digits."))
    return code


def check_code(
    row,
    code: str,
    *,
    namespace: str,
    now: dt.datetime,
    subject_locked_until: dt.datetime | None,
    locked_message: Callable[[dt.datetime], str],
    can_succeed: bool = True,
    refuse_first: MuangError | None = None,
) -> MuangError | None:
    """One attempt at a locked (`select_for_update`) challenge row: updates `attempts`, `used_at`, `locked_at`
    on `row` (the caller saves them, then raises what this returns, so the attempt is counted).

    `subject_locked_until`: the subject's lock (`locked_until`); `refuse_first`: an app's own refusal checked
    after the lock (the taxpayer's wrong codes per network); `can_succeed`: False for a challenge that sent
    nothing (an unknown ID), which then fails exactly as a wrong code does."""
    if row.used_at is not None:
        return InvalidInput.for_field("code", _("This code was already used. Ask for a new one."))
    if subject_locked_until is not None:
        return SignInThrottled(locked_message(subject_locked_until))
    if refuse_first is not None:
        return refuse_first
    if now > row.expires_at:
        return InvalidInput.for_field("code", _("This code has expired. Ask for a new one."))
    row.attempts += 1
    if can_succeed and constant_time_compare(code_hash(namespace, row.pk, code), row.code_hash):
        row.used_at = now
        return None
    if row.attempts >= MAX_ATTEMPTS:
        row.locked_at = now
        return SignInThrottled(locked_message(now + LOCK_TIME))
    return InvalidInput.for_field(
        "code", _("Wrong code. You have %(n)s more tries.") % {"n": MAX_ATTEMPTS - row.attempts}
    )


def local_time(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M")
