"""The notifications outbox: enqueue inside the business transaction, deliver from the worker with retries.

Channels: LINE push and reply (`muang.core.line`), SMS (`muang.core.sms`), e-mail (`muang.core.mail`).
"""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from muang.core.line import LineAdapter, LineDeliveryError
from muang.core.mail import MailAdapter, MailDeliveryError
from muang.core.models import LineChannel, Notification, Organization
from muang.core.sms import SmsAdapter, SmsDeliveryError

logger = logging.getLogger("muang.outbox")

# Waits between attempts; after the last one the notification is given up ("dead") and shown to staff.
RETRY_DELAYS = [dt.timedelta(seconds=s) for s in (30, 120, 600, 3600, 6 * 3600)]
LEASE = dt.timedelta(minutes=5)  # a claimed row is invisible to other workers for this long
# Messages carrying a secret (one-time sign-in codes): pointless after a few minutes, so they are not retried
# past that, and their text is blanked once delivered or given up, so the outbox keeps no usable code.
SECRET_SUBJECT_PREFIX = "otp:"  # noqa: S105 (a subject prefix, not a secret)
SECRET_LIFETIME = dt.timedelta(minutes=5)
SECRET_REMOVED = [{"type": "text", "text": "(one-time code removed after delivery)"}]


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

    _kick()
    return notification


def _kick() -> None:
    """Ask the worker to deliver now (it also looks every 30 s). A queue kept in the database gets the task's row
    inside the caller's transaction: committed with the notification, never without it, and no second commit
    (its own INSERT after the transaction was a second fsync for every status move, issue 11). A backend that
    runs the task here and now (the tests' immediate backend) runs it once the transaction has committed, so
    that nothing is sent for a transaction that is rolled back."""
    from django_tasks.backends.immediate import ImmediateBackend

    from muang.core.tasks import deliver_notifications

    if isinstance(deliver_notifications.get_backend(), ImmediateBackend):
        transaction.on_commit(deliver_notifications.enqueue)
    else:
        deliver_notifications.enqueue()


def _claim(now: dt.datetime, limit: int) -> list[Notification]:
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        Notification.objects.filter(
            organization_id__in={n.organization_id for n in rows}, pk__in=[n.pk for n in rows]
        ).update(next_attempt_at=now + LEASE)
    return rows


def default_adapter(organization_id: int) -> LineAdapter | None:
    channel = LineChannel.objects.filter(organization_id=organization_id, is_active=True).first()
    return LineAdapter(access_token=channel.access_token) if channel else None


def default_sms_adapter() -> SmsAdapter | None:
    return SmsAdapter.from_settings()


def _send_sms(n: Notification, adapter: SmsAdapter | None) -> None:
    if adapter is None:
        raise SmsDeliveryError("no SMS gateway is configured (MUANG_SMS_API_KEY)", retryable=False)
    text = "\n".join(m.get("text", "") for m in n.messages if m.get("type") == "text")
    adapter.send(to=n.recipient, text=text)


def default_mail_adapter() -> MailAdapter | None:
    return MailAdapter.from_settings()


def _send_mail(n: Notification, adapter: MailAdapter | None) -> None:
    if adapter is None:
        raise MailDeliveryError("no e-mail backend is configured", retryable=False)
    texts = [m for m in n.messages if m.get("type") == "text"]
    subject = texts[0].get("subject", "") if texts else ""
    adapter.send(
        to=n.recipient, subject=subject or settings.MUANG_SITE_NAME, text="\n".join(m["text"] for m in texts)
    )


def _save(n: Notification, fields: list[str]) -> None:
    """Write the delivery's outcome: by the tenant and the row, never the primary key alone."""
    Notification.objects.filter(organization_id=n.organization_id, pk=n.pk).update(
        **{name: getattr(n, name) for name in fields}
    )


def deliver_due(
    *,
    now: dt.datetime | None = None,
    limit: int = 100,
    adapter_for: Callable[[int], LineAdapter | None] = default_adapter,
    sms_adapter_for: Callable[[], SmsAdapter | None] = default_sms_adapter,
    mail_adapter_for: Callable[[], MailAdapter | None] = default_mail_adapter,
) -> Counter:
    """Send what is due. Returns counts by outcome (sent, retry, dead)."""
    now = now or timezone.now()
    outcome: Counter = Counter()
    adapters: dict[int, LineAdapter | None] = {}
    sms_adapter: list[SmsAdapter | None] = []  # built on the first SMS only
    mail_adapter: list[MailAdapter | None] = []  # built on the first e-mail only
    for n in _claim(now, limit):
        n.attempts += 1
        secret = n.subject.startswith(SECRET_SUBJECT_PREFIX)
        if n.channel == Notification.Channel.SMS:
            if not sms_adapter:
                sms_adapter.append(sms_adapter_for())
            try:
                _send_sms(n, sms_adapter[0])
            except SmsDeliveryError as e:
                _failed(n, e, now, outcome, give_up_at=n.created_at + SECRET_LIFETIME if secret else None)
            else:
                _sent(n, outcome)
            if secret and n.status != Notification.Status.PENDING:
                n.messages = SECRET_REMOVED
            _save(n, ["attempts", "status", "next_attempt_at", "last_error", "sent_at", "messages"])
            continue
        if n.channel == Notification.Channel.EMAIL:
            if not mail_adapter:
                mail_adapter.append(mail_adapter_for())
            try:
                _send_mail(n, mail_adapter[0])
            except MailDeliveryError as e:
                _failed(n, e, now, outcome)
            else:
                _sent(n, outcome)
            _save(n, ["attempts", "status", "next_attempt_at", "last_error", "sent_at"])
            continue
        if n.organization_id not in adapters:
            adapters[n.organization_id] = adapter_for(n.organization_id)
        adapter = adapters[n.organization_id]
        try:
            if adapter is None:
                raise LineDeliveryError("the organisation has no active LINE channel", retryable=False)
            if n.channel == Notification.Channel.LINE_REPLY and n.reply_token and n.attempts == 1:
                adapter.reply(reply_token=n.reply_token, messages=n.messages)
            else:
                # A reply token lives about a minute: a retried reply goes out as a push instead.
                adapter.push(to=n.recipient, messages=n.messages, retry_key=str(n.retry_key))
        except LineDeliveryError as e:
            _failed(n, e, now, outcome)
        else:
            _sent(n, outcome)
        _save(n, ["attempts", "status", "next_attempt_at", "last_error", "sent_at"])
    return outcome


def _failed(
    n: Notification,
    e: LineDeliveryError | SmsDeliveryError | MailDeliveryError,
    now: dt.datetime,
    outcome: Counter,
    give_up_at: dt.datetime | None = None,
) -> None:
    n.last_error = str(e)[:2000]
    retry_at = now + RETRY_DELAYS[n.attempts - 1] if n.attempts <= len(RETRY_DELAYS) else None
    if e.retryable and retry_at is not None and (give_up_at is None or retry_at < give_up_at):
        n.next_attempt_at = retry_at
        outcome["retry"] += 1
    else:
        n.status = Notification.Status.DEAD
        outcome["dead"] += 1
        logger.warning("notification %s given up after %s attempts: %s", n.pk, n.attempts, e)


def _sent(n: Notification, outcome: Counter) -> None:
    n.status = Notification.Status.SENT
    n.sent_at = timezone.now()
    n.last_error = ""
    outcome["sent"] += 1
