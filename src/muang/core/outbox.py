"""The notifications outbox: enqueue inside the business transaction, deliver from the worker with retries."""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from muang.core.line import LineAdapter, LineDeliveryError
from muang.core.models import LineChannel, Notification, Organization

logger = logging.getLogger("muang.outbox")

# Waits between attempts; after the last one the notification is given up ("dead") and shown to staff.
RETRY_DELAYS = [dt.timedelta(seconds=s) for s in (30, 120, 600, 3600, 6 * 3600)]
LEASE = dt.timedelta(minutes=5)  # a claimed row is invisible to other workers for this long


def notification_enqueue(
    *,
    organization: Organization,
    channel: str,
    recipient: str,
    messages: list[dict],
    reply_token: str = "",
    subject: str = "",
) -> Notification:
    """Write the message to the outbox; it is sent after the surrounding transaction commits."""
    notification = Notification.objects.create(
        organization=organization,
        channel=channel,
        recipient=recipient,
        reply_token=reply_token,
        messages=messages,
        subject=subject,
        next_attempt_at=timezone.now(),
    )

    def kick() -> None:
        from muang.core.tasks import deliver_notifications

        deliver_notifications.enqueue()

    transaction.on_commit(kick)
    return notification


def _claim(now: dt.datetime, limit: int) -> list[Notification]:
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(next_attempt_at=now + LEASE)
    return rows


def default_adapter(organization_id: int) -> LineAdapter | None:
    channel = LineChannel.objects.filter(organization_id=organization_id, is_active=True).first()
    return LineAdapter(access_token=channel.access_token) if channel else None


def deliver_due(
    *,
    now: dt.datetime | None = None,
    limit: int = 100,
    adapter_for: Callable[[int], LineAdapter | None] = default_adapter,
) -> Counter:
    """Send what is due. Returns counts by outcome (sent, retry, dead)."""
    now = now or timezone.now()
    outcome: Counter = Counter()
    adapters: dict[int, LineAdapter | None] = {}
    for n in _claim(now, limit):
        if n.organization_id not in adapters:
            adapters[n.organization_id] = adapter_for(n.organization_id)
        adapter = adapters[n.organization_id]
        n.attempts += 1
        try:
            if adapter is None:
                raise LineDeliveryError("the organisation has no active LINE channel", retryable=False)
            if n.channel == Notification.Channel.LINE_REPLY and n.reply_token and n.attempts == 1:
                adapter.reply(reply_token=n.reply_token, messages=n.messages)
            else:
                # A reply token lives about a minute: a retried reply goes out as a push instead.
                adapter.push(to=n.recipient, messages=n.messages, retry_key=str(n.retry_key))
        except LineDeliveryError as e:
            n.last_error = str(e)[:2000]
            if e.retryable and n.attempts <= len(RETRY_DELAYS):
                n.next_attempt_at = now + RETRY_DELAYS[n.attempts - 1]
                outcome["retry"] += 1
            else:
                n.status = Notification.Status.DEAD
                outcome["dead"] += 1
                logger.warning("notification %s given up after %s attempts: %s", n.pk, n.attempts, e)
        else:
            n.status = Notification.Status.SENT
            n.sent_at = timezone.now()
            n.last_error = ""
            outcome["sent"] += 1
        n.save(update_fields=["attempts", "status", "next_attempt_at", "last_error", "sent_at"])
    return outcome
