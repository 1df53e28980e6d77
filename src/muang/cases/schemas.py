"""Input and output shapes of the staff case API."""

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Schema

from muang.core.schemas import Instant

from .models import AttachmentKind
from .selectors import QueueOrder

CODE_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,59}$"


# --- output ------------------------------------------------------------------------------------------------------
class StatusOut(Schema):
    code: str
    name_th: str
    name_en: str
    kind: Literal["open", "closed"]
    is_resolution: bool


class CategoryOut(Schema):
    code: str
    name_th: str
    name_en: str
    department: str = Field(..., alias="default_department.code")
    sla_hours: int
    is_sensitive: bool
    allow_anonymous: bool
    reopen_window_days: int


class CaseSummaryOut(Schema):
    tracking_code: str
    title: str
    description: str
    category: str = Field(..., alias="category.code")
    category_name_th: str = Field(..., alias="category.name_th")
    status: StatusOut
    department: str = Field(..., alias="department.code")
    assignee: str | None = Field(None, alias="assignee.username")
    channel: str
    latitude: float | None = None
    longitude: float | None = None
    address: str
    created_at: dt.datetime
    updated_at: dt.datetime
    due_at: dt.datetime | None
    is_overdue: bool
    escalated_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_latitude(obj) -> float | None:
        return obj.location.y if obj.location is not None else None

    @staticmethod
    def resolve_longitude(obj) -> float | None:
        return obj.location.x if obj.location is not None else None

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        return obj.is_overdue(timezone.now())


class AttachmentOut(Schema):
    id: int
    kind: str
    url: str
    width: int
    height: int
    is_public: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.file.url


class EventOut(Schema):
    id: int
    kind: str
    is_public: bool
    message: str
    data: dict[str, Any]
    created_at: dt.datetime
    actor: str | None = Field(None, description="the staff member's username, or 'citizen' / 'system'")
    organization: str | None = Field(None, alias="actor_organization.slug")
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_actor(obj) -> str | None:
        if obj.actor_user_id is not None:
            return obj.actor_user.username
        if obj.actor_citizen_id is not None:
            return "citizen"
        return "system"


class CaseLinkOut(Schema):
    tracking_code: str
    organization: str = Field(..., alias="organization.slug")
    organization_name_th: str = Field(..., alias="organization.name_th")


class InvitationOut(Schema):
    organization: str = Field(..., alias="invited_organization.slug")
    organization_name_th: str = Field(..., alias="invited_organization.name_th")
    message: str
    created_at: dt.datetime


class CaseDetailOut(CaseSummaryOut):
    organization: str = Field(..., alias="organization.slug")
    attributes: dict[str, Any]
    has_reporter: bool
    contact_name: str
    contact_phone: str
    contact_email: str
    sla_hours: int
    sla_started_at: dt.datetime
    resolved_at: dt.datetime | None
    reopen_count: int
    rating: int | None
    rating_comment: str
    rated_at: dt.datetime | None
    duplicate_of: str | None = Field(None, alias="duplicate_of.tracking_code")
    duplicates: list[str]
    forwarded_from: CaseLinkOut | None
    forwarded_to: CaseLinkOut | None
    invitations: list[InvitationOut]
    events: list[EventOut]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_has_reporter(obj) -> bool:
        return obj.reporter_id is not None


class CaseTransitionOut(Schema):
    """What a transition changed, not a re-read of the whole case: the case's working state after it, the names
    of the fields it changed (`changed`) and the timeline events it wrote (`events`). The full case, with its
    whole timeline, photos and links, is `GET /cases/{code}`."""

    tracking_code: str
    organization: str = Field(..., alias="organization.slug")
    status: StatusOut
    is_open: bool
    category: str = Field(..., alias="category.code")
    department: str = Field(..., alias="department.code")
    assignee: str | None = None
    updated_at: dt.datetime
    due_at: dt.datetime | None
    escalated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    reopen_count: int
    rating: int | None
    rating_comment: str
    rated_at: dt.datetime | None
    duplicate_of: str | None = None
    changed: list[str] = Field(..., description="the case's fields this transition changed")
    events: list[EventOut] = Field(..., description="the timeline events this transition wrote")

    @staticmethod
    def resolve_assignee(obj) -> str | None:
        return obj.assignee.username if obj.assignee_id is not None else None

    @staticmethod
    def resolve_duplicate_of(obj) -> str | None:
        return obj.duplicate_of.tracking_code if obj.duplicate_of_id is not None else None


class NoteOut(EventOut):
    case: str = Field(..., alias="case.tracking_code")


# --- input -------------------------------------------------------------------------------------------------------
class CaseQueueQuery(Schema):
    department: str | None = Field(None, max_length=40, description="a department code")
    status: list[str] = Field([], description="status codes; repeat for several")
    category: str | None = Field(None, max_length=40, description="a category code")
    is_open: bool | None = None
    overdue: bool | None = None
    escalated: bool | None = None
    assignee: str | None = Field(None, max_length=150, description="a username, `me`, or `none`")
    since: Instant | None = Field(None, description="received at or after")
    until: Instant | None = Field(None, description="received before")
    bbox: str | None = Field(None, max_length=100, description="min_lon,min_lat,max_lon,max_lat")
    shared: bool = Field(False, description="cases of other organisations that invited this one")
    order: QueueOrder = "-created_at"


class CaseCreateIn(Schema):
    """Staff file a case for a citizen (phone call, walk-in) or one they found themselves."""

    category: str = Field(..., pattern=CODE_PATTERN)
    description: str = Field(..., min_length=1, max_length=5000)
    channel: Literal["phone", "walk_in", "staff"] = "phone"
    title: str = Field("", max_length=200)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=300)
    contact_name: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)
    idempotency_key: str = Field("", max_length=64, description="a repeated key returns the first case")


class AssignIn(Schema):
    assignee: str | None = Field(..., max_length=150, description="a username; null takes the case back")
    message: str = Field("", max_length=2000, description="internal")


class StatusChangeIn(Schema):
    status: str = Field(..., pattern=CODE_PATTERN, description="a status code of the organisation")
    message: str = Field("", max_length=2000, description="a public message to the reporter")


class NoteIn(Schema):
    message: str = Field(..., min_length=1, max_length=2000)
    public: bool = Field(False, description="a public update the reporter sees, or an internal note")


class RatingIn(Schema):
    stars: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=1000)


class ReopenIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class DuplicateIn(Schema):
    original: str = Field(..., max_length=20, description="the tracking code of the original case")
    message: str = Field("", max_length=2000, description="a public message to the reporter")


class ForwardIn(Schema):
    organization: str = Field(..., pattern=SLUG_PATTERN, description="the receiving organisation's slug")
    category: str | None = Field(
        None, pattern=CODE_PATTERN, description="its category code (default: the same)"
    )
    reason: str = Field(..., min_length=1, max_length=2000, description="public: why it is forwarded")


class InviteIn(Schema):
    organization: str = Field(..., pattern=SLUG_PATTERN)
    message: str = Field("", max_length=2000)


class CategoryChangeIn(Schema):
    category: str = Field(..., pattern=CODE_PATTERN)
    department: str | None = Field(None, pattern=CODE_PATTERN, description="default: the category's")


class AttachmentIn(Schema):
    kind: AttachmentKind = AttachmentKind.OTHER
    message: str = Field("", max_length=2000)
    public: bool = True
