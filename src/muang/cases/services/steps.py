"""The steps every case service is built from: lock, look up a status, move status, write an event, attach
photos, audit. Internal to `muang.cases.services`; other apps call the services, never these."""

import datetime as dt
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.expressions import RawSQL
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.core import audit
from muang.core.access import Actor
from muang.core.errors import InvalidInput, NotFound
from muang.core.images import CleanImage, clean_image
from muang.core.models import AuditEntry, Citizen, Department, Organization, User
from muang.core.stamps import StampedCache

from ..models import Attachment, AttachmentKind, Case, CaseCategory, CaseEvent, CaseStatus, SystemStatus
from .setup import seed_statuses

MAX_MESSAGE = 2000
MAX_DESCRIPTION = 5000
MAX_TITLE = 200
MAX_COMMENT = 1000
MAX_PHOTOS_PER_EVENT = 5
SYSTEM_STATUS_CODES = frozenset(s.value for s in SystemStatus)


def current_time(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be an aware datetime")
    return now


# One statement locks the case row and reads it afresh, with what transitions need beside it: the organisation's
# statuses and the row's category, department and assignee, as JSON from scalar subqueries. A JOIN would be
# wrong here: PostgreSQL re-checks a row that was waited for against the joined rows of the original snapshot, so
# `SELECT ... JOIN status ... FOR UPDATE` would silently drop a case whose status another transaction just
# changed. The subqueries are re-evaluated for the row version finally locked, and every related row is still
# checked against the ids of the locked row below (a mismatch falls back to an ordinary query).
_RELATED_SQL = """json_build_array(
    (SELECT json_agg(s) FROM cases_casestatus s WHERE s.organization_id = cases_case.organization_id),
    (SELECT row_to_json(c) FROM cases_casecategory c WHERE c.id = cases_case.category_id),
    (SELECT row_to_json(d) FROM core_department d WHERE d.id = cases_case.department_id),
    (SELECT json_build_object('id', u.id, 'username', u.username, 'first_name', u.first_name,
        'last_name', u.last_name, 'is_active', u.is_active) FROM core_user u WHERE u.id = cases_case.assignee_id),
    EXISTS (SELECT 1 FROM cases_case j WHERE j.duplicate_of_id = cases_case.id
        AND j.organization_id = cases_case.organization_id AND (j.attributes -> 'joined') = 'true'::jsonb)
)::text"""


def _from_json(model: type[models.Model], row: dict[str, Any] | None, pk: int | None) -> models.Model | None:
    """A model instance from one row given as JSON (missing columns deferred), or None if it is not `pk`."""
    if row is None or row.get("id") != pk:
        return None
    fields = [f for f in model._meta.concrete_fields if f.column in row]
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], [row[f.column] for f in fields])


@dataclass(frozen=True)
class _Statement:
    """`lock_case`'s statement, compiled by the ORM once per thread and key (the ORM compiled it anew on every
    transition, a few milliseconds each): its SQL, where the organisation and the key go among its parameters,
    the model's columns in the row and the converters the ORM applies to them (the location's geometry).

    Per thread, not per process: GeoDjango's geometry converter holds the GEOS WKB reader of the thread that
    compiled it, and GEOS readers are not thread-safe; shared by a web worker's threads, two transitions at
    once read each other's half-parsed geometry ("ParseException: Unexpected EOF parsing WKB", a 500)."""

    sql: str
    organization_at: int
    key_at: int
    attnames: tuple[str, ...]
    related_at: int
    converters: tuple[tuple[int, tuple, Any], ...]  # (position, converter functions, expression)


_compiled = threading.local()  # .statements: dict[str, _Statement], this thread's (see _Statement)
_ORGANIZATION_MARK, _PK_MARK, _CODE_MARK = -7_654_321, -7_654_322, "\x01lock_case\x01"


def _compile_lock(key: str) -> _Statement:
    """Compile the locking query once (inside a transaction: the ORM refuses FOR UPDATE outside one), with marks
    in place of the organisation and the key, found again among the compiled parameters."""
    mark = _PK_MARK if key == "pk" else _CODE_MARK
    query = (
        Case.objects.select_for_update()
        .annotate(_related=RawSQL(_RELATED_SQL, (), output_field=models.TextField()))  # noqa: S611 constant
        .filter(organization_id=_ORGANIZATION_MARK, **{key: mark})
        .order_by()
    )
    compiler = query.query.get_compiler(DEFAULT_DB_ALIAS)
    sql, params = compiler.as_sql()
    if len(params) != 2 or sorted(map(str, params)) != sorted(map(str, (_ORGANIZATION_MARK, mark))):
        raise RuntimeError(f"lock_case: unexpected parameters {params!r}")  # the ORM changed: fail loudly
    start, end = compiler.klass_info["select_fields"][0], compiler.klass_info["select_fields"][-1] + 1
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    return _Statement(
        sql=sql,
        organization_at=params.index(_ORGANIZATION_MARK),
        key_at=params.index(mark),
        attnames=tuple(column.target.attname for column, _sql, _alias in compiler.select[start:end]),
        related_at=compiler.annotation_col_map["_related"],
        converters=tuple(
            (at, tuple(functions), expression) for at, (functions, expression) in converters.items()
        ),
    )


def _statement(key: str) -> _Statement:
    """This thread's compiled statement for `key` (compiled on its first use in the thread)."""
    statements = getattr(_compiled, "statements", None)
    if statements is None:
        statements = _compiled.statements = {}
    statement = statements.get(key)
    if statement is None:
        statement = statements[key] = _compile_lock(key)
    return statement


def _locked_row(organization_id: int, key: str, value) -> Case | None:
    """The case row by organisation and `key` ("pk" or "tracking_code"), locked, with `_related` (the JSON of
    _RELATED_SQL), or None: one statement, compiled once per thread."""
    statement = _statement(key)
    params: list[Any] = [None, None]
    params[statement.organization_at], params[statement.key_at] = organization_id, value
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.get_autocommit():  # as the ORM refuses it: a lock outside a transaction would hold nothing
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        found = cursor.fetchone()
    return None if found is None else _case_of(statement, found, connection)


def _case_of(statement: _Statement, found: Sequence[Any], connection) -> Case:
    """The case (with `_related`) from a row of `statement`, through the ORM's converters of this thread."""
    values = list(found)
    for at, functions, expression in statement.converters:
        for function in functions:
            values[at] = function(values[at], expression, connection)
    row = Case.from_db(DEFAULT_DB_ALIAS, statement.attnames, values[: len(statement.attnames)])
    row._related = values[statement.related_at]
    return row


def lock_case(case: Case) -> Case:
    """The case row, locked until the transaction ends, read afresh with what transitions need: one query.

    `case` may be a handle not read from the database (`selectors.case_handle_for`: its organisation and
    tracking code, no primary key): then this is the only read of the case in the transition, and a code that
    names no case is a NotFound."""
    # The tenant, always: never the pk (or the code) alone.
    if case.pk is not None:
        row = _locked_row(case.organization_id, "pk", case.pk)
        if row is None:
            raise Case.DoesNotExist("Case matching query does not exist.")
    else:
        row = _locked_row(case.organization_id, "tracking_code", case.tracking_code)
        if row is None:
            raise NotFound(_("No case %(code)s.") % {"code": case.tracking_code})
    statuses_json, category_json, department_json, assignee_json, joined = json.loads(row._related)
    del row._related
    # Whether citizens' reports joined this case (`intake._join`, which locks it first): while the lock is held
    # none can join, so `cases.notify.reporter_notify` needs no query to find none.
    row._has_joined_reports = joined
    statuses = [_from_json(CaseStatus, s, s["id"]) for s in statuses_json or ()]
    row._statuses_by_code = {s.code: s for s in statuses if s.is_active}
    related = {
        "status": next((s for s in statuses if s.pk == row.status_id), None),
        "category": _from_json(CaseCategory, category_json, row.category_id),
        "department": _from_json(Department, department_json, row.department_id),
        "assignee": _from_json(User, assignee_json, row.assignee_id),
    }
    if Case.organization.is_cached(case) and case.organization_id == row.organization_id:
        row.organization = case.organization  # a case never changes organisation
    for name, value in related.items():
        if value is not None:
            setattr(row, name, value)
        # else: left to Django to load on first use (an unassigned case has no assignee to load)
    return row


def lock_cases(*cases: Case) -> dict[int, Case]:
    """Several case rows locked in primary-key order, so that two transactions never wait on each other: each
    by `lock_case` (its statement compiled once per thread, each row read afresh with its relations, by its
    tenant and primary key), instead of a lock and a second read built by the ORM at every call."""
    by_pk = {c.pk: c for c in cases}
    locked = {}
    for pk in sorted(by_pk):
        try:
            locked[pk] = lock_case(by_pk[pk])
        except Case.DoesNotExist:  # not of the tenant it claims: left out, as before (nothing of it locked)
            continue
    return locked


# Each organisation's active statuses, loaded once per process and stamp (muang.core.stamps).
_active_statuses: StampedCache[dict[str, CaseStatus]] = StampedCache(
    "case_statuses", tables=("cases_casestatus",)
)


def _statuses(organization: Organization) -> dict[str, CaseStatus]:
    return _active_statuses.get(
        organization.pk,
        lambda: {
            s.code: s for s in CaseStatus.objects.filter(organization_id=organization.pk, is_active=True)
        },
    )


def status_of(organization: Organization, code: str, *, field: str = "status") -> CaseStatus:
    """The organisation's active status `code` (from the per-process cache: shared, never change it)."""
    status = _statuses(organization).get(code)
    if status is None and code in SYSTEM_STATUS_CODES:
        seed_statuses(organization)  # an organisation that never configured cases gets the defaults
        status = CaseStatus.objects.filter(organization=organization, code=code, is_active=True).first()
    if status is None:
        raise InvalidInput.for_field(
            field, _("%(org)s has no active case status “%(code)s”.") % {"org": organization, "code": code}
        )
    return status


def status_for(case: Case, code: str, *, field: str = "status") -> CaseStatus:
    """The active status `code` of the case's organisation; free for a case from `lock_case`, which read them."""
    known = getattr(case, "_statuses_by_code", None)
    if known is not None and code in known:
        return known[code]
    return status_of(case.organization, code, field=field)


def move_to_status(case: Case, status: CaseStatus, *, now: dt.datetime) -> None:
    """Set the status and what follows from it (open flag, closing and resolution times); the caller saves."""
    was_open = case.is_open
    case.status = status
    case.is_open = status.is_open
    if not status.is_open and was_open:
        case.closed_at = now
    if status.is_resolution and case.resolved_at is None:
        case.resolved_at = now
    case.updated_at = now


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput.for_field(field, _("This field is required."))
    if len(text) > max_length:
        raise InvalidInput.for_field(
            field, _("At most %(max)d characters (this has %(n)d).") % {"max": max_length, "n": len(text)}
        )
    return text


def clean_photos(photos: Sequence[File], *, field: str = "photos") -> list[CleanImage]:
    """Every photo checked and re-encoded (`muang.core.images`) before anything is written, so a bad one
    leaves nothing behind."""
    if len(photos) > MAX_PHOTOS_PER_EVENT:
        raise InvalidInput.for_field(
            field, _("At most %(max)d photos at a time.") % {"max": MAX_PHOTOS_PER_EVENT}
        )
    return [clean_image(photo, field=field) for photo in photos]


def new_event(
    *,
    case: Case,
    kind: str,
    now: dt.datetime,
    public: bool,
    message: str = "",
    data: dict[str, Any] | None = None,
    actor: Actor | None = None,
    citizen: Citizen | None = None,
    acting_organization: Organization | None = None,
) -> CaseEvent:
    """A timeline event, not saved yet: `add_event` for one, `CaseEvent.objects.bulk_create` for several.

    The case keeps the events made for it in this transition (`written_events`), with their photos known (none
    until `attach_photos`), so that a transition answers with what it wrote without reading anything back."""
    event = CaseEvent(
        organization_id=case.organization_id,
        case=case,
        kind=kind,
        is_public=public,
        message=message,
        data=data or {},
        actor_user=actor.user if actor is not None else None,
        actor_citizen=citizen,
        actor_organization=acting_organization
        if acting_organization is not None
        else (case.organization if actor is not None else None),
        created_at=now,
    )
    event._prefetched_objects_cache = {"attachments": _known_photos(event, [])}
    written_events(case).append(event)
    return event


def written_events(case: Case) -> list[CaseEvent]:
    """The timeline events made for `case` (this instance) by the services so far."""
    return case.__dict__.setdefault("_written_events", [])


def written_changes(case: Case) -> list[str]:
    """The names of the case's fields that the services changed on this instance (`save_case`)."""
    return case.__dict__.get("_written_changes", [])


def _known_photos(event: CaseEvent, photos: list[Attachment]):
    """`event.attachments.all()` answered from `photos`, without a query (what a prefetch would leave)."""
    queryset = Attachment.objects.none()
    queryset._result_cache, queryset._prefetch_done = photos, True
    return queryset


def add_event(
    *,
    case: Case,
    kind: str,
    now: dt.datetime,
    public: bool,
    message: str = "",
    data: dict[str, Any] | None = None,
    actor: Actor | None = None,
    citizen: Citizen | None = None,
    acting_organization: Organization | None = None,
) -> CaseEvent:
    event = new_event(
        case=case,
        kind=kind,
        now=now,
        public=public,
        message=message,
        data=data,
        actor=actor,
        citizen=citizen,
        acting_organization=acting_organization,
    )
    event.save(force_insert=True)
    return event


def attach_photos(
    *,
    case: Case,
    event: CaseEvent | None,
    photos: Sequence[CleanImage],
    kind: str = AttachmentKind.OTHER,
    public: bool = True,
    actor: Actor | None = None,
    citizen: Citizen | None = None,
    now: dt.datetime,
) -> list[Attachment]:
    if kind not in AttachmentKind.values:
        raise InvalidInput.for_field("kind", _("A photo is “before”, “after” or “other”."))
    attachments = []
    for photo in photos:
        attachment = Attachment(
            organization_id=case.organization_id,
            case=case,
            event=event,
            kind=kind,
            is_public=public,
            size=photo.size,
            uploaded_by=actor.user if actor is not None else None,
            uploaded_by_citizen=citizen,
            created_at=now,
        )
        attachment.file.save(photo.name, photo, save=False)
        attachment.save()
        attachments.append(attachment)
    if event is not None and attachments:
        known = getattr(event, "_prefetched_objects_cache", {}).get("attachments")
        earlier = list(known._result_cache) if known is not None else []
        event._prefetched_objects_cache = {"attachments": _known_photos(event, earlier + attachments)}
    return attachments


def save_case(case: Case, before: dict[str, Any]) -> dict[str, list[Any]]:
    """Write only the fields that changed since `before` (an audit snapshot); the changes, for the audit log."""
    changes = audit.diff(before, audit.snapshot(case))
    case.__dict__["_written_changes"] = sorted({*written_changes(case), *changes})
    if changes:
        # An UPDATE that names the tenant as well as the row (never the primary key alone), like every lock.
        columns = {Case._meta.get_field(name).attname for name in changes}
        Case.objects.filter(organization_id=case.organization_id, pk=case.pk).update(
            **{column: getattr(case, column) for column in columns}
        )
    return changes


def audit_case_update(*, actor: Actor, case: Case, changes: dict[str, list[Any]], reason: str) -> None:
    if changes:
        audit.record(
            actor=actor,
            organization=case.organization,
            instance=case,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            reason=reason,
        )
