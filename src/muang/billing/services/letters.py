"""Warning letters (หนังสือแจ้งเตือน) for overdue bills: the s.69 penalty steps up once one is received."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.billing.models import Bill, WarningLetter
from muang.billing.permissions import BillingPerm
from muang.billing.selectors import OPEN_STATUSES, amount_due_of
from muang.billing.services.bills import profile_of
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import Conflict, InvalidInput
from muang.core.models import Organization
from muang.core.services import update_audited


@transaction.atomic
def warning_letters_issue(
    *,
    actor: Actor,
    organization: Organization,
    bills: Sequence[Bill],
    issued_on: dt.date | None = None,
) -> list[WarningLetter]:
    """One letter per overdue bill (e.g. the arrears report's), stating what is due on the issue day.

    Bills that are not overdue, or already have a letter, are skipped; the deadline is set when the letter
    is received (:func:`warning_letter_received`)."""
    require(actor, organization, BillingPerm.BILL_ISSUE)
    issued_on = issued_on or timezone.localdate()
    ids = [b.pk for b in bills]
    loaded = (
        Bill.objects.select_for_update()
        .filter(organization=organization, pk__in=ids, status__in=OPEN_STATUSES)
        .exclude(warning_letters__isnull=False)
        .order_by("pk")
    )
    letters = []
    rules_cache: dict = {}  # penalty rules read once per kind and year
    for bill in loaded:
        due = amount_due_of(bill, issued_on, rules_cache)
        if not due.overdue:
            continue
        letters.append(
            WarningLetter(
                organization=organization,
                bill=bill,
                issued_on=issued_on,
                amount_stated=due.total,
                issued_by=actor.user,
            )
        )
    WarningLetter.objects.bulk_create(letters)
    audit.record_created(actor=actor, organization=organization, instances=letters)
    return letters


@transaction.atomic
def warning_letter_received(
    *, actor: Actor, letter: WarningLetter, received_on: dt.date, deadline: dt.date | None = None
) -> WarningLetter:
    """Record delivery; the deadline defaults to the profile's number of days after it."""
    organization = letter.organization
    require(actor, organization, BillingPerm.BILL_ISSUE)
    if received_on < letter.issued_on or received_on > timezone.localdate():
        raise InvalidInput.for_field("received_on", _("Between the issue date and today."))
    if letter.received_on is not None:
        raise Conflict(_("The letter's delivery is already recorded."))
    deadline = deadline or received_on + dt.timedelta(days=profile_of(organization).warning_deadline_days)
    if deadline < received_on:
        raise InvalidInput.for_field("deadline", _("The deadline cannot be before delivery."))
    return update_audited(
        actor=actor,
        organization=organization,
        instance=letter,
        data={"received_on": received_on, "deadline": deadline},
        allowed={"received_on", "deadline"},
    )


def warning_letters_pdf(
    *, actor: Actor, organization: Organization, letters: Sequence[WarningLetter]
) -> bytes:
    """The letters as one PDF for printing and mailing: what is owed as stated on the issue day, the time
    to pay after delivery, and a Thai QR code for that amount."""
    from muang.billing.services.notices import (
        KIND_TEXT,
        MAX_NOTICES_PER_DOCUMENT,
        qr_payload,
        qr_svg,
        render_pdf,
    )
    from muang.core.thai_dates import BUDDHIST_ERA_OFFSET

    require(actor, organization, BillingPerm.BILL_VIEW)
    if not letters:
        raise InvalidInput.for_field("letters", _("Choose at least one warning letter."))
    if len(letters) > MAX_NOTICES_PER_DOCUMENT:
        raise InvalidInput.for_field(
            "letters", _("At most %(n)s letters per document.") % {"n": MAX_NOTICES_PER_DOCUMENT}
        )
    profile = profile_of(organization)
    html = []
    for letter in letters:
        if letter.organization_id != organization.pk:
            raise InvalidInput.for_field("letters", _("A letter of another organisation."))
        bill = letter.bill
        payload = qr_payload(profile, bill, letter.amount_stated)
        html.append(
            render_to_string(
                "billing/warning_letter.html",
                {
                    "letter": letter,
                    "bill": bill,
                    "organization": organization,
                    "profile": profile,
                    "text": KIND_TEXT[bill.kind],
                    "year_be": bill.year + BUDDHIST_ERA_OFFSET,
                    "svg": qr_svg(payload),
                },
            )
        )
    return render_pdf(html)
