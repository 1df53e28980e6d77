"""The LINE report conversation: one state machine per LINE user per organisation's LINE account.

    idle ─any message─▶ location ─location─▶ description ─text─▶ category ─postback─▶ photos ─done─▶ confirm
                                                                                                      │
                        idle ◀───────────────────── case_submit (idempotency key = the event id) ◀─┘

The point decides the organisation (`locate_organization`): a point of another organisation on Muang is filed
there (the citizen is told so), a point outside all of them is refused naming the nearest. "status" / "ติดตาม"
or a tracking code answers the public status at any step; "cancel" / "ยกเลิก" starts over.

Every event is processed once: `LineWebhookEvent` (unique per organisation and webhookEventId) is inserted in the
same transaction as the conversation's change and the outbox replies, so a redelivery is a no-op and a crash
leaves nothing half-done (LINE redelivers, and the event is processed then).
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from muang.cases.models import Case, CaseCategory, Channel
from muang.cases.services import case_rate_by_citizen, case_submit
from muang.cases.services.steps import MAX_PHOTOS_PER_EVENT
from muang.cases.tracking import normalize_tracking_code, organization_id_of
from muang.core import registry
from muang.core.errors import InvalidInput, MuangError
from muang.core.images import CleanImage, clean_image
from muang.core.jurisdiction import ReportOutsideArea, locate_organization
from muang.core.line import LineAdapter, LineDeliveryError
from muang.core.models import Citizen, LineChannel, Notification, Organization
from muang.core.outbox import notification_enqueue
from muang.core.validation import point_from
from muang.reports.models import LineCaseLink, LineConversation, LineWebhookEvent
from muang.reports.suggestion import suggest_category

from . import messages as m

logger = logging.getLogger("muang.reports.line")

State = LineConversation.State
STATUS_WORDS = frozenset({"ติดตาม", "สถานะ", "status", "track"})
CANCEL_WORDS = frozenset({"ยกเลิก", "cancel"})
DONE_WORDS = frozenset({"เสร็จ", "ข้าม", "done", "skip"})
MAX_REPLY_MESSAGES = 5  # LINE's limit per reply
STALE_AFTER = dt.timedelta(hours=24)  # an unfinished draft older than this starts over
STATUS_CASES = 5


@dataclass(frozen=True)
class Incoming:
    """What the conversation needs of a LINE webhook event (line-bot-sdk v3 model), flattened."""

    event_id: str
    kind: str  # text | image | location | postback | follow | other
    user_id: str
    reply_token: str = ""
    text: str = ""
    postback: str = ""
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    message_id: str = ""

    @classmethod
    def from_event(cls, event) -> "Incoming | None":
        user_id = getattr(getattr(event, "source", None), "user_id", None)
        event_id = getattr(event, "webhook_event_id", None)
        if not user_id or not event_id:
            return None  # group / room events without a user, or a malformed event: nothing to converse with
        common = {
            "event_id": event_id,
            "user_id": user_id,
            "reply_token": getattr(event, "reply_token", "") or "",
        }
        if event.type == "message":
            message = event.message
            if message.type == "text":
                return cls(kind="text", text=(message.text or "").strip(), **common)
            if message.type == "image":
                return cls(kind="image", message_id=message.id, **common)
            if message.type == "location":
                return cls(
                    kind="location",
                    lat=message.latitude,
                    lon=message.longitude,
                    address=(message.address or "")[:300],
                    **common,
                )
            return cls(kind="other", **common)
        if event.type == "postback":
            return cls(kind="postback", postback=event.postback.data or "", **common)
        if event.type == "follow":
            return cls(kind="follow", **common)
        return cls(kind="other", **common)


@dataclass
class Context:
    organization: Organization  # whose LINE account the citizen talks to
    channel: LineChannel
    base_url: str  # for tracking links, e.g. https://muang.example.go.th
    now: dt.datetime


def line_event_process(
    *,
    organization: Organization,
    channel: LineChannel,
    event: Incoming,
    base_url: str,
    now: dt.datetime | None = None,
) -> bool:
    """Process one webhook event exactly once. Returns False for an event already processed (a redelivery)."""
    ctx = Context(organization=organization, channel=channel, base_url=base_url, now=now or timezone.now())
    with transaction.atomic():
        try:
            with transaction.atomic():
                LineWebhookEvent.objects.create(
                    organization=organization, webhook_event_id=event.event_id, event_type=event.kind
                )
        except IntegrityError:
            return False
        citizen, _created = Citizen.objects.get_or_create(line_user_id=event.user_id)
        conversation, _created = LineConversation.objects.get_or_create(
            organization=organization, line_user_id=event.user_id, defaults={"citizen": citizen}
        )
        conversation = LineConversation.objects.select_for_update().get(
            organization=organization, pk=conversation.pk
        )
        with translation.override(citizen.preferred_language or "th"):
            replies = _step(ctx, conversation, citizen, event)
        # By the tenant and the row, like the lock above (never the primary key alone).
        LineConversation.objects.filter(organization=organization, pk=conversation.pk).update(
            state=conversation.state, data=conversation.data, updated_at=timezone.now()
        )
        if replies and event.reply_token:
            notification_enqueue(
                organization=organization,
                channel=Notification.Channel.LINE_REPLY,
                recipient=event.user_id,
                reply_token=event.reply_token,
                messages=replies[:MAX_REPLY_MESSAGES],
                subject=f"line:{event.event_id}",
            )
    return True


# --- the state machine ---------------------------------------------------------------------------------------


def _step(ctx: Context, conv: LineConversation, citizen: Citizen, ev: Incoming) -> list[dict]:
    word = ev.text.casefold()
    action = m.parse_postback(ev.postback) if ev.kind == "postback" else {}
    if ev.kind == "text" and (word.split(" ", 1)[0] in STATUS_WORDS or normalize_tracking_code(ev.text)):
        return [_status_answer(ctx, ev)]
    if action.get("action") == "rate":
        return [_rate(citizen, action)]
    if ev.kind == "text" and ev.text:
        # Other apps' words (AppContract.line_commands), e.g. following an air station: asked at any step.
        for path in registry.collected("line_commands"):
            answer = import_string(path)(
                organization=ctx.organization,
                citizen=citizen,
                line_user_id=ev.user_id,
                text=ev.text,
                now=ctx.now,
            )
            if answer is not None:
                return answer
    if word in CANCEL_WORDS or action.get("action") == "cancel":
        _reset(conv)
        return [m.cancelled()]
    if conv.state != State.IDLE and ctx.now - conv.updated_at > STALE_AFTER:
        _reset(conv)
    if ev.kind == "follow" or conv.state == State.IDLE:
        if ev.kind == "location":
            return _on_location(ctx, conv, ev)
        if ev.kind == "other":
            return []
        conv.state, conv.data = State.LOCATION, {}
        return [m.greeting(ctx.organization.name_th)]
    handler = {
        State.LOCATION: _in_location,
        State.DESCRIPTION: _in_description,
        State.CATEGORY: _in_category,
        State.PHOTOS: _in_photos,
        State.CONFIRM: _in_confirm,
    }[conv.state]
    try:
        return handler(ctx, conv, citizen, ev, action)
    except (Organization.DoesNotExist, CaseCategory.DoesNotExist, KeyError):
        # The draft points at an organisation or category that has since gone (or a draft of an older shape):
        # start over rather than fail the event, which LINE would redeliver again and again.
        logger.info("LINE draft of %s reset in state %s", ev.user_id, conv.state)
        conv.state, conv.data = State.LOCATION, {}
        return [m.greeting(ctx.organization.name_th)]


def _reset(conv: LineConversation) -> None:
    conv.state, conv.data = State.IDLE, {}


def _target(conv: LineConversation) -> Organization:
    return Organization.objects.get(pk=conv.data["organization_id"], is_active=True)


def _in_location(ctx, conv, citizen, ev, action) -> list[dict]:
    if ev.kind != "location":
        return [m.ask_location_again(_("Please send the location with the button below."))]
    return _on_location(ctx, conv, ev)


def _on_location(ctx: Context, conv: LineConversation, ev: Incoming) -> list[dict]:
    try:
        route = locate_organization(point_from(lat=ev.lat, lon=ev.lon))
    except (InvalidInput, ReportOutsideArea) as e:
        conv.state = State.LOCATION
        return [m.ask_location_again(e.detail)]
    target = route.organization
    conv.state = State.DESCRIPTION
    conv.data = {"lat": ev.lat, "lon": ev.lon, "address": ev.address, "organization_id": target.pk}
    replies = []
    if target.pk != ctx.organization.pk:
        replies.append(m.routed_elsewhere(ctx.organization.name_th, target.name_th))
    replies.append(m.ask_description())
    return replies


def _categories(organization: Organization) -> list[CaseCategory]:
    return list(
        CaseCategory.objects.filter(organization=organization, is_active=True).order_by("position", "code")
    )


def _in_description(ctx, conv, citizen, ev, action) -> list[dict]:
    if ev.kind != "text" or not ev.text:
        return [m.ask_description()]
    if len(ev.text) > 5000:
        return [m.problem(_("The description may be at most 5000 characters.")), m.ask_description()]
    target = _target(conv)
    categories = _categories(target)
    if not categories:
        _reset(conv)
        return [m.problem(_("%(org)s does not take reports here yet.") % {"org": target.name_th})]
    suggestion = suggest_category(organization=target, text=ev.text)
    suggested = suggestion[0] if suggestion else None
    conv.data = {**conv.data, "description": ev.text, "suggested": suggested.code if suggested else ""}
    conv.state = State.CATEGORY
    return [m.ask_category(categories, suggested)]


def _in_category(ctx, conv, citizen, ev, action) -> list[dict]:
    target = _target(conv)
    categories = _categories(target)
    chosen = None
    if action.get("action") == "category":
        chosen = next((c for c in categories if c.code == action.get("code")), None)
    elif ev.kind == "text":
        chosen = next((c for c in categories if ev.text in (c.name_th, c.name_en)), None)
    suggested = next((c for c in categories if c.code == conv.data.get("suggested")), None)
    if chosen is None:
        return [m.ask_category(categories, suggested)]
    conv.data = {**conv.data, "category": chosen.code, "photos": []}
    conv.state = State.PHOTOS
    return [m.ask_photos(0, MAX_PHOTOS_PER_EVENT)]


def _in_photos(ctx, conv, citizen, ev, action) -> list[dict]:
    photos = list(conv.data.get("photos", []))
    if ev.kind == "image":
        photos.append(ev.message_id)
        conv.data = {**conv.data, "photos": photos}
        if len(photos) < MAX_PHOTOS_PER_EVENT:
            return [m.ask_photos(len(photos), MAX_PHOTOS_PER_EVENT)]
    elif not (action.get("action") == "photos_done" or ev.text.casefold() in DONE_WORDS):
        return [m.ask_photos(len(photos), MAX_PHOTOS_PER_EVENT)]
    conv.state = State.CONFIRM
    return [_confirm_message(conv)]


def _confirm_message(conv: LineConversation) -> dict:
    target = _target(conv)
    category = CaseCategory.objects.get(organization=target, code=conv.data["category"])
    return m.confirm(
        organization_name=target.name_th,
        category_name=category.name_th,
        description=conv.data["description"],
        photos=len(conv.data.get("photos", [])),
    )


def _in_confirm(ctx, conv, citizen, ev, action) -> list[dict]:
    if action.get("action") != "confirm":
        return [_confirm_message(conv)]
    target = _target(conv)
    category = CaseCategory.objects.filter(
        organization=target, code=conv.data["category"], is_active=True
    ).first()
    if category is None:
        conv.state = State.CATEGORY
        return [m.ask_category(_categories(target), None)]
    photos, missed, reasons = _download_photos(ctx, conv.data.get("photos", []))
    try:
        case, _created = case_submit(
            organization=target,
            category=category,
            channel=Channel.LINE,
            description=conv.data["description"],
            reporter=citizen,
            location=point_from(lat=conv.data["lat"], lon=conv.data["lon"]),
            address=conv.data.get("address", ""),
            photos=photos,
            idempotency_key=ev.event_id,
            now=ctx.now,
        )
    except InvalidInput as e:
        return [m.problem(e.detail), _confirm_message(conv)]
    link = m.tracking_link(ctx.base_url, case.tracking_code)
    LineCaseLink.objects.get_or_create(
        case=case,
        defaults={
            "organization": case.organization,
            "channel_organization": ctx.organization,
            "line_user_id": ev.user_id,
            "tracking_url": link,
        },
    )
    _reset(conv)
    conv.data = {"last_case": case.tracking_code}
    replies = [m.filed(case, link)]
    if missed:
        said = _("%(n)s photo(s) could not be attached.") % {"n": missed}
        replies.append(m.problem(" ".join([said, *dict.fromkeys(reasons)])))
    return replies


def _download_photos(ctx: Context, message_ids: list[str]) -> tuple[list[CleanImage], int, list[str]]:
    """The photos from LINE, checked and re-encoded like every upload (`clean_image`): the ones kept, how
    many were left out (LINE no longer has it, or it is refused, e.g. too many pixels) and why they were
    refused. Checked here because one refused photo would otherwise refuse the whole report."""
    kept: list[CleanImage] = []
    missed, reasons = 0, []
    if not message_ids:
        return kept, missed, reasons
    adapter = LineAdapter(access_token=ctx.channel.access_token)
    for message_id in message_ids:
        try:
            data = adapter.get_message_content(message_id)
        except LineDeliveryError as e:
            logger.warning("LINE content %s not fetched: %s", message_id, e)
            missed += 1
            continue
        try:
            kept.append(clean_image(ContentFile(data, name="line.jpg"), field="photos"))
        except InvalidInput as e:
            missed += 1
            reasons.append(e.detail)
    return kept, missed, reasons


def _rate(citizen: Citizen, action: dict[str, str]) -> dict:
    code = normalize_tracking_code(action.get("code", ""))
    case = (
        Case.objects.select_related("organization", "status")
        .filter(organization_id=organization_id_of(code), tracking_code=code)
        .first()
        if code
        else None
    )
    if case is None:
        return m.no_such_case(action.get("code", ""))
    try:
        stars = int(action.get("stars", ""))
        case_rate_by_citizen(citizen=citizen, case=case, stars=stars)
    except ValueError:
        return m.problem(_("A rating is 1 to 5 stars."))
    except MuangError as e:  # not the reporter's case, not resolved, already rated
        return m.problem(e.detail)
    return m.rated(stars)


def _status_answer(ctx: Context, ev: Incoming) -> dict:
    """The public status of a case by its code, or of the citizen's latest LINE reports with this account."""
    first, _space, rest = ev.text.partition(" ")
    code = normalize_tracking_code(rest if first.casefold() in STATUS_WORDS and rest else ev.text)
    rows = Case.objects.select_related("organization", "category", "status")
    if code is not None:
        case = rows.filter(
            organization_id=organization_id_of(code), tracking_code=code, organization__is_active=True
        ).first()
        return m.statuses([case]) if case else m.no_such_case(code)
    case_ids = LineCaseLink.objects.filter(
        channel_organization=ctx.organization, line_user_id=ev.user_id
    ).values("case_id")
    return m.statuses(list(rows.filter(pk__in=case_ids).order_by("-created_at")[:STATUS_CASES]))
