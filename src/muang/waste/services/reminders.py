"""Reminders of unpaid waste fees: one SMS per account in arrears and Bangkok month, through the outbox."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core.access import Actor, require
from muang.core.models import Notification, Organization
from muang.core.outbox import notification_enqueue
from muang.waste.models import Reminder
from muang.waste.permissions import WastePerm
from muang.waste.selectors import arrears_by_account


@transaction.atomic
def reminders_send(*, actor: Actor, organization: Organization, as_of: dt.date | None = None) -> int:
    """Remind every account in arrears with a phone number, once a month (pressing twice sends nothing more).
    Returns how many reminders were written to the outbox (sent after the commit)."""
    require(actor, organization, WastePerm.WASTE_ARREARS)
    as_of = as_of or timezone.localdate()
    month = f"{as_of:%Y-%m}"
    sent = 0
    for entry in arrears_by_account(actor=actor, organization=organization, as_of=as_of):
        account = entry.account
        if account is None or not account.phone:
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    organization=organization, account=account, month=month, amount=entry.total
                )
        except IntegrityError:
            continue  # already reminded this month
        text = _(
            "%(org)s: the waste fee of account %(number)s is unpaid: %(amount)s baht for %(months)s month(s). "
            "Pay by Thai QR on the bill or at the office."
        ) % {
            "org": organization.name_th,
            "number": account.number,
            "amount": f"{entry.total:,.2f}",
            "months": entry.months,
        }
        notification_enqueue(
            organization=organization,
            channel=Notification.Channel.SMS,
            recipient=account.phone,
            messages=[{"type": "text", "text": text}],
        )
        sent += 1
    return sent
