"""Web-specific glue for citizen reports. Every write goes through `muang.cases.services`.

Citizens have no login yet: the browser that filed a report keeps a signed per-case token in its session, and
that token lets the same browser rate or reopen the case. The token names the case and the Citizen row created
for the report (without any personal data: the contact stays on the case, for staff only). Any other browser
gets the token by giving the phone number the report was filed with (`reporter_claim`, throttled); a report
filed through LINE is also rated in the LINE chat.
"""

import datetime as dt
import re
from collections.abc import Sequence

from django.contrib.gis.geos import Point
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muang.cases import services as cases
from muang.cases.models import Case, CaseCategory, Channel
from muang.core.errors import AccessDenied, InvalidInput, MuangError
from muang.core.models import Citizen, Organization
from muang.core.sessions import write_now as write_session_now

from .models import ReporterCheck

REPORTER_SALT = "muang.reports.reporter"
SESSION_KEY = "muang_reports"
MAX_TOKENS_IN_SESSION = 50

# --- the reporter's token ----------------------------------------------------------------------------------------


def reporter_token(case: Case) -> str:
    return signing.dumps({"case": case.pk, "citizen": str(case.reporter_id)}, salt=REPORTER_SALT)


def remember_reporter(session, case: Case) -> None:
    tokens = dict(session.get(SESSION_KEY, {}))
    tokens[case.tracking_code] = reporter_token(case)
    if len(tokens) > MAX_TOKENS_IN_SESSION:  # the oldest first out (dicts keep insertion order)
        tokens = dict(list(tokens.items())[-MAX_TOKENS_IN_SESSION:])
    session[SESSION_KEY] = tokens


def reporter_of(session, case: Case) -> Citizen | None:
    """The Citizen who filed `case` from this browser, or None when the session holds no valid token for it."""
    token = session.get(SESSION_KEY, {}).get(case.tracking_code)
    if not token or case.reporter_id is None:
        return None
    try:
        data = signing.loads(token, salt=REPORTER_SALT)
    except signing.BadSignature:
        return None
    if data.get("case") != case.pk or data.get("citizen") != str(case.reporter_id):
        return None
    return Citizen(pk=case.reporter_id)


# --- intake ------------------------------------------------------------------------------------------------------


def web_report_submit(
    *,
    organization: Organization,
    category: CaseCategory,
    location: Point,
    description: str,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    photos: Sequence[File] = (),
    attributes: dict | None = None,
    idempotency_key: str,
    session: SessionBase | None = None,
    now: dt.datetime | None = None,
) -> tuple[Case, bool]:
    """File a web report. A repeat of the same idempotency key returns the first case (and no new Citizen).

    With the browser's `session`, the reporter's token is remembered there (for a repeat too); a new case's
    session is written in the filing's own transaction, so that a filing commits once.

    The reporter is a Citizen row without personal data, so that the reporter's own browser may rate and reopen
    the case through the citizen services. The anonymity rule of the category is checked here on the contact,
    since a reporter row alone would satisfy the case service.
    """
    if not category.allow_anonymous and not (contact_phone.strip() or contact_email.strip()):
        raise MuangError(
            _("Reports of this category need a phone number or an email address."),
            field_errors={
                "contact_phone": [_("Reports of this category need a phone number or an email address.")]
            },
        )

    def remember(case: Case) -> None:
        remember_reporter(session, case)
        write_session_now(session)

    # One transaction, the case service's: the reporter's Citizen row is made there, only for a new case.
    case, created = cases.case_submit(
        organization=organization,
        category=category,
        channel=Channel.WEB,
        description=description,
        new_reporter=True,
        location=location,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        photos=photos,
        attributes=attributes,
        idempotency_key=idempotency_key,
        on_created=remember if session is not None else None,
        now=now,
    )
    if session is not None and not created:  # the first case's token, saved by the session middleware
        remember_reporter(session, case)
    return case, created


# --- claiming a report from another browser ----------------------------------------------------------------------

CLAIM_WINDOW = dt.timedelta(hours=1)
CLAIM_WRONG_PER_CASE = 5  # a Thai phone number has 10 digits: 5 guesses an hour find nothing
CLAIM_WRONG_PER_ADDRESS = 30  # generous: mobile carriers put many citizens behind one address


class ClaimThrottled(MuangError):
    status = 429
    code = "throttled"
    title = gettext_lazy("Too many attempts")


def _phone_digits(text: str) -> str:
    """The digits of a Thai phone number in its local form: 081-234-5678, +66 81 234 5678 → 0812345678."""
    digits = re.sub(r"\D", "", text or "")
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits


def reporter_claim(
    *, session, case: Case, phone: str, ip_address: str | None, now: dt.datetime | None = None
) -> None:
    """The visitor shows they filed `case` with the phone number given with it: from then on this browser may
    rate and reopen it as the one that filed it did. Wrong numbers are counted (per case and per address) and
    refused past CLAIM_WRONG_PER_CASE / CLAIM_WRONG_PER_ADDRESS an hour."""
    given = _phone_digits(phone)
    if len(given) < 9:
        raise InvalidInput.for_field("phone", _("Enter the phone number you gave with the report."))
    if not _record_claim(case=case, given=given, ip_address=ip_address, now=now or timezone.now()):
        raise InvalidInput.for_field("phone", _("This is not the phone number given with this report."))
    remember_reporter(session, case)


@transaction.atomic
def _record_claim(*, case: Case, given: str, ip_address: str | None, now: dt.datetime) -> bool:
    """Check and count one try (committed whatever the answer, so that wrong tries add up)."""
    with connection.cursor() as cursor:  # tries at one case queue here: the count cannot be raced past
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"reports:claim:{case.pk}"])
    wrong = ReporterCheck.objects.filter(succeeded=False, created_at__gt=now - CLAIM_WINDOW)
    if wrong.filter(organization_id=case.organization_id, case=case).count() >= CLAIM_WRONG_PER_CASE or (
        ip_address and wrong.filter(ip_address=ip_address).count() >= CLAIM_WRONG_PER_ADDRESS
    ):
        raise ClaimThrottled(
            _("Too many wrong numbers for this report. Try again in an hour, or call the city's staff.")
        )
    on_file = _phone_digits(case.contact_phone)
    succeeded = case.reporter_id is not None and bool(on_file) and constant_time_compare(given, on_file)
    ReporterCheck.objects.create(
        organization_id=case.organization_id,
        case=case,
        ip_address=ip_address,
        succeeded=succeeded,
        created_at=now,
    )
    return succeeded


def rate_by_reporter(*, session, case: Case, stars: int, comment: str = "") -> Case:
    citizen = reporter_of(session, case)
    if citizen is None:
        raise AccessDenied(
            _("Only the person who reported it may rate it: give the phone number it was filed with first.")
        )
    return cases.case_rate_by_citizen(citizen=citizen, case=case, stars=stars, comment=comment)


def reopen_by_reporter(*, session, case: Case, reason: str) -> Case:
    citizen = reporter_of(session, case)
    if citizen is None:
        raise AccessDenied(
            _("Only the person who reported it may reopen it: give the phone number it was filed with first.")
        )
    return cases.case_reopen_by_citizen(citizen=citizen, case=case, reason=reason)
