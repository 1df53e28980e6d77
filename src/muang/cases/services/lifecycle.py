"""Working a case: assign, change status, notes and photos, re-categorise, reopen, rate, mark duplicate.

Every transition locks the case row (`select_for_update`), re-checks the rules on the locked row, writes a
timeline event and, for staff, an audit entry. Citizen variants (`*_by_citizen`) check that the citizen is
the reporter and leave the audit log to staff writes; their events name the citizen instead. A move of the
public status is followed, inside the transaction, by the explicit notify step (`muang.cases.notify`): the
reporter hears of it once, on LINE, by SMS or by e-mail, through the outbox. Only the fields that changed are written, and the same diff is audited.
"""

import datetime as dt
from collections.abc import Sequence

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from muang.cases.permissions import CasePerm
from muang.core import audit
from muang.core.access import Actor, member_permissions, require
from muang.core.errors import AccessDenied, Conflict, InvalidInput
from muang.core.models import ROLES_WITH_DEPARTMENT, Citizen, Department, Membership, Organization, User

from ..models import AttachmentKind, Case, CaseCategory, CaseEvent, EventKind, SystemStatus
from ..notify import reporter_notify
from ..policy import acting_organization_for_notes, require_on_case
from .sla import due_at_for
from .steps import (
    MAX_COMMENT,
    MAX_MESSAGE,
    add_event,
    attach_photos,
    audit_case_update,
    clean_photos,
    clean_text,
    current_time,
    lock_case,
    lock_cases,
    move_to_status,
    new_event,
    save_case,
    status_for,
)

# Statuses with their own service: setting them by hand would skip what that service does.
DEDICATED_STATUSES = {
    SystemStatus.FORWARDED: "case_forward",
    SystemStatus.DUPLICATE: "case_mark_duplicate",
}


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise Conflict(
            _("Case %(code)s is closed (%(status)s); reopen it first.")
            % {"code": case.tracking_code, "status": case.status.name_th}
        )


def _status_event(
    case: Case, old_code: str, *, actor: Actor | None, now: dt.datetime, message: str = ""
) -> CaseEvent:
    """The public timeline event of a status move (not saved yet)."""
    return new_event(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        now=now,
        public=True,
        message=message,
        data={"from": old_code, "to": case.status.code},
        actor=actor,
    )


def _check_assignee(case: Case, assignee: User, membership: Membership | None = None) -> None:
    """Cases are worked by the officers and the head of the case's department, nobody else: not the mayor,
    not the IT administrator (they may assign, but are not given the work). `membership`: the assignee's active
    membership with its department, when the caller has just read it (not read a second time)."""
    if membership is None or not (
        membership.user_id == assignee.pk
        and membership.organization_id == case.organization_id
        and membership.is_active
    ):
        membership = (
            Membership.objects.filter(user=assignee, organization_id=case.organization_id, is_active=True)
            .select_related("department")  # its duties: member_permissions reads them, no query of its own
            .only("role", "department_id", "department__duties", "department__is_active")
            .first()
        )
    if (
        membership is None
        or not assignee.is_active
        or CasePerm.CASE_WORK not in member_permissions(membership)
    ):
        raise InvalidInput.for_field(
            "assignee",
            _("%(user)s does not work cases in %(org)s.")
            % {"user": assignee.display_name, "org": case.organization},
        )
    if membership.role not in ROLES_WITH_DEPARTMENT:
        raise InvalidInput.for_field(
            "assignee",
            _("%(user)s is not an officer or the head of a department: give the case to %(department)s.")
            % {"user": assignee.display_name, "department": case.department.name_th},
        )
    if membership.department_id != case.department_id:
        raise InvalidInput.for_field(
            "assignee",
            _("%(user)s works in another department; move the case to that department first.")
            % {"user": assignee.display_name},
        )


@transaction.atomic
def case_assign(
    *,
    actor: Actor,
    case: Case,
    assignee: User | None,
    message: str = "",
    now: dt.datetime | None = None,
    assignee_membership: Membership | None = None,
) -> Case:
    """Give the case to an officer or the head of its department (None takes it back).

    `received` becomes `assigned`."""
    require(actor, case.organization, CasePerm.CASE_ASSIGN)
    now = current_time(now)
    message = clean_text(message, field="message", max_length=MAX_MESSAGE)
    case = lock_case(case)
    require_on_case(actor, case, CasePerm.CASE_ASSIGN)
    _require_open(case)
    if assignee is not None:
        _check_assignee(case, assignee, assignee_membership)
    if (assignee.pk if assignee else None) == case.assignee_id:
        raise Conflict(_("The case is already assigned like that."))
    before = audit.snapshot(case)
    previous = case.assignee.username if case.assignee else None
    case.assignee = assignee
    case.assigned_at = now if assignee is not None else None
    case.updated_at = now
    old_code = case.status.code
    if assignee is not None and old_code == SystemStatus.RECEIVED:
        move_to_status(case, status_for(case, SystemStatus.ASSIGNED), now=now)
    elif assignee is None and old_code == SystemStatus.ASSIGNED:
        move_to_status(case, status_for(case, SystemStatus.RECEIVED), now=now)
    changes = save_case(case, before)
    # Who works a case is internal; the public timeline only learns that the status moved.
    events = [
        new_event(
            case=case,
            kind=EventKind.ASSIGNED,
            now=now,
            public=False,
            message=message,
            data={"from": previous, "to": assignee.username if assignee else None},
            actor=actor,
        )
    ]
    if case.status.code != old_code:
        events.append(_status_event(case, old_code, actor=actor, now=now))
    CaseEvent.objects.bulk_create(events)
    if case.status.code != old_code:
        reporter_notify(case=case)
    audit_case_update(actor=actor, case=case, changes=changes, reason="assign")
    return case


@transaction.atomic
def case_change_status(
    *,
    actor: Actor,
    case: Case,
    status: str,
    message: str = "",
    photos: Sequence[File] = (),
    photo_kind: str = AttachmentKind.AFTER,
    now: dt.datetime | None = None,
) -> Case:
    """Move the case to another status of its organisation, with an optional public message and photos.

    An open case may go to any status; a closed one only to another closed status (resolved → closed):
    back to open is `case_reopen`. Forwarded and duplicate have their own services. The case's own status with
    a message or photos is a progress update: it is added to the public timeline and moves nothing.
    """
    require(actor, case.organization, CasePerm.CASE_WORK)
    now = current_time(now)
    message = clean_text(message, field="message", max_length=MAX_MESSAGE)
    if status in DEDICATED_STATUSES:
        raise InvalidInput.for_field(
            "status",
            _("Use %(service)s to set “%(code)s”.") % {"service": DEDICATED_STATUSES[status], "code": status},
        )
    cleaned = clean_photos(photos)
    case = lock_case(case)
    require_on_case(actor, case, CasePerm.CASE_WORK)
    target = status_for(case, status)
    old = case.status
    if target.pk == old.pk:
        if not message and not cleaned:
            raise Conflict(_("The case is already “%(status)s”.") % {"status": old.name_th})
        _add_note(
            actor=actor,
            case=case,
            acting=case.organization,
            message=message,
            public=True,
            photos=cleaned,
            photo_kind=photo_kind,
            now=now,
        )
        return case
    if not case.is_open:
        if old.code in DEDICATED_STATUSES:
            raise Conflict(_("A %(status)s case cannot change status.") % {"status": old.name_th})
        if target.is_open:
            raise Conflict(_("The case is closed: reopen it instead."))
    if target.code == SystemStatus.ASSIGNED and case.assignee_id is None:
        raise InvalidInput.for_field("status", _("Assign the case to someone first."))
    before = audit.snapshot(case)
    move_to_status(case, target, now=now)
    changes = save_case(case, before)
    event = _status_event(case, old.code, actor=actor, now=now, message=message)
    event.save(force_insert=True)
    attach_photos(case=case, event=event, photos=cleaned, kind=photo_kind, actor=actor, now=now)
    reporter_notify(case=case)
    audit_case_update(actor=actor, case=case, changes=changes, reason=f"status: {target.code}")
    return case


@transaction.atomic
def case_add_note(
    *,
    actor: Actor,
    case: Case,
    message: str = "",
    public: bool = False,
    photos: Sequence[File] = (),
    photo_kind: str = AttachmentKind.OTHER,
    photos_field: str = "photos",
    now: dt.datetime | None = None,
) -> CaseEvent:
    """An internal note, or a public update the citizen sees, with up to five photos (a refused photo is
    reported on `photos_field`, the name of the caller's upload field).

    Staff of an organisation invited as co-responsible may add notes too, in their organisation's name.
    """
    now = current_time(now)
    acting = acting_organization_for_notes(actor, case)
    message = clean_text(message, field="message", max_length=MAX_MESSAGE, required=not photos)
    return _add_note(
        actor=actor,
        case=case,
        acting=acting,
        message=message,
        public=public,
        photos=clean_photos(photos, field=photos_field),
        photo_kind=photo_kind,
        now=now,
    )


def _add_note(
    *,
    actor: Actor,
    case: Case,
    acting: Organization,
    message: str,
    public: bool,
    photos: Sequence,
    photo_kind: str,
    now: dt.datetime,
) -> CaseEvent:
    """A note event (message and photos already cleaned) in the name of `acting`, audited."""
    event = add_event(
        case=case,
        kind=EventKind.NOTE,
        now=now,
        public=public,
        message=message,
        actor=actor,
        acting_organization=acting,
    )
    attach_photos(case=case, event=event, photos=photos, kind=photo_kind, public=public, actor=actor, now=now)
    Case.objects.filter(organization_id=case.organization_id, pk=case.pk).update(updated_at=now)
    audit.record_create(
        actor=actor, organization=acting, instance=event, reason=f"note on {case.tracking_code}"
    )
    return event


@transaction.atomic
def case_change_category(
    *,
    actor: Actor,
    case: Case,
    category: CaseCategory,
    department: Department | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Re-triage: a new category (and so its department and SLA). A case moved to another department is
    unassigned so that its new department assigns it."""
    require(actor, case.organization, CasePerm.CASE_ROUTE)
    now = current_time(now)
    case = lock_case(case)
    require_on_case(actor, case, CasePerm.CASE_ROUTE)
    _require_open(case)
    if category.organization_id != case.organization_id or not category.is_active:
        raise InvalidInput.for_field(
            "category", _("Choose an active category of %(org)s.") % {"org": case.organization}
        )
    department = department or category.default_department
    if department.organization_id != case.organization_id or not department.is_active:
        raise InvalidInput.for_field(
            "department", _("Choose an active department of %(org)s.") % {"org": case.organization}
        )
    if category.pk == case.category_id and department.pk == case.department_id:
        raise Conflict(_("The case already has this category and department."))
    before = audit.snapshot(case)
    old = {"category": case.category.code, "department": case.department.code}
    old_code = case.status.code
    old_department_id = case.department_id
    case.category = category
    case.department = department
    case.sla_hours = category.sla_hours
    case.due_at = due_at_for(case.organization, case.sla_started_at, category.sla_hours)
    if case.due_at is None or case.due_at > now:
        case.escalated_at = None
    if department.pk != old_department_id:
        case.assignee = None
        case.assigned_at = None
        if old_code == SystemStatus.ASSIGNED:
            move_to_status(case, status_for(case, SystemStatus.RECEIVED), now=now)
    case.updated_at = now
    changes = save_case(case, before)
    events = [
        new_event(
            case=case,
            kind=EventKind.CATEGORY_CHANGED,
            now=now,
            public=False,
            data={"from": old, "to": {"category": category.code, "department": department.code}},
            actor=actor,
        )
    ]
    if case.status.code != old_code:
        events.append(_status_event(case, old_code, actor=actor, now=now))
    CaseEvent.objects.bulk_create(events)
    if case.status.code != old_code:
        reporter_notify(case=case)
    audit_case_update(actor=actor, case=case, changes=changes, reason="category")
    return case


def _reopen(
    case: Case, *, reason: str, now: dt.datetime, actor: Actor | None, citizen: Citizen | None
) -> dict[str, list]:
    """Reopen the locked case; returns what changed, for the audit log of staff reopenings."""
    if case.is_open:
        raise Conflict(_("Case %(code)s is open already.") % {"code": case.tracking_code})
    if case.status.code == SystemStatus.FORWARDED:
        raise Conflict(_("A forwarded case continues in the organisation it was forwarded to."))
    window = case.category.reopen_window_days
    closed_at = case.closed_at or case.updated_at
    if now > closed_at + dt.timedelta(days=window):
        raise Conflict(
            _("Case %(code)s can be reopened only within %(days)d days of closing; it closed on %(date)s.")
            % {"code": case.tracking_code, "days": window, "date": f"{closed_at:%Y-%m-%d}"}
        )
    before = audit.snapshot(case)
    old_code = case.status.code
    target = SystemStatus.IN_PROGRESS if case.assignee_id else SystemStatus.RECEIVED
    move_to_status(case, status_for(case, target), now=now)
    case.closed_at = None
    case.resolved_at = None
    case.rating = None  # the earlier rating stays in the timeline; the next resolution is rated afresh
    case.rating_comment = ""
    case.rated_at = None
    case.duplicate_of = None
    case.escalated_at = None
    case.reopen_count += 1
    case.sla_started_at = now
    case.due_at = due_at_for(case.organization, now, case.sla_hours)
    changes = save_case(case, before)
    add_event(
        case=case,
        kind=EventKind.REOPENED,
        now=now,
        public=True,
        message=reason,
        data={"from": old_code, "to": case.status.code},
        actor=actor,
        citizen=citizen,
    )
    reporter_notify(case=case, citizen=citizen)
    return changes


@transaction.atomic
def case_reopen(*, actor: Actor, case: Case, reason: str, now: dt.datetime | None = None) -> Case:
    """Reopen a closed case within its category's reopen window; the SLA starts again from now.

    Reopening a duplicate unlinks it from its original (staff correcting a wrong merge).
    """
    require(actor, case.organization, CasePerm.CASE_WORK)
    now = current_time(now)
    reason = clean_text(reason, field="reason", max_length=MAX_MESSAGE, required=True)
    case = lock_case(case)
    require_on_case(actor, case, CasePerm.CASE_WORK)
    changes = _reopen(case, reason=reason, now=now, actor=actor, citizen=None)
    audit_case_update(actor=actor, case=case, changes=changes, reason="reopen")
    return case


def _require_reporter(citizen: Citizen, case: Case) -> None:
    if case.reporter_id is None or case.reporter_id != citizen.pk:
        raise AccessDenied(
            _("Only the person who reported case %(code)s may do this.") % {"code": case.tracking_code}
        )


@transaction.atomic
def case_reopen_by_citizen(
    *, citizen: Citizen, case: Case, reason: str, now: dt.datetime | None = None
) -> Case:
    """The reporter reopens their own case (not a duplicate: they follow the original)."""
    now = current_time(now)
    reason = clean_text(reason, field="reason", max_length=MAX_MESSAGE, required=True)
    case = lock_case(case)
    _require_reporter(citizen, case)
    if case.status.code == SystemStatus.DUPLICATE:
        raise Conflict(_("This report was merged with another case; follow that case instead."))
    _reopen(case, reason=reason, now=now, actor=None, citizen=citizen)
    return case


def _rate(
    case: Case, *, stars: int, comment: str, now: dt.datetime, actor: Actor | None, citizen: Citizen | None
) -> dict[str, list]:
    """Rate the locked case; returns what changed, for the audit log of staff ratings."""
    if not 1 <= stars <= 5:
        raise InvalidInput.for_field("stars", _("A rating is 1 to 5 stars."))
    comment = clean_text(comment, field="comment", max_length=MAX_COMMENT)
    if case.is_open or case.resolved_at is None:
        raise Conflict(_("Only a resolved case can be rated."))
    if case.rating is not None:
        raise Conflict(_("Case %(code)s has been rated already.") % {"code": case.tracking_code})
    before = audit.snapshot(case)
    case.rating = stars
    case.rating_comment = comment
    case.rated_at = now
    case.updated_at = now
    changes = save_case(case, before)
    # The comment may name people: internal. Statistics read the stars from the case.
    add_event(
        case=case,
        kind=EventKind.RATED,
        now=now,
        public=False,
        message=comment,
        data={"stars": stars},
        actor=actor,
        citizen=citizen,
    )
    return changes


@transaction.atomic
def case_rate(
    *, actor: Actor, case: Case, stars: int, comment: str = "", now: dt.datetime | None = None
) -> Case:
    """Staff record the reporter's rating (1–5 stars, once per resolution) given by phone or in person."""
    require(actor, case.organization, CasePerm.CASE_WORK)
    now = current_time(now)
    case = lock_case(case)
    require_on_case(actor, case, CasePerm.CASE_WORK)
    changes = _rate(case, stars=stars, comment=comment, now=now, actor=actor, citizen=None)
    audit_case_update(actor=actor, case=case, changes=changes, reason="rating on behalf of the reporter")
    return case


@transaction.atomic
def case_rate_by_citizen(
    *, citizen: Citizen, case: Case, stars: int, comment: str = "", now: dt.datetime | None = None
) -> Case:
    """The reporter rates the resolution of their own case (1–5 stars, once per resolution)."""
    now = current_time(now)
    case = lock_case(case)
    _require_reporter(citizen, case)
    _rate(case, stars=stars, comment=comment, now=now, actor=None, citizen=citizen)
    return case


def _root_of(case: Case) -> Case:
    """The first original above `case`, read afresh from the database (the caller's copy may be stale)."""
    seen: set[int] = set()
    current = Case.objects.select_related("status").get(pk=case.pk)
    while current.duplicate_of_id is not None and current.pk not in seen:
        seen.add(current.pk)
        current = Case.objects.select_related("status").get(pk=current.duplicate_of_id)
    return current


@transaction.atomic
def case_mark_duplicate(
    *, actor: Actor, case: Case, original: Case, message: str = "", now: dt.datetime | None = None
) -> Case:
    """Close `case` as a duplicate of `original` (of the same organisation) and link the two.

    Links stay one level deep: a duplicate of a duplicate points at the first original, and the duplicates
    of `case` itself move over to `original`.
    """
    require(actor, case.organization, CasePerm.CASE_WORK)
    now = current_time(now)
    message = clean_text(message, field="message", max_length=MAX_MESSAGE)
    if original.organization_id != case.organization_id:
        raise InvalidInput.for_field("original", _("A duplicate must be of a case of the same organisation."))
    root = _root_of(original)
    if root.pk == case.pk:
        raise InvalidInput.for_field("original", _("A case cannot be a duplicate of itself."))
    if root.status.code == SystemStatus.FORWARDED:
        raise InvalidInput.for_field(
            "original",
            _("Case %(code)s was forwarded; link to the case it became.") % {"code": root.tracking_code},
        )
    locked = lock_cases(case, root)
    case, root = locked[case.pk], locked[root.pk]
    require_on_case(actor, case, CasePerm.CASE_WORK)
    _require_open(case)
    if root.duplicate_of_id is not None:  # merged elsewhere while we were waiting for the locks
        raise Conflict(_("Case %(code)s changed meanwhile; try again.") % {"code": root.tracking_code})
    before = audit.snapshot(case)
    case.duplicate_of = root
    move_to_status(case, status_for(case, SystemStatus.DUPLICATE), now=now)
    changes = save_case(case, before)
    moved = list(Case.objects.filter(duplicate_of=case).values_list("tracking_code", flat=True))
    Case.objects.filter(organization_id=case.organization_id, duplicate_of=case).update(
        duplicate_of=root, updated_at=now
    )
    add_event(
        case=case,
        kind=EventKind.DUPLICATE_MARKED,
        now=now,
        public=True,
        message=message,
        data={"original": root.tracking_code},
        actor=actor,
    )
    add_event(
        case=root,
        kind=EventKind.DUPLICATE_LINKED,
        now=now,
        public=False,
        data={"duplicate": case.tracking_code, "moved": moved},
        actor=actor,
    )
    reporter_notify(case=case)
    audit_case_update(actor=actor, case=case, changes=changes, reason=f"duplicate of {root.tracking_code}")
    return case
