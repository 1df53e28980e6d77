"""Reads of the case engine. Every read takes the actor and checks access; querysets are ready to render
(related rows joined or prefetched) so that a page of cases costs the same few queries at any size."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.cases.permissions import CasePerm
from muang.core.access import Actor, member_permissions, require
from muang.core.errors import InvalidInput, NotFound
from muang.core.geo import BBox
from muang.core.models import Citizen, Department, Membership, Organization, Role, User
from muang.core.stamps import StampedCache
from muang.core.uploads import FileRead, Visibility

from .models import (
    Attachment,
    Case,
    CaseCategory,
    CaseEvent,
    CaseInvitation,
    CaseStatus,
    Channel,
    SystemStatus,
)
from .policy import require_view
from .tracking import normalize_tracking_code, organization_id_of

MAX_SEARCH = 100
MAX_SEARCH_WORDS = 5
PHONE_LIKE = re.compile(r"^\+?[0-9][0-9 ()\-]*$")
QueueOrder = Literal["-created_at", "created_at", "due_at", "-updated_at"]
QUEUE_ORDERS: dict[str, tuple[Any, ...]] = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "due_at": (F("due_at").asc(nulls_last=True), "id"),  # most urgent first, no due time last
    "-updated_at": ("-updated_at", "-id"),
}


def _case_rows() -> QuerySet[Case]:
    return Case.objects.select_related("organization", "category", "status", "department", "assignee")


def case_queue(
    *,
    actor: Actor,
    organization: Organization,
    department: str | None = None,
    statuses: Sequence[str] = (),
    category: str | None = None,
    is_open: bool | None = None,
    overdue: bool | None = None,
    escalated: bool | None = None,
    assignee: str | None = None,
    unassigned: bool = False,
    created_from: dt.datetime | None = None,
    created_to: dt.datetime | None = None,
    bbox: BBox | None = None,
    search: str = "",
    order: QueueOrder = "-created_at",
    now: dt.datetime | None = None,
) -> QuerySet[Case]:
    """The organisation's cases for staff, filtered: by department / status / category code, open or not,
    overdue, escalated, assignee username (or unassigned), received in [created_from, created_to), in a box,
    and by what an officer types in the search box (`queue_search`)."""
    require(actor, organization, CasePerm.CASE_VIEW)
    now = now or timezone.now()
    qs = _case_rows().filter(organization=organization)
    if department:
        qs = qs.filter(
            department_id__in=Department.objects.filter(organization=organization, code=department).values(
                "id"
            )
        )
    if statuses:
        qs = qs.filter(
            status_id__in=CaseStatus.objects.filter(organization=organization, code__in=statuses).values("id")
        )
    if category:
        qs = qs.filter(
            category_id__in=CaseCategory.objects.filter(organization=organization, code=category).values("id")
        )
    if is_open is not None:
        qs = qs.filter(is_open=is_open)
    if overdue is True:
        qs = qs.filter(is_open=True, due_at__lt=now)
    elif overdue is False:
        qs = qs.exclude(is_open=True, due_at__lt=now)
    if escalated is not None:
        qs = qs.filter(escalated_at__isnull=not escalated)
    if unassigned:
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee__username=assignee)
    if created_from is not None:
        qs = qs.filter(created_at__gte=created_from)
    if created_to is not None:
        qs = qs.filter(created_at__lt=created_to)
    if bbox is not None:
        qs = qs.filter(location__contained=bbox.polygon())
    if search.strip():
        qs = qs.filter(queue_search(search))
    return qs.order_by(*QUEUE_ORDERS.get(order, QUEUE_ORDERS["-created_at"]))


MIN_PHONE_DIGITS = 4
FULL_PHONE_DIGITS = 8  # a Thai number without its leading 0: 8 digits (fixed line) or 9 (mobile)


def phone_digits(text: str) -> str:
    """The digits of a phone number as a search term: 081-234-5678, +66 81 234 5678 → 812345678."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("66") and len(digits) >= 11:
        digits = digits[2:]
    return digits.removeprefix("0")


def queue_search(text: str) -> Q:
    """What an officer types in the queue's search box: a tracking code (any spelling), a phone number (the
    contact's or the reporter's, whatever its punctuation), or words of the description or place; every word
    must appear. Served by the trigram indexes of `Case.Meta` (pg_trgm also splits Thai text, which has no
    spaces between words, into trigrams)."""
    text = text.strip()[:MAX_SEARCH]
    if code := normalize_tracking_code(text):
        return Q(tracking_code=code)
    if PHONE_LIKE.match(text) and len(digits := phone_digits(text)) >= MIN_PHONE_DIGITS:
        found = Q(contact_phone_digits__contains=digits)
        if len(digits) >= FULL_PHONE_DIGITS:
            # A whole number also finds the reporter's own account (LINE, sign-in by phone), by its unique
            # phone as stored (+66… or 0…): an index lookup, never a scan of every citizen.
            # Looked up first (one small query), so that both halves of the OR stay index scans.
            forms = [f"+66{digits}", f"0{digits}", f"66{digits}"]
            reporters = list(Citizen.objects.filter(phone__in=forms).values_list("id", flat=True))
            if reporters:
                found |= Q(reporter_id__in=reporters)
        return found
    condition = Q()
    for word in text.split()[:MAX_SEARCH_WORDS]:
        condition &= Q(description__icontains=word) | Q(address__icontains=word)
    return condition


def cases_shared_with(
    *, actor: Actor, organization: Organization, is_open: bool | None = True
) -> QuerySet[Case]:
    """Cases of other organisations that invited `organization` as co-responsible."""
    require(actor, organization, CasePerm.CASE_VIEW)
    qs = _case_rows().filter(
        pk__in=CaseInvitation.objects.filter(invited_organization=organization).values("case_id")
    )
    if is_open is not None:
        qs = qs.filter(is_open=is_open)
    return qs.order_by("-created_at", "-id")


def get_case_for(
    *,
    actor: Actor,
    tracking_code: str | None = None,
    case_id: int | None = None,
    organization: Organization | None = None,
) -> Case:
    """A case the actor may see, by tracking code (any spelling a person may type) or by id within an organisation.

    Raises NotFound when there is no such case, AccessDenied when it exists but is not the actor's to see.
    """
    if tracking_code is not None:
        code = normalize_tracking_code(tracking_code)
        if code is None:
            raise NotFound(_("“%(code)s” is not a tracking code.") % {"code": tracking_code})
        case = _one(_case_rows().filter(organization_id=organization_id_of(code), tracking_code=code))
        shown = code
    elif case_id is not None and organization is not None:
        case = _one(_case_rows().filter(organization=organization, pk=case_id))
        shown = str(case_id)
    else:
        raise TypeError("get_case_for needs tracking_code, or case_id with organization")
    if case is None or not case.organization.is_active:
        raise NotFound(_("No case %(code)s.") % {"code": shown})
    require_view(actor, case)
    return case


def _one(rows: QuerySet[Case]) -> Case | None:
    """The one row of a lookup by a unique key, or None; unlike `.first()`, no ORDER BY for the planner."""
    found = list(rows[:1])
    return found[0] if found else None


def case_handle_for(*, actor: Actor, tracking_code: str, perm: str) -> Case:
    """The case a transition service will work on (`perm`), for it to lock and read: one locked fetch per
    transition instead of a read here and a locked read there.

    When the actor may see cases and holds `perm` in the organisation the code names (a member there, or its
    token), nothing is read here: the handle is an unsaved Case naming that organisation (from the actor's
    memberships, already loaded) and the code, and the service's lock answers NotFound for a code that names
    no case. Anyone else gets `get_case_for`, with its NotFound / AccessDenied answers."""
    code = normalize_tracking_code(tracking_code)
    if code is not None:
        organization = _actor_organization(actor, organization_id_of(code))
        if (
            organization is not None
            and actor.has_perm(organization, CasePerm.CASE_VIEW)
            and actor.has_perm(organization, perm)
        ):
            return Case(organization=organization, tracking_code=code)
    return get_case_for(actor=actor, tracking_code=tracking_code)


def _actor_organization(actor: Actor, organization_id: int | None) -> Organization | None:
    """The organisation `organization_id` as the actor's membership or token already carries it (active), or
    None (nothing is read)."""
    if organization_id is None:
        return None
    if actor.token is not None:
        token = actor.token
        if token.organization_id == organization_id and type(token).organization.is_cached(token):
            return token.organization if token.organization.is_active else None
        return None
    if actor.user is None:
        return None
    membership = actor.memberships.get(organization_id)
    return membership.organization if membership is not None else None


@dataclass
class CaseDetail:
    """A case with everything its page shows; attributes of the case itself read through."""

    case: Case
    events: list[CaseEvent]
    attachments: list[Attachment]
    duplicates: list[str]
    forwarded_to: Case | None
    invitations: list[CaseInvitation]
    now: dt.datetime = field(default_factory=timezone.now)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "case":  # copy/pickle probes, or a half-built instance
            raise AttributeError(name)
        return getattr(self.case, name)


def case_detail(*, actor: Actor, case: Case) -> CaseDetail:
    """The case with its timeline (events with their photos), links and co-responsible organisations, for
    staff who may see it.

    Four queries whatever the case: events, photos (shared out to their events here rather than prefetched
    apart), the cases linked to it (its duplicates and where it was forwarded) and its invitations.
    """
    require_view(actor, case)
    return _detail(case, public_only=False)


def new_case_detail(*, actor: Actor, case: Case, events: list[CaseEvent]) -> CaseDetail:
    """A case the actor has just created, with the events its creation wrote (`services.written_events`):
    what `case_detail` would read, without reading it (nothing links to a new case yet)."""
    require_view(actor, case)
    photos = [photo for event in events for photo in event.attachments.all()]
    return CaseDetail(
        case=case, events=events, attachments=photos, duplicates=[], forwarded_to=None, invitations=[]
    )


def case_public_detail(case: Case) -> CaseDetail:
    """What anyone holding the case's tracking code may read: its public timeline and photos only. No actor:
    nobody's rights are borrowed for it."""
    return _detail(case, public_only=True)


def _detail(case: Case, *, public_only: bool) -> CaseDetail:
    events_qs = CaseEvent.objects.filter(organization_id=case.organization_id, case=case)
    photos_qs = Attachment.objects.filter(organization_id=case.organization_id, case=case)
    if public_only:
        events_qs = events_qs.filter(is_public=True)
        # The same rule as `photo_visibility`: a sensitive category's photos are never public.
        photos_qs = photos_qs.filter(is_public=True, case__category__is_sensitive=False)
    events = list(events_qs.select_related("actor_user", "actor_organization").order_by("created_at", "id"))
    attachments = list(photos_qs.order_by("created_at", "id"))
    by_event: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in attachments:
        if attachment.event_id is not None:
            by_event[attachment.event_id].append(attachment)
    for event in events:  # what prefetch_related("attachments") would leave, without its query
        photos = event.attachments.all()
        photos._result_cache, photos._prefetch_done = by_event.get(event.pk, []), True
        event._prefetched_objects_cache = {"attachments": photos}
    linked = list(
        Case.objects.filter(
            Q(organization_id=case.organization_id, duplicate_of=case) | Q(forwarded_from=case)
        ).select_related("organization")
    )
    duplicates = [
        c.tracking_code
        for c in sorted(linked, key=lambda c: c.created_at)
        if c.duplicate_of_id == case.pk and c.organization_id == case.organization_id
    ]
    forwarded_to = next((c for c in linked if c.forwarded_from_id == case.pk), None)
    invitations = list(
        CaseInvitation.objects.filter(organization_id=case.organization_id, case=case)
        .select_related("invited_organization")
        .order_by("created_at")
    )
    if case.forwarded_from_id is not None:
        # One more query, only for forwarded cases: the previous organisation's code and name.
        case.forwarded_from = Case.objects.select_related("organization").get(pk=case.forwarded_from_id)
    if case.duplicate_of_id is not None:
        case.duplicate_of = Case.objects.only("tracking_code").get(pk=case.duplicate_of_id)
    return CaseDetail(
        case=case,
        events=events,
        attachments=attachments,
        duplicates=duplicates,
        forwarded_to=forwarded_to,
        invitations=invitations,
    )


def case_categories_of(*, actor: Actor, organization: Organization) -> QuerySet[CaseCategory]:
    require(actor, organization, CasePerm.CASE_VIEW)
    return (
        CaseCategory.objects.filter(organization=organization, is_active=True)
        .select_related("default_department")
        .order_by("position", "code")
    )


# Each organisation's active categories (with their default department), loaded once per process and stamp:
# any change of a category or a department reloads them (muang.core.stamps).
_active_categories: StampedCache[dict[str, CaseCategory]] = StampedCache(
    "case_categories", "departments", tables=("cases_casecategory", "core_department")
)


def active_categories(organization: Organization) -> dict[str, CaseCategory]:
    """The organisation's active categories by code, in their order, with their default departments: from the
    per-process cache (shared: never change what it returns)."""
    return _active_categories.get(
        organization.pk,
        lambda: {
            c.code: c
            for c in CaseCategory.objects.filter(organization_id=organization.pk, is_active=True)
            .select_related("default_department")
            .order_by("position", "code")
        },
    )


def get_category_for(
    *, actor: Actor, organization: Organization, code: str, field: str = "category"
) -> CaseCategory:
    require(actor, organization, CasePerm.CASE_VIEW)
    category = active_categories(organization).get(code)
    if category is None:
        raise InvalidInput.for_field(
            field, _("%(org)s has no category “%(code)s”.") % {"org": organization, "code": code}
        )
    return category


def case_statuses_of(*, actor: Actor, organization: Organization) -> QuerySet[CaseStatus]:
    require(actor, organization, CasePerm.CASE_VIEW)
    return CaseStatus.objects.filter(organization=organization, is_active=True).order_by("position", "code")


def get_assignee_for(*, actor: Actor, case: Case, username: str) -> User:
    """A staff member of the case's organisation who may work cases, by username (for `case_assign`)."""
    return get_assignee_membership_for(actor=actor, case=case, username=username).user


def get_assignee_membership_for(*, actor: Actor, case: Case, username: str) -> Membership:
    """The membership (with its user and department) of a staff member of the case's organisation who may work
    cases, by username: `case_assign(assignee=m.user, assignee_membership=m)` then reads it no second time."""
    require(actor, case.organization, CasePerm.CASE_ASSIGN)
    membership = (
        Membership.objects.filter(
            organization_id=case.organization_id, is_active=True, user__username=username
        )
        .select_related("user", "department")  # the department's duties: member_permissions reads them
        .first()
    )
    if membership is None or CasePerm.CASE_WORK not in member_permissions(membership):
        raise InvalidInput.for_field(
            "assignee",
            _("%(user)s does not work cases in %(org)s.") % {"user": username, "org": case.organization},
        )
    return membership


def get_department_of(
    *, actor: Actor, organization: Organization, code: str, field: str = "department"
) -> Department:
    require(actor, organization, CasePerm.CASE_VIEW)
    department = Department.objects.filter(organization=organization, code=code, is_active=True).first()
    if department is None:
        raise InvalidInput.for_field(
            field, _("%(org)s has no department “%(code)s”.") % {"org": organization, "code": code}
        )
    return department


def organization_by_slug(slug: str, *, field: str = "organization") -> Organization:
    """Any active organisation, for forwarding and invitations: the directory of organisations is public."""
    organization = Organization.objects.filter(slug=slug, is_active=True).first()
    if organization is None:
        raise InvalidInput.for_field(field, _("No organisation “%(slug)s”.") % {"slug": slug})
    return organization


# --- the timeline as people read it ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One timeline event as staff read it: who (by name) and what changed (in words and names, never codes)."""

    event: CaseEvent
    who: str
    change: str

    def __getattr__(self, name: str) -> Any:  # created_at, is_public, message, attachments... of the event
        if name.startswith("__") or name == "event":
            raise AttributeError(name)
        return getattr(self.event, name)


def _names_by_username(usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    users = User.objects.filter(username__in=usernames).only("username", "first_name", "last_name")
    return {u.username: u.display_name for u in users}


def timeline_of(detail: CaseDetail) -> list[TimelineEntry]:
    """The case's events with the codes in their data turned into what people call things: the organisation's
    status names, people's names, category, department and organisation names.

    At most three queries whatever the length of the timeline (statuses; people named in assignments and
    escalations; categories and departments, only when the category changed).
    """
    case, events = detail.case, detail.events
    statuses = dict(
        CaseStatus.objects.filter(organization_id=case.organization_id).values_list("code", "name_th")
    )
    usernames: set[str] = set()
    routed = False
    for event in events:
        if event.kind == "assigned":
            usernames |= {u for u in (event.data.get("from"), event.data.get("to")) if isinstance(u, str)}
        elif event.kind == "escalated":
            usernames |= {u for u in event.data.get("to") or () if isinstance(u, str)}
        elif event.kind == "category_changed":
            routed = True
    people = _names_by_username(usernames)
    categories: dict[str, str] = {}
    departments: dict[str, str] = {}
    if routed:
        categories = dict(
            CaseCategory.objects.filter(organization_id=case.organization_id).values_list("code", "name_th")
        )
        departments = dict(
            Department.objects.filter(organization_id=case.organization_id).values_list("code", "name_th")
        )

    def status(code: Any) -> str:
        return statuses.get(code, str(code or "—"))

    def person(username: Any) -> str:
        return people.get(username, username) if username else _("nobody")

    def place(value: Any) -> str:
        value = value if isinstance(value, dict) else {}
        category = categories.get(value.get("category"), value.get("category") or "—")
        department = departments.get(value.get("department"), value.get("department") or "—")
        return f"{category} ({department})"

    def change_of(event: CaseEvent) -> str:
        data = event.data or {}
        kind = event.kind
        if kind in ("status_changed", "reopened"):
            return f"{status(data.get('from'))} → {status(data.get('to'))}"
        if kind == "assigned":
            if data.get("to") and data.get("from"):
                return f"{person(data['from'])} → {person(data['to'])}"
            if data.get("to"):
                return _("to %(name)s") % {"name": person(data["to"])}
            return _("taken back from %(name)s") % {"name": person(data.get("from"))}
        if kind == "category_changed":
            return f"{place(data.get('from'))} → {place(data.get('to'))}"
        if kind == "escalated":
            names = ", ".join(person(u) for u in data.get("to") or ()) or "—"
            return _("brought to the attention of %(names)s") % {"names": names}
        if kind == "forwarded":
            return _("to %(org)s, new code %(code)s") % {
                "org": data.get("organization_name", ""),
                "code": data.get("tracking_code", ""),
            }
        if kind == "forward_received":
            return _("from %(org)s, their code %(code)s") % {
                "org": data.get("organization_name", ""),
                "code": data.get("tracking_code", ""),
            }
        if kind == "invited":
            return str(data.get("organization_name", ""))
        if kind == "duplicate_marked":
            return _("of %(code)s") % {"code": data.get("original", "")}
        if kind == "duplicate_linked":
            return _("%(code)s is a duplicate of this case") % {"code": data.get("duplicate", "")}
        if kind == "rated":
            return _("%(stars)s of 5 stars") % {"stars": data.get("stars", "")}
        if kind == "created" and data.get("channel"):
            return _("by %(channel)s") % {
                "channel": dict(Channel.choices).get(data["channel"], data["channel"])
            }
        return ""

    def who_of(event: CaseEvent) -> str:
        if event.actor_user_id is not None:
            who = event.actor_user.display_name
            if event.actor_organization_id not in (None, case.organization_id):
                who = f"{who} ({event.actor_organization.name_th})"
            return who
        if event.actor_citizen_id is not None:
            return _("the reporter")
        if event.actor_organization_id not in (None, case.organization_id):
            return event.actor_organization.name_th
        return _("the platform") if event.kind == "escalated" else ""

    return [TimelineEntry(event=e, who=who_of(e), change=change_of(e)) for e in events]


# --- stored photos ------------------------------------------------------------------------------------------------


def photo_visibility(*, actor: Actor, organization_id: int, name: str) -> Visibility:
    """Who may see the stored case photo `name` (the reader of `/files/cases/...`, see muang.core.uploads).

    Anyone, when it is a public photo (not an internal one) of a case of an active organisation whose category
    is not sensitive: what the public tracking page shows. Any other photo only to staff who may see its case
    (its organisation's, or an invited organisation's). A category made sensitive later, or a case moved to a
    sensitive one, takes its photos off the public side at once: the decision is made on each read.
    """
    attachment = (
        Attachment.objects.filter(organization_id=organization_id, file=name)
        .select_related("case__category", "case__organization")
        .first()
    )
    if attachment is None:
        raise NotFound(_("No such photo."))
    case = attachment.case
    if attachment.is_public and not case.category.is_sensitive and case.organization.is_active:
        return Visibility.PUBLIC
    require_view(actor, case)
    return Visibility.PERSONAL


def read_photo(read: FileRead) -> Visibility:
    """The reader of `/files/cases/...` (declared in the app's contract)."""
    return photo_visibility(actor=read.actor, organization_id=read.organization_id, name=read.name)


# --- the case desk ----------------------------------------------------------------------------------------------


def organizations_taking_cases() -> QuerySet[Organization]:
    """Active organisations that take cases (have categories): where a case may be forwarded or shared."""
    return (
        Organization.objects.filter(is_active=True, case_categories__isnull=False)
        .distinct()
        .order_by("name_th")
    )


def assignable_staff(
    *, actor: Actor, organization: Organization, department_id: int | None
) -> list[Membership]:
    """Who may be given cases of `department_id`: its officers and its head (the case service refuses anyone
    else). Without a department (an executive's bulk form), those of every department, by department.
    Memberships with their user and department joined, in the order a list shows them."""
    if not actor.has_perm(organization, CasePerm.CASE_ASSIGN):
        return []
    rows = Membership.objects.filter(
        organization=organization,
        is_active=True,
        user__is_active=True,
        role__in=[Role.OFFICER, Role.DEPARTMENT_HEAD],
        department__is_active=True,
    )
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    return list(
        rows.select_related("user", "department").order_by(
            "department__name_th", "role", "user__first_name", "user__last_name", "user__username"
        )
    )


def staff_statuses(organization: Organization) -> list[CaseStatus]:
    """Statuses staff may set by hand (forwarded and duplicate have their own actions)."""
    return list(
        CaseStatus.objects.filter(organization=organization, is_active=True)
        .exclude(code__in=[SystemStatus.FORWARDED, SystemStatus.DUPLICATE])
        .order_by("position", "code")
    )


# Canned responses per status code, used when the organisation has none in settings["cases"]["canned_responses"].
DEFAULT_CANNED_RESPONSES: dict[str, list[str]] = {
    SystemStatus.RECEIVED: ["ได้รับเรื่องแล้ว เจ้าหน้าที่จะตรวจสอบโดยเร็ว"],
    SystemStatus.IN_PROGRESS: [
        "เจ้าหน้าที่ลงพื้นที่ตรวจสอบแล้ว กำลังดำเนินการแก้ไข",
        "อยู่ระหว่างจัดหาวัสดุอุปกรณ์ จะดำเนินการโดยเร็ว",
    ],
    SystemStatus.RESOLVED: ["ดำเนินการแก้ไขเรียบร้อยแล้ว ขอบคุณที่แจ้งเรื่อง", "แก้ไขแล้ว ตามภาพหลังดำเนินการ"],
    SystemStatus.NOT_RESPONSIBLE: ["เรื่องนี้ไม่อยู่ในอำนาจหน้าที่ของหน่วยงาน ได้แนะนำหน่วยงานที่รับผิดชอบแล้ว"],
    SystemStatus.CLOSED: ["ปิดเรื่องเรียบร้อย"],
}


def canned_responses(organization: Organization) -> dict[str, list[str]]:
    """Per status code, the organisation's canned responses (data in its settings), else the defaults."""
    configured = (organization.settings or {}).get("cases", {}).get("canned_responses")
    if isinstance(configured, dict) and configured:
        return {str(k): [str(t) for t in v] for k, v in configured.items() if isinstance(v, list)}
    return {str(k): v for k, v in DEFAULT_CANNED_RESPONSES.items()}
