"""Telling the reporter: the explicit step after each public status change of a case (ADR 0012).

Every case service that moves the public status (assign, status change, re-triage, reopen by staff, forward,
mark duplicate) calls `reporter_notify(case=...)` itself, inside its transaction, after the timeline event: the
outbox rows (`muang.core.outbox`) commit or roll back with the change, and the worker delivers them with
retries. No signal, no receiver to find: the step is in the service.

How the reporter can be reached, best first; each update goes out **once**, through the first that applies:

1. LINE, through the LINE account the citizen wrote to: only an app that runs LINE accounts knows that
   account, so apps plug a *reach* in (`register`, from their AppConfig.ready(); reports does for its LINE
   conversations). A reach returns the messages to enqueue, or nothing.
2. SMS to a Thai mobile number: the contact phone left with the report, else the reporter's account phone
   (`muang.core.sms`).
3. E-mail to the contact address left with the report (`muang.core.mail`).

Messages are in the reporter's language (Thai unless their account says otherwise), name the case's tracking
code and link to its public page at `settings.MUANG_PUBLIC_URL` (the page's path comes from the app that
serves it: `register(public_page=...)`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from muang.core.models import Citizen, Notification, Organization
from muang.core.outbox import notification_enqueue
from muang.core.sms import thai_mobile_local

from .models import Case


@dataclass(frozen=True)
class Outgoing:
    """One message to enqueue: through whose account, on which channel, to whom."""

    organization: Organization
    channel: str  # Notification.Channel
    recipient: str
    messages: list[dict]


# Dotted paths: reaches `f(case) -> list[Outgoing]` (tried in order), and `f(tracking_code) -> str` giving the path
# of a case's public page. Filled by the apps above cases from their AppConfig.ready(); never a receiver.
_reaches: dict[str, None] = {}
_public_page: list[str] = []


def register(*, reach: str | None = None, public_page: str | None = None) -> None:
    """Plug in a way to reach reporters and / or the public page of a case (idempotent)."""
    if reach:
        _reaches.setdefault(reach, None)
    if public_page and public_page not in _public_page:
        _public_page[:] = [public_page]


def public_link(case: Case) -> str:
    """The absolute address of the case's public page (MUANG_PUBLIC_URL + the page's path)."""
    base = settings.MUANG_PUBLIC_URL.rstrip("/")
    path: Callable[[str], str] | None = import_string(_public_page[0]) if _public_page else None
    return base + (path(case.tracking_code) if path else "/")


def _language(case: Case) -> str:
    reporter = case.reporter if case.reporter_id else None
    return (reporter.preferred_language if reporter else "") or "th"


def _mobile(case: Case) -> str | None:
    reporter = case.reporter if case.reporter_id else None
    return thai_mobile_local(case.contact_phone) or (
        thai_mobile_local(reporter.phone or "") if reporter else None
    )


def _update_text(case: Case) -> str:
    return _("Update on your report %(code)s: it is now “%(status)s”.\n%(link)s") % {
        "code": case.tracking_code,
        "status": case.status.name_th,
        "link": public_link(case),
    }


def reporter_outgoing(case: Case) -> list[Outgoing]:
    """What the reporter of `case` is sent about its current status: one channel, or nothing."""
    for path in _reaches:
        found = import_string(path)(case)
        if found:
            return list(found)
    with translation.override(_language(case)):
        mobile = _mobile(case)
        if mobile:
            return [
                Outgoing(case.organization, Notification.Channel.SMS, mobile, [_text(_update_text(case))])
            ]
        if case.contact_email:
            subject = _("Update on your report %(code)s") % {"code": case.tracking_code}
            message = {"type": "text", "text": _update_text(case), "subject": str(subject)}
            return [Outgoing(case.organization, Notification.Channel.EMAIL, case.contact_email, [message])]
    return []


def _text(text: str) -> dict:
    return {"type": "text", "text": str(text)}


def reporter_notify(*, case: Case, citizen: Citizen | None = None) -> list[Notification]:
    """Enqueue the update for the reporter of `case` (inside the caller's transaction). A reporter who moved the
    case themselves (reopening it) got the answer where they did it: nothing is sent about their own action."""
    if citizen is not None:
        return []
    sent = _enqueue(case, reporter_outgoing(case), status_id=case.status_id)
    # A case from `lock_case` knows whether any report joined it (nearly never): then no query for them.
    if not getattr(case, "_has_joined_reports", True):
        return sent
    # Citizens whose reports joined this case (`cases.services.intake._join`) hear its news under their own
    # tracking code: the message is built from their case with the original's status.
    for joined in (
        Case.objects.filter(organization_id=case.organization_id, duplicate_of=case, attributes__joined=True)
        .select_related("organization", "reporter")
        .order_by("pk")
    ):
        joined.status = case.status  # in memory only, for the message
        sent += _enqueue(joined, reporter_outgoing(joined), status_id=case.status_id)
    return sent


def _enqueue(case: Case, outgoing: list[Outgoing], *, status_id: int) -> list[Notification]:
    subject = f"case:{case.pk}:status:{status_id}"
    return [
        notification_enqueue(
            organization=out.organization,
            channel=out.channel,
            recipient=out.recipient,
            messages=out.messages,
            subject=subject,
        )
        for out in outgoing
    ]
