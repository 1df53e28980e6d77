"""How the case desk's notify step (`muang.cases.notify`, ADR 0012) reaches a citizen who reported through LINE,
and where a case's public page is. Plugged in by `ReportsConfig.ready()`; the case services call the step.

`line_reach(case)` answers for a case filed through LINE (or forwarded from one): a push through the LINE
account the citizen wrote to. Every other reporter is reached by the step itself (SMS, e-mail).
"""

from django.urls import reverse
from django.utils import translation

from muang.cases.models import Case, Channel, SystemStatus
from muang.cases.notify import Outgoing
from muang.core.models import LineChannel, Notification
from muang.reports.line import messages as m
from muang.reports.models import LineCaseLink


def line_reach(case: Case) -> list[Outgoing]:
    """A LINE push about the case's current status if it was filed through LINE; else nothing.

    The push goes through the LINE account the citizen wrote to (LINE user ids are per account), which may
    belong to another organisation than the case's when the report was routed there. A forwarded case first
    hands its link on to the new case, so the citizen keeps hearing about it there.
    """
    if case.channel not in (
        Channel.LINE,
        Channel.FORWARD,
    ):  # only these can have a link: no query for the others
        return []
    if case.status.code == SystemStatus.FORWARDED:
        follow_forwarded(case)
    link = (
        LineCaseLink.objects.select_related("channel_organization")
        .filter(organization_id=case.organization_id, case_id=case.pk)
        .first()
    )
    if link is None:
        return []
    if not LineChannel.objects.filter(organization_id=link.channel_organization_id, is_active=True).exists():
        return []
    language = case.reporter.preferred_language if case.reporter_id and case.reporter else "th"
    with translation.override(language or "th"):
        message = m.status_changed(case, link.tracking_url)
    return [Outgoing(link.channel_organization, Notification.Channel.LINE_PUSH, link.line_user_id, [message])]


def tracking_path(code: str) -> str:
    """The path of a case's public tracking page (for the links in SMS and e-mail updates)."""
    return reverse("reports:track", kwargs={"code": code})


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
