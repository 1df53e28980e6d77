"""Creating cases: from a citizen channel (`case_submit`) or by staff on a citizen's behalf (`case_create`)."""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from muang.cases.permissions import CasePerm
from muang.core import audit
from muang.core.access import Actor, require
from muang.core.errors import InvalidInput
from muang.core.geo import SRID
from muang.core.images import CleanImage
from muang.core.jurisdiction import require_within
from muang.core.models import Citizen, Department, Organization, User
from muang.core.validation import check_point_in_thailand, clean_phone

from ..desk import joined_case
from ..models import AttachmentKind, Case, CaseCategory, Channel, EventKind, SystemStatus
from ..tracking import new_tracking_code
from .sla import due_at_for
from .steps import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    add_event,
    attach_photos,
    clean_photos,
    clean_text,
    current_time,
    lock_case,
    move_to_status,
    save_case,
    status_for,
    status_of,
)

TRACKING_CODE_ATTEMPTS = 5
CITIZEN_CHANNELS = frozenset({Channel.WEB, Channel.LINE, Channel.OPEN311})
STAFF_CHANNELS = frozenset({Channel.PHONE, Channel.WALK_IN, Channel.STAFF})
# Fields checked by Django's own field validation; relations are checked explicitly (no extra queries).
_RELATION_FIELDS = [
    "organization",
    "department",
    "category",
    "status",
    "reporter",
    "created_by",
    "assignee",
    "duplicate_of",
    "forwarded_from",
]


def _validated_location(location: Point | None) -> Point | None:
    if location is None:
        return None
    if location.srid not in (None, SRID):
        location = location.transform(SRID, clone=True)
    location.srid = SRID
    try:
        check_point_in_thailand(location.x, location.y)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e
    return location


def _check_category(
    organization: Organization, category: CaseCategory, department: Department | None
) -> Department:
    if category.organization_id != organization.pk or not category.is_active:
        raise InvalidInput.for_field(
            "category", _("Choose an active category of %(org)s.") % {"org": organization}
        )
    department = department or category.default_department
    if department.organization_id != organization.pk or not department.is_active:
        raise InvalidInput.for_field(
            "department", _("Choose an active department of %(org)s.") % {"org": organization}
        )
    return department


def _constraint_name(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""


def new_case(
    *,
    organization: Organization,
    category: CaseCategory,
    department: Department | None,
    channel: str,
    description: str,
    title: str = "",
    location: Point | None = None,
    address: str = "",
    attributes: dict[str, Any] | None = None,
    reporter: Citizen | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    created_by: User | None = None,
    forwarded_from: Case | None = None,
    idempotency_key: str = "",
    new_reporter: bool = False,
    now: dt.datetime,
) -> tuple[Case, bool]:
    """Validate and insert a case in status `received`, with its SLA and an unguessable tracking code.

    With an `idempotency_key`, a repeat returns the first case and False instead of inserting a second one (the
    caller rolls back what it wrote for it: `case_submit` does). `new_reporter`: the reporter is a new Citizen row
    without personal data, created here once the case passed its checks."""
    department = _check_category(organization, category, department)
    # A repeated `idempotency_key` is not looked up first: a new key (nearly always) costs no query, and a repeat
    # is refused by the unique key on insert (below), answered with the first case.
    case = Case(
        organization=organization,
        department=department,
        category=category,
        status=status_of(organization, SystemStatus.RECEIVED),
        is_open=True,
        channel=channel,
        title=clean_text(title, field="title", max_length=MAX_TITLE),
        description=clean_text(description, field="description", max_length=MAX_DESCRIPTION, required=True),
        location=_validated_location(location),
        address=address.strip(),
        attributes=attributes or {},
        reporter=reporter,
        contact_name=contact_name.strip(),
        contact_phone=clean_phone(contact_phone, field="contact_phone"),
        contact_email=contact_email.strip(),
        created_by=created_by,
        forwarded_from=forwarded_from,
        idempotency_key=idempotency_key,
        sla_hours=category.sla_hours,
        sla_started_at=now,
        due_at=due_at_for(organization, now, category.sla_hours),
        created_at=now,
        updated_at=now,
    )
    try:
        case.full_clean(exclude=[*_RELATION_FIELDS, "tracking_code"], validate_constraints=False)
    except ValidationError as e:
        raise InvalidInput.from_validation_error(e) from e
    # After every check: a refused report leaves no Citizen row. The new reporter is written by the case's own
    # INSERT (one statement, below).
    new_citizen = Citizen(created_at=timezone.now()) if new_reporter else None
    if new_citizen is not None:
        case.reporter = new_citizen
    for _attempt in range(TRACKING_CODE_ATTEMPTS):
        case.tracking_code = new_tracking_code(organization.pk)
        if _insert_case(case, new_citizen=new_citizen):
            return case, True
        if idempotency_key:
            # A repeat of the key (a double submit, a retried webhook, or a concurrent one that won the race,
            # which the INSERT waited for): answer with the first case.
            first = Case.objects.filter(organization=organization, idempotency_key=idempotency_key).first()
            if first is not None:
                return first, False
        # else the tracking code was taken: draw another
    raise RuntimeError("could not find a free tracking code")  # 40 random bits: practically unreachable


# A web filing's new reporter (a Citizen row without personal data) written by the case's INSERT, as a data-modifying
# CTE: one round trip and no ORM compile for it. `ON CONFLICT DO NOTHING`: a second attempt (a taken tracking code)
# meets the row the first wrote. The case's reference to it is checked at commit (Django's foreign keys are
# deferred), as for the ORM's two statements.
_NEW_CITIZEN = (
    "WITH new_reporter AS (INSERT INTO core_citizen (id, display_name, preferred_language, created_at) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING) "
)


def _insert_case(case: Case, *, new_citizen: Citizen | None = None) -> bool:
    """INSERT the case unless its tracking code (or, with an idempotency key, that key) is taken: True and its
    primary key (and generated columns) set, or False. One statement, `INSERT ... ON CONFLICT DO NOTHING
    RETURNING`, instead of a savepoint, the INSERT and its release around it (three round trips): a clash is no
    error that would abort the transaction. Without a key only the tracking code's unique key may be met (any
    other refusal is raised); with one, any conflict is answered by the caller, which looks for the key's case."""
    meta = Case._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    query = InsertQuery(Case, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [case])
    compiler = query.get_compiler(DEFAULT_DB_ALIAS)
    compiler.returning_fields = returning = meta.db_returning_fields
    [(sql, params)] = compiler.as_sql()
    if not case.idempotency_key:
        sql = sql.replace(
            " ON CONFLICT DO NOTHING ", " ON CONFLICT ON CONSTRAINT case_tracking_code_unique DO NOTHING "
        )
    if new_citizen is not None:
        c = new_citizen
        sql = _NEW_CITIZEN + sql
        params = (c.pk, c.display_name, c.preferred_language, c.created_at, *params)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if new_citizen is not None:  # written, whether the case was (or rolled back with it by the caller)
        new_citizen._state.adding, new_citizen._state.db = False, DEFAULT_DB_ALIAS
    if row is None:
        return False
    for field, value in zip(returning, row, strict=True):
        setattr(case, field.attname, value)
    case._state.adding, case._state.db = False, DEFAULT_DB_ALIAS
    return True


def _record_created(
    *,
    case: Case,
    photos: Sequence[CleanImage],
    actor: Actor | None,
    citizen: Citizen | None,
    now: dt.datetime,
) -> None:
    event = add_event(
        case=case,
        kind=EventKind.CREATED,
        now=now,
        public=True,
        data={"channel": case.channel},
        actor=actor,
        citizen=citizen,
    )
    attach_photos(
        case=case,
        event=event,
        photos=photos,
        kind=AttachmentKind.BEFORE,
        actor=actor,
        citizen=citizen,
        now=now,
    )


@transaction.atomic
def case_submit(
    *,
    organization: Organization,
    category: CaseCategory,
    channel: str,
    description: str,
    reporter: Citizen | None = None,
    title: str = "",
    location: Point | None = None,
    address: str = "",
    attributes: dict[str, Any] | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    photos: Sequence[File] = (),
    idempotency_key: str = "",
    new_reporter: bool = False,
    on_created: Callable[[Case], None] | None = None,
    now: dt.datetime | None = None,
) -> tuple[Case, bool]:
    """A citizen's report from a public channel (web, LINE, Open311), already routed to `organization`.

    The channel has authenticated the citizen (or not: `reporter=None` and no contact is an anonymous report,
    refused for categories that do not allow it). `new_reporter=True` (with `reporter=None`) files it under a new
    Citizen row without personal data (the web form's reporter: its browser rates and reopens the case), created
    only for a new case. Photos are checked and re-encoded before anything is written.
    Returns (case, created); a repeated `idempotency_key` returns the first case and False, and writes nothing.
    `on_created(case)` is called last, in the filing's transaction, for a new case only (the web form writes the
    session that remembers its reporter there: one commit per filing).
    """
    now = current_time(now)
    if new_reporter and reporter is not None:
        raise ValueError("new_reporter is for a report without a reporter yet")
    if channel not in CITIZEN_CHANNELS:
        raise InvalidInput.for_field("channel", _("Not a citizen channel: %(c)s.") % {"c": channel})
    if (
        not category.allow_anonymous
        and reporter is None
        and not new_reporter
        and not (contact_phone.strip() or contact_email.strip())
    ):
        raise InvalidInput.for_field(
            "contact", _("Reports of this category need a phone number or an email address.")
        )
    cleaned = clean_photos(photos)
    case, created = new_case(
        organization=organization,
        category=category,
        department=None,
        channel=channel,
        description=description,
        title=title,
        location=location,
        address=address,
        attributes=attributes,
        reporter=reporter,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        idempotency_key=idempotency_key,
        new_reporter=new_reporter,
        now=now,
    )
    if not created:
        if new_reporter:  # the Citizen row made for it goes too (to this function's savepoint, if nested)
            transaction.set_rollback(True)
        return case, created
    reporter = case.reporter if new_reporter else reporter
    _record_created(case=case, photos=cleaned, actor=None, citizen=reporter, now=now)
    original = joined_case(organization=organization, category=category, point=case.location)
    if original is not None:
        _join(case=case, original=original, citizen=reporter, now=now)
    if on_created is not None:
        on_created(case)
    return case, created


def _join(*, case: Case, original: Case, citizen: Citizen | None, now: dt.datetime) -> None:
    """File a new citizen report as joined to the open case a joiner found (`cases.desk.joined_case`): linked
    as its duplicate at once (nothing new to work), marked `joined` so its reporter hears when the original
    moves (`cases.notify.reporter_notify`). The citizen keeps their own tracking code and its page."""
    original = lock_case(original)
    if not original.is_open or original.duplicate_of_id is not None:
        return  # resolved or merged while we looked: the report stays a case of its own
    original._has_joined_reports = True  # for a notification of `original` later in this transaction
    before = audit.snapshot(case)
    case.duplicate_of = original
    case.attributes = {**case.attributes, "joined": True}
    move_to_status(case, status_for(case, SystemStatus.DUPLICATE), now=now)
    save_case(case, before)
    add_event(
        case=case,
        kind=EventKind.DUPLICATE_MARKED,
        now=now,
        public=True,
        message=_("Already known and being repaired: joined to case %(code)s.")
        % {"code": original.tracking_code},
        data={"original": original.tracking_code, "joined": True},
        citizen=citizen,
    )
    add_event(
        case=original,
        kind=EventKind.DUPLICATE_LINKED,
        now=now,
        public=False,
        data={"duplicate": case.tracking_code, "joined": True},
        citizen=citizen,
    )


@transaction.atomic
def case_create(
    *,
    actor: Actor,
    organization: Organization,
    category: CaseCategory,
    description: str,
    channel: str = Channel.PHONE,
    department: Department | None = None,
    reporter: Citizen | None = None,
    title: str = "",
    location: Point | None = None,
    address: str = "",
    attributes: dict[str, Any] | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    photos: Sequence[File] = (),
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[Case, bool]:
    """Staff file a case: on a citizen's behalf (phone call, walk-in) or one they found themselves. Audited."""
    require(actor, organization, CasePerm.CASE_CREATE)
    now = current_time(now)
    if channel not in STAFF_CHANNELS | {Channel.DEVICE}:
        raise InvalidInput.for_field("channel", _("Not a staff channel: %(c)s.") % {"c": channel})
    if location is not None:
        # Staff file cases where their organisation is responsible, whichever edge they use (page or API);
        # a place of another organisation is filed there, or filed here and forwarded.
        require_within(organization, location)
    cleaned = clean_photos(photos)
    case, created = new_case(
        organization=organization,
        category=category,
        department=department,
        channel=channel,
        description=description,
        title=title,
        location=location,
        address=address,
        attributes=attributes,
        reporter=reporter,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        created_by=actor.user,
        idempotency_key=idempotency_key,
        now=now,
    )
    if created:
        _record_created(case=case, photos=cleaned, actor=actor, citizen=None, now=now)
        audit.record_create(actor=actor, organization=organization, instance=case)
    return case, created
