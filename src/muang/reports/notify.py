"""Telling citizens what happened to their reports, through the channel they used.

`notify_reporter_of_status(case)` runs on `muang.cases.signals.case_status_changed`, which the case services
send right after a public status change (assign, status change, reopen, forwarding, duplicate...), inside their
transaction: the outbox row commits with the change and is delivered afterwards with retries. Connected in
`ReportsConfig.ready()`.
"""

from django.utils import translation

from muang.cases.models import Case, Channel, SystemStatus
from muang.core.models import LineChannel, Notification
from muang.core.outbox import notification_enqueue
from muang.reports.line import messages as m
from muang.reports.models import LineCaseLink


def notify_reporter_of_status(case: Case) -> Notification | None:
    """Enqueue a LINE push about the case's current status if it was filed through LINE; else None.

    The push goes through the LINE account the citizen wrote to (LINE user ids are per account), which may
    belong to another organisation than the case's when the report was routed there.
    """
    if case.channel not in (
        Channel.LINE,
        Channel.FORWARD,
    ):  # only these can have a link: no query for the others
        return None
    link = (
        LineCaseLink.objects.select_related("channel_organization")
        .filter(organization_id=case.organization_id, case_id=case.pk)
        .first()
    )
    if link is None:
        return None
    if not LineChannel.objects.filter(organization_id=link.channel_organization_id, is_active=True).exists():
        return None
    language = case.reporter.preferred_language if case.reporter_id and case.reporter else "th"
    with translation.override(language or "th"):
        message = m.status_changed(case, link.tracking_url)
    return notification_enqueue(
        organization=link.channel_organization,
        channel=Notification.Channel.LINE_PUSH,
        recipient=link.line_user_id,
        messages=[message],
        subject=f"case:{case.pk}:status:{case.status_id}",
    )


def follow_forwarded(case: Case) -> LineCaseLink | None:
    """When a LINE report is forwarded, the new case in the other organisation gets the same link, so the
    citizen keeps hearing about it (through the LINE account they wrote to, with the new tracking page)."""
    if case.channel != Channel.LINE and case.forwarded_from_id is None:
        return None
    link = LineCaseLink.objects.filter(organization_id=case.organization_id, case_id=case.pk).first()
    forwarded = Case.objects.filter(forwarded_from=case).order_by("-id").first()
    if link is None or forwarded is None:
        return None
    base = link.tracking_url[: link.tracking_url.rfind("/r/")] if "/r/" in link.tracking_url else ""
    new_link, _created = LineCaseLink.objects.get_or_create(
        case=forwarded,
        defaults={
            "organization": forwarded.organization,
            "channel_organization": link.channel_organization,
            "line_user_id": link.line_user_id,
            "tracking_url": m.tracking_link(base, forwarded.tracking_code) if base else "",
        },
    )
    return new_link


def on_case_status_changed(sender, *, case: Case, citizen=None, **kwargs) -> None:
    """Receiver of `case_status_changed`. A reporter who moved the case themselves (reopening it) already got
    the answer in the conversation they used: no push about their own action."""
    if citizen is not None:
        return
    if case.status.code == SystemStatus.FORWARDED:
        follow_forwarded(case)
    notify_reporter_of_status(case)
